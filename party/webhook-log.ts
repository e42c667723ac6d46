/**
 * The deployment's webhook log: one Durable Object (named `deployment`) that only hears about
 * deliveries that failed for good, so `GET /api/webhooks/deliveries` can list them across rooms and
 * a host can replay them. It is never on a room's hot path: a room writes each event to its own
 * outbox and reports here only after the last attempt failed (or the endpoint answered 410), in
 * batches, off the ack path. Bounded: the newest LOG_MAX records are kept.
 */
import { DurableObject } from "cloudflare:workers";
import { migrate, type Migration } from "./migrations/index.ts";
import type { DeliveryStatus, FailedDelivery, LoggedDelivery, WebhookLogRpc } from "./webhooks/log-contract.ts";

export const LOG_MAX = 10_000;

export const WEBHOOK_LOG_MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: "deliveries",
    statements: [
      `CREATE TABLE deliveries (
         n          INTEGER PRIMARY KEY AUTOINCREMENT,
         id         TEXT NOT NULL UNIQUE,
         room       TEXT NOT NULL,
         url        TEXT NOT NULL,
         type       TEXT NOT NULL,
         body       TEXT NOT NULL,
         attempts   INTEGER NOT NULL,
         last_error TEXT NOT NULL,
         status     TEXT NOT NULL,
         created_at INTEGER NOT NULL,
         failed_at  INTEGER NOT NULL,
         updated_at INTEGER NOT NULL
       )`,
      "CREATE INDEX deliveries_status ON deliveries (status, n)",
    ],
  },
];

type Row = {
  n: number;
  id: string;
  room: string;
  url: string;
  type: string;
  body: string;
  attempts: number;
  last_error: string;
  status: string;
  created_at: number;
  failed_at: number;
  updated_at: number;
};

const toLogged = (r: Row): LoggedDelivery => ({
  n: r.n,
  id: r.id,
  room: r.room,
  url: r.url,
  type: r.type,
  body: r.body,
  attempts: r.attempts,
  lastError: r.last_error,
  status: r.status === "delivered" ? "delivered" : "failed",
  createdAt: r.created_at,
  failedAt: r.failed_at,
  updatedAt: r.updated_at,
});

export class WebhookLog extends DurableObject<Record<string, unknown>> implements WebhookLogRpc {
  constructor(ctx: DurableObjectState, env: Record<string, unknown>) {
    super(ctx, env);
    migrate(ctx.storage, WEBHOOK_LOG_MIGRATIONS);
  }

  failed(records: FailedDelivery[]): void {
    const sql = this.ctx.storage.sql;
    const now = Date.now();
    for (const r of records) {
      sql.exec(
        `INSERT INTO deliveries (id, room, url, type, body, attempts, last_error, status, created_at, failed_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, 'failed', ?, ?, ?) ON CONFLICT (id) DO NOTHING`,
        r.id,
        r.room,
        r.url,
        r.type,
        r.body,
        r.attempts,
        r.lastError,
        r.createdAt,
        r.failedAt,
        now,
      );
    }
    sql.exec("DELETE FROM deliveries WHERE n <= (SELECT MAX(n) FROM deliveries) - ?", LOG_MAX);
  }

  list(status: DeliveryStatus | null, limit: number, before: number | null): LoggedDelivery[] {
    const sql = this.ctx.storage.sql;
    const cursor = before ?? Number.MAX_SAFE_INTEGER;
    const rows =
      status === null
        ? sql.exec<Row>("SELECT * FROM deliveries WHERE n < ? ORDER BY n DESC LIMIT ?", cursor, limit)
        : sql.exec<Row>("SELECT * FROM deliveries WHERE status = ? AND n < ? ORDER BY n DESC LIMIT ?", status, cursor, limit);
    return rows.toArray().map(toLogged);
  }

  get(id: string): LoggedDelivery | null {
    const row = this.ctx.storage.sql.exec<Row>("SELECT * FROM deliveries WHERE id = ?", id).toArray()[0];
    return row ? toLogged(row) : null;
  }

  replayed(id: string, outcome: { ok: true } | { ok: false; error: string }, at: number): LoggedDelivery | null {
    const sql = this.ctx.storage.sql;
    if (outcome.ok) sql.exec("UPDATE deliveries SET status = 'delivered', attempts = attempts + 1, updated_at = ? WHERE id = ?", at, id);
    else sql.exec("UPDATE deliveries SET attempts = attempts + 1, last_error = ?, updated_at = ? WHERE id = ?", outcome.error, at, id);
    return this.get(id);
  }
}
