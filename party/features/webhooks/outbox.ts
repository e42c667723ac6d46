/**
 * The room's webhook outbox: one row per (event, endpoint) until it is delivered. A row is written
 * in the same turn as the entry it describes, so an event survives a restart as surely as the entry;
 * the pump (index.ts) sends rows when due. Rows that failed for good stay, as `failed`, until the
 * deployment's log (party/webhook-log.ts) has them.
 */
import type { FailedDelivery } from "../../webhooks/log-contract.ts";

export interface OutboxRow {
  id: string;
  url: string;
  type: string;
  body: string;
  createdAt: number;
  attempts: number;
  nextAt: number;
  expiresAt: number | null;
  lastError: string | null;
}

type Row = {
  id: string;
  url: string;
  type: string;
  body: string;
  created_at: number;
  attempts: number;
  next_at: number;
  expires_at: number | null;
  last_error: string | null;
};

const toRow = (r: Row): OutboxRow => ({
  id: r.id,
  url: r.url,
  type: r.type,
  body: r.body,
  createdAt: r.created_at,
  attempts: r.attempts,
  nextAt: r.next_at,
  expiresAt: r.expires_at,
  lastError: r.last_error,
});

// Counts come from RETURNING: `rowsWritten` also counts index entries, so it is not a row count here.
export class Outbox {
  /** Pending rows (null: not counted since the object woke). Kept in memory: COUNT(*) scans. */
  private pending: number | null = null;

  constructor(private readonly sql: SqlStorage) {}

  private count(): number {
    this.pending ??= this.sql.exec<{ n: number }>("SELECT COUNT(*) AS n FROM webhook_outbox WHERE status = 'pending'").one().n;
    return this.pending;
  }

  add(id: string, url: string, type: string, body: string, now: number, expiresAt: number | null): void {
    this.insert(id, url, type, body, now, expiresAt, "");
  }

  /** Adds a row unless one with this id exists (an entry's event sent again after a restart); true when added. */
  addOnce(id: string, url: string, type: string, body: string, now: number): boolean {
    return this.insert(id, url, type, body, now, null, " ON CONFLICT (id) DO NOTHING");
  }

  private insert(id: string, url: string, type: string, body: string, now: number, expiresAt: number | null, onConflict: string): boolean {
    this.count();
    const added =
      this.sql
        .exec(
          `INSERT INTO webhook_outbox (id, url, type, body, created_at, next_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?)${onConflict} RETURNING id`,
          id,
          url,
          type,
          body,
          now,
          now,
          expiresAt,
        )
        .toArray().length > 0;
    if (added) this.pending!++;
    return added;
  }

  /** Moves the oldest pending rows beyond `max` to failed, so a dead endpoint cannot grow the room without bound. */
  trim(max: number, now: number): number {
    const over = this.count() - max;
    if (over <= 0) return 0;
    const n = this.sql
      .exec(
        `UPDATE webhook_outbox SET status = 'failed', last_error = ?, next_at = ?
       WHERE id IN (SELECT id FROM webhook_outbox WHERE status = 'pending' ORDER BY rowid LIMIT ?) RETURNING id`,
        `outbox full (${max} undelivered in this room): dropped before delivery`,
        now,
        over,
      )
      .toArray().length;
    this.pending! -= n;
    return n;
  }

  /** Up to `limit` pending rows due at `now` that are not `busy` (in flight), soonest first; bodies are read only for those. */
  due(now: number, busy: ReadonlySet<string>, limit: number): OutboxRow[] {
    if (limit <= 0) return [];
    const ids = this.sql
      .exec<{ id: string }>("SELECT id FROM webhook_outbox WHERE status = 'pending' AND next_at <= ? ORDER BY next_at LIMIT ?", now, busy.size + limit)
      .toArray()
      .filter((r) => !busy.has(r.id))
      .slice(0, limit);
    return ids.flatMap((r) => this.sql.exec<Row>("SELECT * FROM webhook_outbox WHERE id = ?", r.id).toArray().map(toRow));
  }

  retry(id: string, attempts: number, error: string, at: number): void {
    this.sql.exec("UPDATE webhook_outbox SET attempts = ?, last_error = ?, next_at = ? WHERE id = ? AND status = 'pending'", attempts, error, at, id);
  }

  fail(id: string, attempts: number, error: string, now: number): void {
    const n = this.sql
      .exec(
        "UPDATE webhook_outbox SET status = 'failed', attempts = ?, last_error = ?, next_at = ? WHERE id = ? AND status = 'pending' RETURNING id",
        attempts,
        error,
        now,
        id,
      )
      .toArray().length;
    if (this.pending !== null) this.pending -= n;
  }

  /** Delivered or expired: gone from the outbox. */
  remove(id: string): void {
    const n = this.sql.exec("DELETE FROM webhook_outbox WHERE id = ? AND status = 'pending' RETURNING id", id).toArray().length;
    if (this.pending !== null) this.pending -= n;
  }

  /**
   * The earliest moment a pending row other than `busy` ones (attempts in flight) is due; null when
   * none is. Walks the due index from the start and skips the busy rows: a backlog of thousands costs
   * no more than the rows in flight (a `NOT IN` would scan them all on every pump).
   */
  nextDue(busy: ReadonlySet<string>): number | null {
    const rows = this.sql
      .exec<{ id: string; next_at: number }>("SELECT id, next_at FROM webhook_outbox WHERE status = 'pending' ORDER BY next_at LIMIT ?", busy.size + 1)
      .toArray();
    return rows.find((r) => !busy.has(r.id))?.next_at ?? null;
  }

  failedBatch(room: string, limit: number): FailedDelivery[] {
    return this.sql
      .exec<Row>("SELECT * FROM webhook_outbox WHERE status = 'failed' ORDER BY rowid LIMIT ?", limit)
      .toArray()
      .map((r) => ({
        id: r.id,
        room,
        url: r.url,
        type: r.type,
        body: r.body,
        attempts: r.attempts,
        lastError: r.last_error ?? "unknown",
        createdAt: r.created_at,
        failedAt: r.next_at,
      }));
  }

  hasFailed(): boolean {
    return this.sql.exec("SELECT 1 FROM webhook_outbox WHERE status = 'failed' LIMIT 1").toArray().length > 0;
  }

  /** The log has these failures: they leave the room. */
  forget(ids: readonly string[]): void {
    for (const id of ids) this.sql.exec("DELETE FROM webhook_outbox WHERE id = ? AND status = 'failed'", id);
  }

  /** For tests and diagnostics. */
  list(): (OutboxRow & { status: string })[] {
    return this.sql
      .exec<Row & { status: string }>("SELECT * FROM webhook_outbox ORDER BY rowid")
      .toArray()
      .map((r) => ({ ...toRow(r), status: r.status }));
  }
}
