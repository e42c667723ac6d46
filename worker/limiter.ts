import { DurableObject } from "cloudflare:workers";

/**
 * A fixed-window counter per key (one object per endpoint and client address), for the HTTP API.
 * The window is written to the object's storage on every hit, so restarting the limiter (a deploy,
 * an eviction, a crash) does not hand an attacker a fresh window.
 */
export class Limiter extends DurableObject {
  private windowStart: number;
  private count: number;

  constructor(ctx: DurableObjectState, env: unknown) {
    super(ctx, env as never);
    ctx.storage.sql.exec("CREATE TABLE IF NOT EXISTS window (id INTEGER PRIMARY KEY CHECK (id = 1), start INTEGER NOT NULL, count INTEGER NOT NULL)");
    const row = ctx.storage.sql.exec<{ start: number; count: number }>("SELECT start, count FROM window").toArray()[0];
    this.windowStart = row?.start ?? 0;
    this.count = row?.count ?? 0;
  }

  /** Counts one hit; returns 0 when allowed, else seconds until the window resets. */
  hit(limit: number, windowSeconds: number): number {
    const now = Date.now();
    if (now - this.windowStart >= windowSeconds * 1000) {
      this.windowStart = now;
      this.count = 0;
    }
    if (this.count >= limit) return Math.ceil((this.windowStart + windowSeconds * 1000 - now) / 1000);
    this.count++;
    this.ctx.storage.sql.exec(
      "INSERT INTO window (id, start, count) VALUES (1, ?, ?) ON CONFLICT (id) DO UPDATE SET start = excluded.start, count = excluded.count",
      this.windowStart,
      this.count,
    );
    return 0;
  }
}
