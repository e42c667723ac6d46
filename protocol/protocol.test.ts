// The parsers are the trust boundary on both sides of the socket: every valid frame must come
// out typed and unchanged, every malformed one must come out as the error code the room answers
// with (and nothing else), so these tests pin the exact code for each kind of bad input.
// Over 300 lines on purpose: one table of cases per direction reads better than scattered files;
// entry kinds and calls have their own files (entries.test.ts, calls.test.ts).
import { describe, expect, it } from "vitest";
import { entry } from "./test-entries.ts";
import {
  CLOSE_CODES,
  ERROR_CODES,
  MAX_FRAME_BYTES,
  MAX_HISTORY_LIMIT,
  MAX_TEXT_LENGTH,
  PROTOCOL_VERSION,
  ROOM_ID_PATTERN,
  codePointLength,
  isErrorCode,
  isWellFormed,
  toWellFormed,
  parseClientFrame,
  parseClientMessage,
  parseServerFrame,
  parseServerMessage,
  utf8Length,
  type ClientMessage,
  type ErrorCode,
  type ServerMessage,
} from "./index.ts";

const ID = "msg_0123456789";
const json = (v: unknown) => JSON.stringify(v);

function expectClientOk(frame: unknown, expected: ClientMessage = frame as ClientMessage) {
  const r = parseClientFrame(json(frame));
  expect(r).toEqual({ ok: true, value: expected });
}

function expectClientFail(raw: unknown, code: ErrorCode, id?: string) {
  const r = parseClientFrame(raw);
  expect(r.ok).toBe(false);
  if (r.ok) return;
  expect(r.code).toBe(code);
  expect(typeof r.message).toBe("string");
  expect(r.message.length).toBeGreaterThan(0);
  expect(r.id).toBe(id);
}

describe("constants", () => {
  it("has a positive integer protocol version", () => {
    expect(Number.isInteger(PROTOCOL_VERSION) && PROTOCOL_VERSION > 0).toBe(true);
  });

  it("uses 4xxx application close codes", () => {
    expect(CLOSE_CODES).toEqual({ unsupportedVersion: 4400, expired: 4401, forbidden: 4403, flood: 4429 });
  });

  it("knows its error codes and nothing else", () => {
    for (const code of ERROR_CODES) expect(isErrorCode(code)).toBe(true);
    for (const v of ["nope", "", 1, null, undefined, {}, "BAD_JSON"]) expect(isErrorCode(v)).toBe(false);
  });

  it("accepts room ids of [A-Za-z0-9_-]{1,128} only", () => {
    expect(ROOM_ID_PATTERN.test("r1")).toBe(true);
    expect(ROOM_ID_PATTERN.test("demo-abc_DEF-9")).toBe(true);
    expect(ROOM_ID_PATTERN.test("a".repeat(128))).toBe(true);
    for (const bad of ["", "a".repeat(129), "a b", "a/b", "a.b", "é", "../x"]) expect(ROOM_ID_PATTERN.test(bad)).toBe(false);
  });
});

describe("length helpers", () => {
  it("counts a surrogate pair as one code point and a lone surrogate as one", () => {
    expect(codePointLength("")).toBe(0);
    expect(codePointLength("abc")).toBe(3);
    expect(codePointLength("😀")).toBe(1);
    expect(codePointLength("a😀b")).toBe(3);
    expect(codePointLength("\ud83d")).toBe(1);
    expect(codePointLength("\ude00\ud83d")).toBe(2);
    expect(codePointLength("한국어")).toBe(3);
  });

  it("measures UTF-8 bytes (values as TextEncoder gives them)", () => {
    const cases: Array<[string, number]> = [
      ["", 0],
      ["abc", 3],
      ["é", 2],
      ["한국어", 9],
      ["😀", 4],
      ["a😀b€", 9],
      ["x".repeat(1000), 1000],
    ];
    for (const [s, bytes] of cases) expect(utf8Length(s)).toBe(bytes);
  });
});

