/**
 * The user's inbox index: one row per room they are (or were) a member of, with the latest state the
 * room pushed. Rows of rooms they were removed from stay as tombstones (`removed = 1`, with the rev of
 * the removal) so a late, older update cannot bring the room back.
 */
import { parseConversation, type Conversation } from "../../protocol/index.ts";
import type { InboxUpdate } from "./inbox-types.ts";

type Row = { room: string; rev: number; removed: number; activity: number; unread: number; row: string; pull: number };

/** What applying an update did: null when nothing visible changed (older rev, or the same row again). */
export type InboxChange = { room: string; conversation: Conversation | null } | null;

/** Keyset cursor `<activity>:<room>`: stable under inserts, unlike an offset. Room ids have no ':'. */
const CURSOR = /^(\d{1,16}):([A-Za-z0-9_-]{1,128})$/;

export function isInboxCursor(value: string): boolean {
  return CURSOR.test(value);
}

export class InboxStore {
  /** Unread across visible rows, kept in memory (read on every pushed frame), written through the rows. */
  private totalUnread: number;

  constructor(private readonly sql: SqlStorage) {
    this.totalUnread = sql.exec<{ n: number | null }>("SELECT SUM(unread) AS n FROM inbox WHERE removed = 0").one().n ?? 0;
  }

  get total(): number {
    return this.totalUnread;
  }

  apply(update: InboxUpdate): InboxChange {
    const existing = this.sql.exec<Row>("SELECT * FROM inbox WHERE room = ?", update.room).toArray()[0];
    if (existing && existing.rev >= update.rev) return null;
    const visibleBefore = existing !== undefined && existing.removed === 0;
    const { conversation } = update;
    const row = conversation === null ? (existing?.row ?? "null") : JSON.stringify(conversation);
    const unread = conversation?.unread ?? 0;
    this.sql.exec(
      `INSERT INTO inbox (room, rev, removed, activity, unread, row, pull) VALUES (?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (room) DO UPDATE SET rev = excluded.rev, removed = excluded.removed, activity = excluded.activity,
         unread = excluded.unread, row = excluded.row, pull = excluded.pull`,
      update.room,
      update.rev,
      conversation === null ? 1 : 0,
      update.activity,
      unread,
      row,
      update.pull === true && conversation !== null ? 1 : 0,
    );
    this.totalUnread += unread - (visibleBefore ? existing.unread : 0);
    if (conversation === null) return visibleBefore ? { room: update.room, conversation: null } : null;
    // A room that re-sends the same state (a presence flap, a retried flush) changes nothing on screen.
    if (visibleBefore && existing.row === row && existing.activity === update.activity) return null;
    return { room: update.room, conversation };
  }

  /** The large rooms (see party/features/inbox) whose rows are read from the room on demand. */
  pulled(): string[] {
    return this.sql
      .exec<{ room: string }>("SELECT room FROM inbox WHERE removed = 0 AND pull = 1")
      .toArray()
      .map((r) => r.room);
  }

  isPulled(room: string): boolean {
    return this.sql.exec<{ pull: number }>("SELECT pull FROM inbox WHERE room = ? AND removed = 0", room).toArray()[0]?.pull === 1;
  }

  /** Rows newest activity first, after `before` (a cursor from an earlier page), and the next cursor. */
  page(before: string | null, limit: number): { conversations: Conversation[]; next: string | null } {
    const m = before === null ? null : CURSOR.exec(before);
    const rows = m
      ? this.sql
          .exec<Row>(
            `SELECT * FROM inbox WHERE removed = 0 AND (activity < ? OR (activity = ? AND room < ?))
             ORDER BY activity DESC, room DESC LIMIT ?`,
            Number(m[1]),
            Number(m[1]),
            m[2],
            limit + 1,
          )
          .toArray()
      : this.sql.exec<Row>("SELECT * FROM inbox WHERE removed = 0 ORDER BY activity DESC, room DESC LIMIT ?", limit + 1).toArray();
    const more = rows.length > limit;
    const shown = more ? rows.slice(0, limit) : rows;
    const last = shown.at(-1);
    return {
      // Rows were written by this class from parsed updates; parsing again keeps a bad row from reaching a client.
      conversations: shown.map((r) => parseConversation(JSON.parse(r.row))).filter((c): c is Conversation => c !== null),
      next: more && last ? `${last.activity}:${last.room}` : null,
    };
  }
}
