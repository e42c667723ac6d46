// The stream's cursor: it only passes entries whose every event was answered, in whatever order the answers come.
import { describe, expect, it } from "vitest";
import { EntryStream, RecentEntries, STREAM_IN_FLIGHT } from "./stream.ts";
import type { ChatMessage } from "../../../protocol/index.ts";

describe("EntryStream", () => {
  it("starts at the stored cursor, else where the room was when it woke", () => {
    expect(new EntryStream("u", 7, 20).cursor).toBe(7);
    expect(new EntryStream("u", null, 20)).toMatchObject({ cursor: 20, from: 21, persisted: null });
  });

  it("moves past an entry only when all its events and every earlier entry are answered", () => {
    const s = new EntryStream("u", 0, 0);
    s.started(1, 1);
    s.started(2, 2);
    s.started(3, 1);
    expect(s.free).toBe(STREAM_IN_FLIGHT - 3);
    expect(s.finished(3)).toBe(false);
    expect(s.finished(2)).toBe(false);
    expect(s.cursor).toBe(0);
    expect(s.finished(1)).toBe(true);
    expect(s.cursor).toBe(1);
    expect(s.finished(2)).toBe(true);
    expect(s.cursor).toBe(3);
    expect(s.idle(3)).toBe(true);
    expect(s.idle(4)).toBe(false);
  });
});

describe("RecentEntries", () => {
  const m = (seq: number) => ({ seq }) as ChatMessage;
  it("answers from memory only when it holds the asked range's start, and forgets on a gap", () => {
    const r = new RecentEntries(3);
    r.add([m(1), m(2), m(3), m(4)]);
    expect(r.from(1, 5)).toBeNull();
    expect(r.from(3, 5)!.map((e) => e.seq)).toEqual([3, 4]);
    expect(r.from(5, 5)).toEqual([]);
    r.add([m(9)]);
    expect(r.from(4, 5)).toBeNull();
    expect(r.from(9, 5)!.map((e) => e.seq)).toEqual([9]);
  });
});