describe("parseClientFrame: valid messages", () => {
  it("send", () => expectClientOk({ type: "send", id: ID, text: "hello" }));
  it("send with a uuid id", () => expectClientOk({ type: "send", id: "6f1c2b1e-8a7d-4c9e-9b1a-0123456789ab", text: "hi" }));
  it("send with markup is accepted verbatim (rendering is the widget's job)", () =>
    expectClientOk({ type: "send", id: ID, text: "<img src=x onerror=alert(1)> javascript:alert(1)" }));
  it("send with exactly MAX_TEXT_LENGTH characters", () => expectClientOk({ type: "send", id: ID, text: "a".repeat(MAX_TEXT_LENGTH) }));
  it("send with MAX_TEXT_LENGTH emoji (surrogate pairs count once) fits the frame limit", () =>
    expectClientOk({ type: "send", id: ID, text: "😀".repeat(MAX_TEXT_LENGTH) }));
  it("send drops fields the server stamps itself", () =>
    expectClientOk({ type: "send", id: ID, text: "hi", user: "mallory", name: "Admin", seq: 1, ts: 0 }, { type: "send", id: ID, text: "hi" }));
  it("history without limit", () => expectClientOk({ type: "history", before: 10 }));
  it("history with limit", () => expectClientOk({ type: "history", before: 0, limit: 1 }));
  it("history with the largest limit", () => expectClientOk({ type: "history", before: 99, limit: MAX_HISTORY_LIMIT }));
  it("sync", () => expectClientOk({ type: "sync", since: 0 }));
  it("sync from a later sequence", () => expectClientOk({ type: "sync", since: 1234 }));
  it("typing", () => expectClientOk({ type: "typing" }));
  it("typing ignores extra fields", () => expectClientOk({ type: "typing", user: "x" }, { type: "typing" }));
  it("read", () => expectClientOk({ type: "read", seq: 5 }));

  it("parseClientMessage takes already-decoded data", () => {
    expect(parseClientMessage({ type: "read", seq: 0 })).toEqual({ ok: true, value: { type: "read", seq: 0 } });
  });
});

