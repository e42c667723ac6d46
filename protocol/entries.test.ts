// Entry kinds: additive, with a text fallback, and a bad entry costs only itself.
import { describe, expect, it } from "vitest";
import { entry } from "./test-entries.ts";
import { ENTRY_KINDS, parseServerMessage } from "./index.ts";

const msg = entry;

describe("entry kinds", () => {
  it("keeps an unknown kind and its data, so the client can show its text", () => {
    const entry = msg(1, { kind: "poll", text: "Poll: lunch?", data: { options: ["a", "b"] } });
    expect(parseServerMessage({ type: "message", message: entry })).toEqual({ ok: true, value: { type: "message", message: entry } });
  });

  it("reads an entry without a kind (a server from before kinds) as text", () => {
    const { kind: _kind, ...old } = msg(1);
    expect(parseServerMessage({ type: "message", message: old })).toEqual({ ok: true, value: { type: "message", message: msg(1) } });
  });

  it("refuses a kind that is not a short identifier, and data that is not an object", () => {
    for (const bad of [{ kind: 5 }, { kind: "Bad Kind" }, { kind: "x".repeat(33) }, { data: [1] }, { data: "x" }, { data: null }]) {
      expect(parseServerMessage({ type: "message", message: msg(1, bad) }).ok).toBe(false);
    }
  });

  it("reserves the kinds the next features use", () => {
    expect([...ENTRY_KINDS]).toEqual(["text", "call", "file", "location", "card", "notice"]);
  });
});
