/**
 * The inbox's rows as the widget holds them: pages from the user's object merged with live row
 * updates, newest activity first. Pure (no DOM, no socket), so its ordering rules are tested in node.
 */
import type { Conversation, InboxServerFrame } from "../../protocol/index.ts";

/** Sort key: the time of the last entry; a room nobody wrote in yet sorts after every active one. */
const activity = (c: Conversation): number => c.last?.ts ?? -1;

export class ConversationList {
  /** Newest activity first. */
  rows: Conversation[] = [];
  /** Cursor of the next page; null when everything is loaded. */
  next: string | null = null;
  /** Unread across every conversation, as the user's object counts it. */
  total = 0;
  /** The first page has arrived since the last reset. */
  loaded = false;

  /** Applies one frame; returns the row that changed live (for an announcement), if any. */
  apply(frame: InboxServerFrame): Conversation | null {
    this.total = frame.total;
    if (frame.type === "inbox") {
      // The first page of a (re)connection replaces everything: rows may have left meanwhile.
      const rows = frame.first ? [] : this.rows;
      for (const c of frame.conversations) merge(rows, c);
      this.rows = sorted(rows);
      this.next = frame.next;
      this.loaded ||= frame.first;
      return null;
    }
    if (frame.type === "inbox_removed") {
      this.rows = this.rows.filter((c) => c.room !== frame.room);
      return null;
    }
    const c = frame.conversation;
    const known = this.rows.some((r) => r.room === c.room);
    // A row older than everything loaded belongs to a page not fetched yet: that page brings it.
    const oldest = this.rows[this.rows.length - 1];
    if (!known && this.next !== null && oldest && activity(c) < activity(oldest)) return null;
    const rows = this.rows.filter((r) => r.room !== c.room);
    rows.push(c);
    this.rows = sorted(rows);
    return c;
  }

  /** Forgets everything (another user or server). */
  reset(): void {
    this.rows = [];
    this.next = null;
    this.total = 0;
    this.loaded = false;
  }
}

/**
 * Adds a page's row unless a live update already brought a newer state of that room (a page
 * computed before the update may arrive after it).
 */
function merge(rows: Conversation[], c: Conversation): void {
  const i = rows.findIndex((r) => r.room === c.room);
  if (i < 0) rows.push(c);
  else if ((c.last?.seq ?? 0) >= (rows[i]!.last?.seq ?? 0)) rows[i] = c;
}

/** Stable: rows with the same activity keep the server's order. */
function sorted(rows: Conversation[]): Conversation[] {
  return rows.sort((a, b) => activity(b) - activity(a));
}