describe("parseClientFrame: malformed frames", () => {
  it("binary frames → binary_frame", () => {
    expectClientFail(new ArrayBuffer(4), "binary_frame");
    expectClientFail(new Uint8Array([123, 125]), "binary_frame");
    expectClientFail(new Uint8Array([123, 34, 116, 121, 112, 101, 34, 58, 34, 116, 121, 112, 105, 110, 103, 34, 125]).buffer, "binary_frame");
  });

  it("non-string, non-binary input is refused too", () => {
    expectClientFail(undefined, "binary_frame");
    expectClientFail(42, "binary_frame");
  });

  it("frames over MAX_FRAME_BYTES → frame_too_large (before any JSON parsing)", () => {
    expectClientFail("x".repeat(MAX_FRAME_BYTES + 1), "frame_too_large");
    expectClientFail(json({ type: "send", id: ID, text: "a".repeat(MAX_FRAME_BYTES) }), "frame_too_large");
    // Multi-byte characters are measured in UTF-8 bytes, not UTF-16 units.
    expectClientFail("{" + "한".repeat(Math.ceil(MAX_FRAME_BYTES / 3)) + "}", "frame_too_large");
  });

  it("a frame of exactly MAX_FRAME_BYTES is not too large", () => {
    const r = parseClientFrame(" ".repeat(MAX_FRAME_BYTES - json({ type: "typing" }).length) + json({ type: "typing" }));
    expect(r).toEqual({ ok: true, value: { type: "typing" } });
  });

  it("non-JSON → bad_json", () => {
    for (const raw of ["", "{", "hello", "{type:'send'}", "[1,", "undefined", '{"type":"send",}']) expectClientFail(raw, "bad_json");
  });

  it("JSON that is not an object → invalid_message", () => {
    for (const v of [null, 1, "send", true, [], [{ type: "send", id: ID, text: "x" }]]) expectClientFail(json(v), "invalid_message");
  });

  it("missing or non-string type → invalid_message", () => {
    expectClientFail(json({}), "invalid_message");
    expectClientFail(json({ id: ID, text: "x" }), "invalid_message");
    expectClientFail(json({ type: 1 }), "invalid_message");
    expectClientFail(json({ type: null }), "invalid_message");
    expectClientFail(json({ type: ["send"] }), "invalid_message");
  });

  it("unknown type → unknown_type", () => {
    for (const type of ["hello", "SEND", "ack", "welcome", "message", ""]) expectClientFail(json({ type }), "unknown_type");
  });

  it("unknown_type does not echo an arbitrarily long type back", () => {
    const r = parseClientFrame(json({ type: "x".repeat(5000) }));
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.code).toBe("unknown_type");
      expect(r.message.length).toBeLessThan(200);
    }
  });

  it("send with a missing or bad id → invalid_message (no id echoed)", () => {
    for (const id of [undefined, null, 12345678, "short", "x".repeat(65), "has space!", "ünïcode-id", "a/b/c/d/e"]) {
      expectClientFail(json({ type: "send", id, text: "hi" }), "invalid_message");
    }
  });

  it("send with missing or non-string text → invalid_message with the id", () => {
    for (const text of [undefined, null, 5, {}, ["hi"]]) expectClientFail(json({ type: "send", id: ID, text }), "invalid_message", ID);
  });

  it("send with empty or blank text → empty_text with the id", () => {
    for (const text of ["", " ", "\n\t  \r\n"]) expectClientFail(json({ type: "send", id: ID, text }), "empty_text", ID);
  });

  it("send with a lone surrogate → invalid_text with the id (it would not round-trip through storage)", () => {
    for (const text of ["a\ud800b", "\udc00", "x\ud83d", "\ude00\ud83d", "\ud800".repeat(3000)]) {
      expectClientFail(json({ type: "send", id: ID, text }), "invalid_text", ID);
    }
    expectClientOk({ type: "send", id: ID, text: "paired 😀 is fine" });
  });

  it("isWellFormed / toWellFormed", () => {
    expect(isWellFormed("한국어 😀")).toBe(true);
    expect(isWellFormed("a\ud800b")).toBe(false);
    expect(toWellFormed("a\ud800b\udc00😀")).toBe("a\ufffdb\ufffd😀");
    expect(toWellFormed("fine")).toBe("fine");
  });

  it("send over MAX_TEXT_LENGTH characters → text_too_long with the id", () => {
    expectClientFail(json({ type: "send", id: ID, text: "a".repeat(MAX_TEXT_LENGTH + 1) }), "text_too_long", ID);
    expectClientFail(json({ type: "send", id: ID, text: "😀".repeat(MAX_TEXT_LENGTH + 1) }), "text_too_long", ID);
    expectClientFail(json({ type: "send", id: ID, text: "한".repeat(MAX_TEXT_LENGTH + 1) }), "text_too_long", ID);
  });

  it("text length counts surrogate pairs as one character, not two UTF-16 units", () => {
    // 2,001 emoji are 4,002 UTF-16 units but 2,001 characters: well under the limit.
    expectClientOk({ type: "send", id: ID, text: "😀".repeat(MAX_TEXT_LENGTH / 2 + 1) });
    // MAX_TEXT_LENGTH - 1 letters + one emoji = MAX_TEXT_LENGTH characters: accepted.
    expectClientOk({ type: "send", id: ID, text: "a".repeat(MAX_TEXT_LENGTH - 1) + "😀" });
    // ... and one more letter tips it over.
    expectClientFail(json({ type: "send", id: ID, text: "a".repeat(MAX_TEXT_LENGTH) + "😀" }), "text_too_long", ID);
  });

  it("history with bad before/limit → invalid_message", () => {
    for (const before of [undefined, null, -1, 1.5, "10", Number.MAX_SAFE_INTEGER + 1]) {
      expectClientFail(json({ type: "history", before }), "invalid_message");
    }
    for (const limit of [0, -1, MAX_HISTORY_LIMIT + 1, 2.5, "10", null]) {
      expectClientFail(json({ type: "history", before: 10, limit }), "invalid_message");
    }
  });

  it("sync with bad since → invalid_message", () => {
    for (const since of [undefined, null, -1, 0.5, "3"]) expectClientFail(json({ type: "sync", since }), "invalid_message");
  });

  it("read with bad seq → invalid_message", () => {
    for (const seq of [undefined, null, -1, 0.5, "3", [1]]) expectClientFail(json({ type: "read", seq }), "invalid_message");
  });
});

