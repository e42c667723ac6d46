import { describe, expect, it } from "vitest";
import type { Conversation } from "../../protocol/index.ts";
import { loadLang } from "../i18n/index.ts";
import { addCatalog } from "../i18n/index.ts";
import { inbox } from "../i18n/en/inbox.ts";
import { capUnread, preview, rowTime } from "./format.ts";
import { ConversationList } from "./list.ts";

addCatalog({ en: inbox, ko: () => import("../i18n/ko/inbox.ts") });

const row = (room: string, ts: number | null, o: Partial<Conversation> = {}): Conversation => ({
  room,
  title: room.toUpperCase(),
  last: ts === null ? null : { seq: ts, kind: "text", user: "bob", name: "Bob", text: `hi from ${room}`, ts },
  unread: 0,
  last_read: 0,
  peer: null,
  ...o,
});
const rooms = (l: ConversationList) => l.rows.map((r) => r.room);

describe("inbox list", () => {
  it("keeps rows newest activity first, rooms without entries last in the server's order", () => {
    const l = new ConversationList();
    l.apply({ type: "inbox", first: true, next: null, total: 4, conversations: [row("a", 10), row("e1", null), row("b", 30), row("e2", null), row("c", 20)] });
    expect(rooms(l)).toEqual(["b", "c", "a", "e1", "e2"]);
    expect(l.total).toBe(4);
    expect(l.loaded).toBe(true);
  });

  it("moves a row that changed live to its place and takes the total from the frame", () => {
    const l = new ConversationList();
    l.apply({ type: "inbox", first: true, next: null, total: 0, conversations: [row("a", 30), row("b", 20), row("c", 10)] });
    const changed = l.apply({ type: "inbox_row", total: 3, conversation: row("c", 40, { unread: 3 }) });
    expect(changed?.room).toBe("c");
    expect(rooms(l)).toEqual(["c", "a", "b"]);
    expect(l.rows[0]!.unread).toBe(3);
    expect(l.total).toBe(3);
    // A read clears the count without moving the row.
    l.apply({ type: "inbox_row", total: 0, conversation: row("c", 40, { unread: 0, last_read: 40 }) });
    expect(rooms(l)).toEqual(["c", "a", "b"]);
    expect(l.rows[0]!.unread).toBe(0);
    expect(l.total).toBe(0);
  });

  it("adds a new room live, drops a removed one", () => {
    const l = new ConversationList();
    l.apply({ type: "inbox", first: true, next: null, total: 0, conversations: [row("a", 30)] });
    l.apply({ type: "inbox_row", total: 1, conversation: row("n", 50, { unread: 1 }) });
    expect(rooms(l)).toEqual(["n", "a"]);
    l.apply({ type: "inbox_removed", room: "n", total: 0 });
    expect(rooms(l)).toEqual(["a"]);
    expect(l.total).toBe(0);
  });

  it("pages: appends the next page, leaves an older live row to the page that will bring it", () => {
    const l = new ConversationList();
    l.apply({ type: "inbox", first: true, next: "cur1", total: 0, conversations: [row("a", 50), row("b", 40)] });
    // Older than anything loaded while more pages exist: not inserted (it would sit in the wrong place).
    expect(l.apply({ type: "inbox_row", total: 1, conversation: row("z", 5, { unread: 1 }) })).toBeNull();
    expect(rooms(l)).toEqual(["a", "b"]);
    l.apply({ type: "inbox", first: false, next: null, total: 1, conversations: [row("c", 30), row("z", 5, { unread: 1 })] });
    expect(rooms(l)).toEqual(["a", "b", "c", "z"]);
    expect(l.next).toBeNull();
    // Once everything is loaded, any row has its place.
    l.apply({ type: "inbox_row", total: 1, conversation: row("y", 1) });
    expect(rooms(l)).toEqual(["a", "b", "c", "z", "y"]);
  });

  it("keeps a newer live state of a room over a page computed before it", () => {
    const l = new ConversationList();
    l.apply({ type: "inbox", first: true, next: "cur1", total: 0, conversations: [row("a", 50), row("b", 40)] });
    l.apply({ type: "inbox_row", total: 2, conversation: row("c", 60, { unread: 2 }) });
    l.apply({ type: "inbox", first: false, next: null, total: 2, conversations: [row("c", 30)] });
    expect(rooms(l)).toEqual(["c", "a", "b"]);
    expect(l.rows[0]!.last?.seq).toBe(60);
    expect(l.rows[0]!.unread).toBe(2);
  });

  it("a first page after a reconnect replaces what was held", () => {
    const l = new ConversationList();
    l.apply({ type: "inbox", first: true, next: null, total: 0, conversations: [row("a", 50), row("gone", 40)] });
    l.apply({ type: "inbox", first: true, next: null, total: 0, conversations: [row("a", 50)] });
    expect(rooms(l)).toEqual(["a"]);
    l.reset();
    expect(l.rows).toEqual([]);
    expect(l.loaded).toBe(false);
  });
});

describe("inbox row text", () => {
  const now = new Date(2026, 10, 21, 15, 0).getTime();

  it("caps counts at 99+", () => {
    expect(capUnread(1)).toBe("1");
    expect(capUnread(99)).toBe("99");
    expect(capUnread(100)).toBe("99+");
  });

  it("shows today's time, an earlier day's date", () => {
    expect(rowTime("en", now - 3600_000, now)).toMatch(/2:00\sPM/);
    expect(rowTime("en", now - 3 * 86_400_000, now)).toBe("Nov 18");
  });

  it("names the sender, and 'You' for the user's own message, in the language shown", async () => {
    const c = row("a", now - 60_000, { unread: 120, peer: { user: "bob", name: "Bob", online: true }, title: "Bob" });
    expect(preview("en", c, "me")).toBe("Bob: hi from a");
    expect(preview("en", { ...c, last: { ...c.last!, user: "me" } }, "me")).toBe("You: hi from a");
    expect(preview("en", row("e", null), "me")).toBe("");
    await loadLang("ko");
    expect(preview("ko", { ...c, last: { ...c.last!, user: "me" } }, "me")).toBe("나: hi from a");
  });
});
