// Issue 14: a v2 socket's join is one frame; a v1 socket (widgets cached by host pages) still gets
// the welcome and each feature's join frame separately, with the same content.
import { runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { parseServerFrame, type ServerMessage } from "../protocol/index.ts";
import { connect, join, roomStub, sleep, token, type Client } from "../test/workerd/helpers.ts";
import type { Room } from "./room.ts";

const types = (frames: ServerMessage[]) => frames.map((f) => f.type);
const wire = (c: Client) => c.raw.map((r) => JSON.parse(r) as ServerMessage);

async function seed(room: string, n: number) {
  await runInDurableObject(roomStub(room), (instance: Room) => {
    for (let i = 0; i < n; i++)
      instance.messages.append({ user: "seed", name: "Seed", id: `seed-${String(i).padStart(6, "0")}`, kind: "text", text: `m ${i}` }, Date.now());
  });
}

describe("the v2 join frame", () => {
  it("is one frame: the welcome (v 2), then presence, reads and the first page, in v1's order", async () => {
    await seed("j-v2", 3);
    const c = await join("j-v2", "alice");
    await sleep(150); // anything else the join sets off (the coalesced presence_diff) comes after
    const [first, ...later] = wire(c);
    expect(first?.type).toBe("joined");
    expect(types(later).every((t) => t === "presence_diff")).toBe(true);
    if (first?.type !== "joined") return;
    expect(types(first.frames)).toEqual(["welcome", "presence", "reads", "history"]);
    expect(first.frames[0]).toMatchObject({ v: 2, room: "j-v2", user: "alice", lastSeq: 3 });
    expect(c.of("presence")[0]!.online).toEqual([{ user: "alice", name: "alice name" }]);
    expect(c.of("history")[0]!.messages.map((m) => m.seq)).toEqual([1, 2, 3]);
    // What the room sends is what the widget's parser accepts, unchanged.
    expect(parseServerFrame(c.raw[0])).toEqual({ ok: true, value: first });
  });

  it("carries a resume page (sync) instead of the first page when the client says `since`", async () => {
    await seed("j-since", 5);
    const c = await connect("j-since", await token("bob", ["j-since"]), { since: "3" });
    if (typeof c === "number") throw new Error(`refused ${c}`);
    await c.next("sync");
    expect(c.raw).toHaveLength(1);
    expect(c.of("sync")[0]!.messages.map((m) => m.seq)).toEqual([4, 5]);
    expect(c.of("history")).toEqual([]);
  });

  it("refuses any version but 1 and 2 with unsupported_version, naming both", async () => {
    for (const v of ["3", "0", "", "2.0x"]) {
      const c = await connect("j-version", await token("eve", ["j-version"]), { v });
      if (typeof c === "number") throw new Error(`refused ${c}`);
      await c.until(() => c.closed, "close");
      expect(c.frames[0]).toMatchObject({ type: "error", code: "unsupported_version" });
      expect(c.frames[0]?.type === "error" && c.frames[0].message).toContain("v1–v2");
      expect(c.closed?.code).toBe(4400);
    }
  });
});

describe("v1 is still served", () => {
  it("sends the welcome (v 1), presence, reads and the first page as separate frames, with v2's content", async () => {
    await seed("j-v1", 4);
    const v2 = await join("j-v1", "carol");
    const v1 = await join("j-v1", "carol", { v: "1" });
    const sent = wire(v1);
    expect(types(sent.slice(0, 4))).toEqual(["welcome", "presence", "reads", "history"]);
    expect(types(sent)).not.toContain("joined");
    expect(sent[0]).toMatchObject({ type: "welcome", v: 1, user: "carol", lastSeq: 4 });
    // Same room state, same parts: only the framing differs.
    expect(v1.of("history")).toEqual(v2.of("history"));
    expect(v1.of("reads")).toEqual(v2.of("reads"));
    expect(v1.of("presence")).toEqual(v2.of("presence"));
    const { v: _v1, ...welcome1 } = v1.of("welcome")[0]!;
    const { v: _v2, ...welcome2 } = v2.of("welcome")[0]!;
    expect(welcome1).toEqual(welcome2);
  });
});

describe("frames a feature sends on join", () => {
  it("a ringing call reaches a callee's new tab inside the v2 join frame, and as its own frame on v1", async () => {
    const a = await join("j-ring", "alice");
    const b = await join("j-ring", "bob");
    const callId = `call-join-${Date.now()}`;
    a.send({ type: "call_start", callId, to: "bob", kind: "audio" });
    await b.until((f) => f.some((x) => x.type === "call" && x.call.phase === "ringing"), "ringing");

    const tab2 = await join("j-ring", "bob");
    expect(tab2.raw).toHaveLength(1);
    const joined = wire(tab2)[0]!;
    expect(joined.type === "joined" && types(joined.frames)).toEqual(["welcome", "presence", "reads", "history", "call"]);
    expect(tab2.of("call")[0]!.call).toMatchObject({ callId, phase: "ringing", caller: { user: "alice" } });

    const old = await join("j-ring", "bob", { v: "1" });
    const call = await old.next("call");
    expect(call.call).toMatchObject({ callId, phase: "ringing" });
    expect(types(wire(old)).slice(0, 5)).toEqual(["welcome", "presence", "reads", "history", "call"]);
  });
});

describe("presence after the join frame", () => {
  it("does not echo a newcomer's own arrival back to it; a later arrival in the same window still reaches it", async () => {
    const alone = await join("j-echo", "first");
    await sleep(200);
    expect(alone.raw).toHaveLength(1);

    const watcher = await join("j-echo2", "watcher");
    await sleep(200);
    const early = await join("j-echo2", "early");
    const late = await join("j-echo2", "late");
    const diff = (c: Client) => c.until((f) => f.find((x) => x.type === "presence_diff" && x.joined.some((u) => u.user === "late")), "late's arrival");
    // The watcher and `early` (joined before `late`) learn of it; `late` knew everything from its snapshot.
    expect(await diff(watcher)).toBeTruthy();
    expect(await diff(early)).toBeTruthy();
    await sleep(200);
    expect(types(late.frames).filter((t) => t === "presence_diff")).toEqual([]);
    expect(
      late
        .of("presence")[0]!
        .online.map((u) => u.user)
        .sort(),
    ).toEqual(["early", "late", "watcher"]);
  });
});