// ---- server frames ------------------------------------------------------------------------------

const msg = entry;

const validServerFrames: ServerMessage[] = [
  { type: "welcome", v: PROTOCOL_VERSION, room: "r1", user: "u1", name: "Alice", role: "member", lastSeq: 0, readOnly: false, title: null },
  { type: "welcome", v: PROTOCOL_VERSION, room: "r1", user: "u1", name: "Alice", role: "moderator", lastSeq: 42, readOnly: true, title: "Bike #42" },
  { type: "history", messages: [], before: null, hasMore: false },
  { type: "history", messages: [msg(1), msg(2)], before: null, hasMore: true },
  { type: "history", messages: [msg(3)], before: 4, hasMore: false },
  { type: "sync", messages: [msg(5), msg(6)], more: true },
  { type: "sync", messages: [], more: false },
  { type: "ack", id: ID, seq: 7, ts: 1_700_000_000_007 },
  { type: "message", message: msg(8) },
  { type: "messages", messages: [msg(9), msg(10)] },
  { type: "presence", online: [] },
  {
    type: "presence",
    online: [
      { user: "u1", name: "Alice" },
      { user: "u2", name: "Bob" },
    ],
  },
  { type: "presence_diff", joined: [{ user: "u2", name: "Bob" }], left: [] },
  { type: "presence_diff", joined: [], left: ["u3"] },
  { type: "typing", user: "u2", name: "Bob" },
  { type: "reads", reads: [] },
  { type: "reads", reads: [{ user: "u2", name: "Bob", seq: 8 }] },
  { type: "error", code: "bad_json", message: "Frame is not valid JSON." },
  { type: "error", code: "text_too_long", message: "too long", id: ID },
  { type: "error", code: "rate_limited", message: "slow down", retryAfterMs: 250 },
  {
    type: "joined",
    frames: [
      { type: "welcome", v: PROTOCOL_VERSION, room: "r1", user: "u1", name: "Alice", role: "member", lastSeq: 1, readOnly: false, title: null },
      { type: "presence", online: [{ user: "u1", name: "Alice" }] },
      { type: "reads", reads: [] },
      { type: "history", messages: [msg(1)], before: null, hasMore: false },
    ],
  },
];

describe("parseServerFrame: valid frames", () => {
  it.each(validServerFrames.map((f) => [f.type, f] as const))("%s", (_type, frame) => {
    expect(parseServerFrame(json(frame))).toEqual({ ok: true, value: frame });
    expect(parseServerMessage(frame)).toEqual({ ok: true, value: frame });
  });

  it("covers every server message type", () => {
    const types = new Set(validServerFrames.map((f) => f.type));
    expect([...types].sort()).toEqual(
      ["ack", "error", "history", "joined", "message", "messages", "presence", "presence_diff", "reads", "sync", "typing", "welcome"].sort(),
    );
  });

  it("every error code parses in an error frame", () => {
    for (const code of ERROR_CODES) {
      expect(parseServerMessage({ type: "error", code, message: "m" })).toEqual({ ok: true, value: { type: "error", code, message: "m" } });
    }
  });

  it("strips unknown fields from chat messages", () => {
    const r = parseServerMessage({ type: "message", message: { ...msg(1), html: "<b>x</b>" }, extra: 1 });
    expect(r).toEqual({ ok: true, value: { type: "message", message: msg(1) } });
  });
});

