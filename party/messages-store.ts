import type { ChatMessage } from "../protocol/index.ts";

type Row = { seq: number; id: string; user: string; name: string; text: string; ts: number };

/** Messages of one room in its own SQLite database. All queries use bound parameters. */
export class MessageStore {
  /** Highest stored seq, kept in memory so an insert needs no read. */
  lastSeq: number;
  /** Server time of the newest message (0 when empty): how recently the room was in use. */
  lastTs: number;

  constructor(private readonly sql: SqlStorage) {
    const row = sql.exec<{ seq: number; ts: number }>("SELECT seq, ts FROM messages ORDER BY seq DESC LIMIT 1").toArray()[0];
    this.lastSeq = row?.seq ?? 0;
    this.lastTs = row?.ts ?? 0;
  }

  /** The stored message for a client id of this user, if any (idempotent resend). */
  findByClientId(user: string, id: string): ChatMessage | null {
    const rows = this.sql.exec<Row>("SELECT seq, id, user, name, text, ts FROM messages WHERE user = ? AND id = ?", user, id).toArray();
    return rows[0] ? { ...rows[0] } : null;
  }

  /**
   * Stores a message and returns it with its sequence, or returns the message already stored under
   * this user's client id (an idempotent resend) with `duplicate: true`. Insert first and look up only
   * on conflict: resends are rare, so the common path is one statement.
   * The insert is synchronous: the Durable Object commits it before any reply leaves (output gate),
   * which is what makes the ack mean "durable".
   */
  append(user: string, name: string, id: string, text: string, ts: number): ChatMessage & { duplicate: boolean } {
    const seq = this.lastSeq + 1;
    const written = this.sql.exec(
      "INSERT INTO messages (seq, id, user, name, text, ts) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (user, id) DO NOTHING",
      seq, id, user, name, text, ts,
    ).rowsWritten;
    if (written === 0) {
      const existing = this.findByClientId(user, id);
      if (existing) return { ...existing, duplicate: true };
    }
    this.lastSeq = seq;
    this.lastTs = ts;
    return { seq, id, user, name, text, ts, duplicate: false };
  }

  /** Up to `limit` messages with seq < before (null: the latest), oldest first, and whether older exist. */
  before(before: number | null, limit: number): { messages: ChatMessage[]; hasMore: boolean } {
    const upper = before ?? this.lastSeq + 1;
    const rows = this.sql
      .exec<Row>("SELECT seq, id, user, name, text, ts FROM messages WHERE seq < ? ORDER BY seq DESC LIMIT ?", upper, limit + 1)
      .toArray();
    const hasMore = rows.length > limit;
    const page = (hasMore ? rows.slice(0, limit) : rows).reverse();
    return { messages: page.map((r) => ({ ...r })), hasMore };
  }

  /** Up to `limit` messages with seq > since, oldest first, and whether more follow. */
  after(since: number, limit: number): { messages: ChatMessage[]; more: boolean } {
    const rows = this.sql
      .exec<Row>("SELECT seq, id, user, name, text, ts FROM messages WHERE seq > ? ORDER BY seq ASC LIMIT ?", since, limit)
      .toArray();
    const last = rows.at(-1);
    return { messages: rows.map((r) => ({ ...r })), more: last !== undefined && last.seq < this.lastSeq };
  }
}
