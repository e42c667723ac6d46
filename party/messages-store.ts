import type { ChatMessage, EntryData, EntryKind } from "../protocol/index.ts";

type Row = { seq: number; id: string; user: string; name: string; kind: string; text: string; data: string | null; ts: number };

const COLUMNS = "seq, id, user, name, kind, text, data, ts";

function toEntry(r: Row): ChatMessage {
  const entry: ChatMessage = { seq: r.seq, id: r.id, user: r.user, name: r.name, kind: r.kind, text: r.text, ts: r.ts };
  if (r.data !== null) entry.data = JSON.parse(r.data) as EntryData;
  return entry;
}

/** What a writer hands the store: everything but the seq and time it assigns. */
export interface NewEntry {
  user: string;
  name: string;
  id: string;
  kind: EntryKind;
  text: string;
  data?: EntryData;
}

/** History entries of one room in its own SQLite database. All queries use bound parameters. */
export class MessageStore {
  /** Highest stored seq, kept in memory so an insert needs no read. */
  lastSeq: number;
  /** Server time of the newest entry (0 when empty): how recently the room was in use. */
  lastTs: number;

  constructor(private readonly sql: SqlStorage) {
    const row = sql.exec<{ seq: number; ts: number }>("SELECT seq, ts FROM messages ORDER BY seq DESC LIMIT 1").toArray()[0];
    this.lastSeq = row?.seq ?? 0;
    this.lastTs = row?.ts ?? 0;
  }

  /** The stored entry for a client id of this user, if any (idempotent resend). */
  findByClientId(user: string, id: string): ChatMessage | null {
    const row = this.sql.exec<Row>(`SELECT ${COLUMNS} FROM messages WHERE user = ? AND id = ?`, user, id).toArray()[0];
    return row ? toEntry(row) : null;
  }

  /**
   * Stores an entry and returns it with its sequence, or returns the entry already stored under
   * this user's client id (an idempotent resend) with `duplicate: true`. Insert first and look up only
   * on conflict: resends are rare, so the common path is one statement.
   * The insert is synchronous: the Durable Object commits it before any reply leaves (output gate),
   * which is what makes the ack mean "durable".
   */
  append(entry: NewEntry, ts: number): ChatMessage & { duplicate: boolean } {
    const seq = this.lastSeq + 1;
    const data = entry.data === undefined ? null : JSON.stringify(entry.data);
    const written = this.sql.exec(
      "INSERT INTO messages (seq, id, user, name, kind, text, data, ts) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (user, id) DO NOTHING",
      seq,
      entry.id,
      entry.user,
      entry.name,
      entry.kind,
      entry.text,
      data,
      ts,
    ).rowsWritten;
    if (written === 0) {
      const existing = this.findByClientId(entry.user, entry.id);
      if (existing) return { ...existing, duplicate: true };
    }
    this.lastSeq = seq;
    this.lastTs = ts;
    const stored: ChatMessage = { seq, id: entry.id, user: entry.user, name: entry.name, kind: entry.kind, text: entry.text, ts };
    if (entry.data !== undefined) stored.data = entry.data;
    return { ...stored, duplicate: false };
  }

  /** Up to `limit` entries with seq < before (null: the latest), oldest first, and whether older exist. */
  before(before: number | null, limit: number): { messages: ChatMessage[]; hasMore: boolean } {
    const upper = before ?? this.lastSeq + 1;
    const rows = this.sql.exec<Row>(`SELECT ${COLUMNS} FROM messages WHERE seq < ? ORDER BY seq DESC LIMIT ?`, upper, limit + 1).toArray();
    const hasMore = rows.length > limit;
    const page = (hasMore ? rows.slice(0, limit) : rows).reverse();
    return { messages: page.map(toEntry), hasMore };
  }

  /** The newest entry, or null in an empty room. */
  latest(): ChatMessage | null {
    const row = this.sql.exec<Row>(`SELECT ${COLUMNS} FROM messages ORDER BY seq DESC LIMIT 1`).toArray()[0];
    return row ? toEntry(row) : null;
  }

  /**
   * How many entries above `seq` are not `user`'s own. Seqs are dense (a resend takes none), so that is
   * (last seq − seq) minus the user's own entries there, counted on the (user, seq) index: exact unread
   * without reading the history.
   */
  othersAfter(user: string, seq: number): number {
    if (seq >= this.lastSeq) return 0;
    const own = this.sql.exec<{ n: number }>("SELECT COUNT(*) AS n FROM messages WHERE user = ? AND seq > ?", user, seq).one().n;
    return this.lastSeq - seq - own;
  }

  /** Up to `limit` entries with seq > since, oldest first, and whether more follow. */
  after(since: number, limit: number): { messages: ChatMessage[]; more: boolean } {
    const rows = this.sql.exec<Row>(`SELECT ${COLUMNS} FROM messages WHERE seq > ? ORDER BY seq ASC LIMIT ?`, since, limit).toArray();
    const last = rows.at(-1);
    return { messages: rows.map(toEntry), more: last !== undefined && last.seq < this.lastSeq };
  }
}
