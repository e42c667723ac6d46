// The inbox socket's frames cross the same trust boundary as chat: parsed from unknown on both sides.
import { describe, expect, it } from "vitest";
import { parseConversation, parseInboxClientFrame, parseInboxServerFrame, type Conversation } from "./index.ts";

const row: Conversation = {
  room: "order-1",
  title: "Bike #42",
  last: { seq: 7, kind: "text", user: "buyer", name: "Bo", text: "Still available?", ts: 1_800_000_000_000 },
  unread: 2,
  last_read: 5,
  peer: { user: "buyer", name: "Bo", online: true },
};
const json = (x: unknown) => JSON.stringify(x);

describe("inbox frames from the user's object", () => {
  it("parses a page, a row and a removal", () => {
    const page = { type: "inbox", conversations: [row, { ...row, room: "r2", last: null, peer: null }], next: "1800:r2", first: true, total: 2 };
    expect(parseInboxServerFrame(json(page))).toEqual({ ok: true, value: page });
    expect(parseInboxServerFrame(json({ type: "inbox_row", conversation: row, total: 3 }))).toEqual({
      ok: true,
      value: { type: "inbox_row", conversation: row, total: 3 },
    });
    expect(parseInboxServerFrame(json({ type: "inbox_removed", room: "order-1", total: 0 }))).toEqual({
      ok: true,
      value: { type: "inbox_removed", room: "order-1", total: 0 },
    });
    expect(parseInboxServerFrame(json({ type: "error", code: "expired", message: "x" }))).toMatchObject({ ok: true, value: { code: "expired" } });
  });

  it("drops fields it does not know and refuses malformed rows", () => {
    expect(parseConversation({ ...row, html: "<b>" })).toEqual(row);
    for (const bad of [
      { ...row, unread: -1 },
      { ...row, unread: 1.5 },
      { ...row, title: 3 },
      { ...row, last: { ...row.last, seq: "7" } },
      { ...row, peer: { user: "b", name: "B" } },
      { ...row, last: undefined },
    ])
      expect(parseConversation(bad)).toBeNull();
    expect(parseInboxServerFrame(json({ type: "inbox", conversations: [{ ...row, room: 1 }], next: null, first: true, total: 0 }))).toMatchObject({
      ok: false,
      code: "invalid_message",
    });
    expect(parseInboxServerFrame(json({ type: "inbox_row", conversation: row }))).toMatchObject({ ok: false, code: "invalid_message" });
    expect(parseInboxServerFrame(json({ type: "message" }))).toMatchObject({ ok: false, code: "unknown_type" });
    expect(parseInboxServerFrame("{")).toMatchObject({ ok: false, code: "bad_json" });
    expect(parseInboxServerFrame(new ArrayBuffer(2))).toMatchObject({ ok: false, code: "binary_frame" });
    expect(parseInboxServerFrame("[]")).toMatchObject({ ok: false, code: "invalid_message" });
  });
});

describe("inbox frames from the widget", () => {
  it("parses a page request and refuses anything else", () => {
    expect(parseInboxClientFrame(json({ type: "inbox_page", before: "1800:r2" }))).toEqual({ ok: true, value: { type: "inbox_page", before: "1800:r2" } });
    expect(parseInboxClientFrame(json({ type: "inbox_page" }))).toMatchObject({ ok: false, code: "invalid_message" });
    expect(parseInboxClientFrame(json({ type: "inbox_page", before: "x".repeat(201) }))).toMatchObject({ ok: false, code: "invalid_message" });
    expect(parseInboxClientFrame(json({ type: "send", id: "x", text: "y" }))).toMatchObject({ ok: false, code: "unknown_type" });
    expect(parseInboxClientFrame(json({ type: "__proto__" }))).toMatchObject({ ok: false, code: "unknown_type" });
    expect(parseInboxClientFrame("nope")).toMatchObject({ ok: false, code: "bad_json" });
    expect(parseInboxClientFrame(new Uint8Array(1))).toMatchObject({ ok: false, code: "binary_frame" });
  });
});
