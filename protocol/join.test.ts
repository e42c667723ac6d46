// The v2 join frame: one frame carrying the welcome and every feature's join frames, parsed part by
// part with the same parsers as when they arrive alone (protocol/parse-server.ts).
import { describe, expect, it } from "vitest";
import { entry } from "./test-entries.ts";
import { OLDEST_PROTOCOL_VERSION, PROTOCOL_VERSION, parseServerFrame, type ServerMessage, type WelcomeFrame } from "./index.ts";

const welcome: WelcomeFrame = { type: "welcome", v: 2, room: "r1", user: "u1", name: "Alice", role: "member", lastSeq: 2, readOnly: false, title: null };
const page = { type: "history", messages: [entry(1), entry(2)], before: null, hasMore: false } as const;
const ringing = {
  type: "call",
  call: {
    callId: "call_0123456789",
    kind: "audio",
    caller: { user: "u2", name: "Bob" },
    callee: { user: "u1", name: "Alice" },
    phase: "ringing",
    relay: false,
    offerer: "u2",
  },
} as const;
const parse = (frame: unknown) => parseServerFrame(JSON.stringify(frame));

describe("protocol versions", () => {
  it("speaks v2 and still names v1 as served", () => {
    expect(PROTOCOL_VERSION).toBe(2);
    expect(OLDEST_PROTOCOL_VERSION).toBe(1);
  });
});

describe("joined", () => {
  it("keeps the welcome first and every part in order, typed as when sent alone", () => {
    const frames = [
      welcome,
      { type: "presence", online: [{ user: "u1", name: "Alice" }] },
      { type: "reads", reads: [{ user: "u1", name: "Alice", seq: 2 }] },
      page,
    ];
    expect(parse({ type: "joined", frames })).toEqual({ ok: true, value: { type: "joined", frames } });
  });

  it("carries a resume page (sync) and a ringing call like any other part", () => {
    const frames = [welcome, { type: "sync", messages: [entry(3)], more: false }, ringing];
    const r = parse({ type: "joined", frames });
    expect(r.ok && r.value).toMatchObject({ type: "joined", frames: [{ type: "welcome" }, { type: "sync" }, { type: "call", call: { phase: "ringing" } }] });
  });

  it("is a welcome alone when no feature sent anything", () => {
    expect(parse({ type: "joined", frames: [welcome] })).toEqual({ ok: true, value: { type: "joined", frames: [welcome] } });
  });

  it("leaves out a part of a type this client does not know, as v1 ignores such a frame", () => {
    const r = parse({ type: "joined", frames: [welcome, { type: "poll_state", polls: [] }, page] });
    expect(r).toEqual({ ok: true, value: { type: "joined", frames: [welcome, page] } });
  });

  it("strips unknown fields inside parts (the part parsers run)", () => {
    const r = parse({
      type: "joined",
      frames: [
        { ...welcome, extra: 1 },
        { ...page, messages: [{ ...entry(1), html: "<b>x</b>" }] },
      ],
    });
    expect(r).toEqual({ ok: true, value: { type: "joined", frames: [welcome, { ...page, messages: [entry(1)] }] } });
  });

  const broken: Array<[string, unknown]> = [
    ["no frames", { type: "joined" }],
    ["frames not a list", { type: "joined", frames: { 0: welcome } }],
    ["an empty list", { type: "joined", frames: [] }],
    ["no welcome first", { type: "joined", frames: [page, welcome] }],
    ["a malformed welcome", { type: "joined", frames: [{ ...welcome, role: "admin" }, page] }],
    ["a second welcome", { type: "joined", frames: [welcome, welcome] }],
    ["a nested join", { type: "joined", frames: [welcome, { type: "joined", frames: [welcome] }] }],
    ["a malformed part", { type: "joined", frames: [welcome, { type: "reads", reads: [{ user: "u" }] }] }],
    ["a part that is not an object", { type: "joined", frames: [welcome, "presence"] }],
    ["a null part", { type: "joined", frames: [welcome, null] }],
  ];

  it.each(broken)("%s → invalid_message", (_name, frame) => {
    const r = parse(frame);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.code).toBe("invalid_message");
  });

  it("types its parts: a listener can switch on them like frames sent alone", () => {
    const r = parse({ type: "joined", frames: [welcome, page] });
    const types = r.ok && r.value.type === "joined" ? r.value.frames.map((f: ServerMessage) => f.type) : [];
    expect(types).toEqual(["welcome", "history"]);
  });
});