describe("parseServerFrame: malformed frames", () => {
  const expectServerFail = (raw: unknown, code: ErrorCode) => {
    const r = parseServerFrame(raw);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.code).toBe(code);
  };

  it("binary → binary_frame", () => {
    expectServerFail(new ArrayBuffer(2), "binary_frame");
    expectServerFail(new Uint8Array([1]), "binary_frame");
  });

  it("non-JSON → bad_json", () => {
    for (const raw of ["", "{", "nope", "{'type':'ack'}"]) expectServerFail(raw, "bad_json");
  });

  it("unknown type → unknown_type", () => {
    for (const type of ["hello", "send", "WELCOME", ""]) expectServerFail(json({ type }), "unknown_type");
  });

  it("non-object → invalid_message", () => {
    for (const v of [null, 3, "x", []]) expectServerFail(json(v), "invalid_message");
  });

  const broken: Array<[string, unknown]> = [
    ["welcome without v", { type: "welcome", room: "r", user: "u", name: "n", role: "member", lastSeq: 0, readOnly: false }],
    ["welcome with a bad role", { type: "welcome", v: 1, room: "r", user: "u", name: "n", role: "admin", lastSeq: 0, readOnly: false, title: null }],
    ["welcome with a string readOnly", { type: "welcome", v: 1, room: "r", user: "u", name: "n", role: "member", lastSeq: 0, readOnly: "no" }],
    ["welcome with a numeric title", { type: "welcome", v: 1, room: "r", user: "u", name: "n", role: "member", lastSeq: 0, readOnly: false, title: 5 }],
    ["welcome with a negative lastSeq", { type: "welcome", v: 1, room: "r", user: "u", name: "n", role: "member", lastSeq: -1, readOnly: false, title: null }],
    ["history without hasMore", { type: "history", messages: [], before: null }],
    ["history with a string before", { type: "history", messages: [], before: "5", hasMore: false }],
    ["history with messages not an array", { type: "history", messages: {}, before: null, hasMore: false }],
    ["sync without more", { type: "sync", messages: [] }],
    ["ack without seq", { type: "ack", id: ID, ts: 1 }],
    ["ack with a fractional seq", { type: "ack", id: ID, seq: 1.5, ts: 1 }],
    ["message without message", { type: "message" }],
    ["messages with an empty list", { type: "messages", messages: [] }],
    ["message with a null message", { type: "message", message: null }],
    ["message with a negative ts", { type: "message", message: msg(1, { ts: -1 }) }],
    ["message with a numeric user", { type: "message", message: msg(1, { user: 7 }) }],
    ["presence with a bad user", { type: "presence", online: [{ user: "u1" }] }],
    ["presence_diff with a non-string left", { type: "presence_diff", joined: [], left: [1] }],
    ["presence_diff without joined", { type: "presence_diff", left: [] }],
    ["typing without name", { type: "typing", user: "u" }],
    ["reads with a bad seq", { type: "reads", reads: [{ user: "u", name: "n", seq: "1" }] }],
    ["error with an unknown code", { type: "error", code: "oops", message: "m" }],
    ["error without message", { type: "error", code: "internal" }],
  ];

  it.each(broken)("%s → invalid_message", (_name, frame) => {
    expectServerFail(json(frame), "invalid_message");
  });

  it("skips a malformed entry in a page instead of dropping the page", () => {
    // Issue 7: one bad entry (e.g. from a newer server) must not cost the reader the whole page.
    expect(parseServerMessage({ type: "history", messages: [msg(1), { ...msg(2), seq: "2" }, msg(3)], before: null, hasMore: false })).toEqual({
      ok: true,
      value: { type: "history", messages: [msg(1), msg(3)], before: null, hasMore: false },
    });
    expect(parseServerMessage({ type: "sync", messages: [{ ...msg(1), text: undefined }, msg(2)], more: false })).toEqual({
      ok: true,
      value: { type: "sync", messages: [msg(2)], more: false },
    });
  });

  it("drops a malformed optional id/retryAfterMs from an error instead of passing it on", () => {
    const r = parseServerMessage({ type: "error", code: "rate_limited", message: "m", id: 5, retryAfterMs: -3 });
    expect(r).toEqual({ ok: true, value: { type: "error", code: "rate_limited", message: "m" } });
  });
});
