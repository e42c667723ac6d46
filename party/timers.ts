/**
 * Durable timers: one table of named timers, one Durable Object alarm always armed at the earliest.
 *
 * A Durable Object has a single alarm; a feature that called `setAlarm` itself would silently
 * overwrite every other feature's deadline (a ring timeout, a push retry, the heartbeat). So no
 * feature touches the alarm: each sets rows here, keyed `<feature>:<key>`, and the room's alarm runs
 * whatever is due.
 *
 * Guarantees: a due timer runs at least once — across restarts (rows and the alarm are durable) and
 * when its handler throws (it is retried with backoff, never dropped). A row is deleted only after
 * its handler succeeded, and only if the handler did not set the same key again meanwhile.
 */
export interface TimerRow {
  key: string;
  due: number;
  payload: unknown;
  attempts: number;
}

/** Runs one due timer of a feature; throwing (or rejecting) retries it later. */
export type TimerHandler = (key: string, payload: unknown, attempts: number) => void | Promise<void>;

/** What a feature sees: its own namespace of timers. */
export interface FeatureTimers {
  /** Sets (or moves) a timer; `payload` must be JSON. */
  set(key: string, at: number, payload?: unknown): void;
  clear(key: string): void;
  get(key: string): { due: number; payload: unknown } | null;
}

/** Retry delay after the n-th failure: 1 s, 2 s, 4 s … capped at 5 minutes. */
export const retryDelay = (attempts: number) => Math.min(1000 * 2 ** Math.max(0, attempts - 1), 5 * 60_000);

type Row = { key: string; due: number; payload: string | null; attempts: number; rev: number };

export class Timers {
  /** The alarm time last set by this instance (undefined: not known since the object woke). */
  private armedAt: number | null | undefined;
  private rev = 0;

  constructor(
    private readonly sql: SqlStorage,
    private readonly storage: Pick<DurableObjectStorage, "setAlarm" | "deleteAlarm" | "getAlarm">,
  ) {
    this.rev = sql.exec<{ rev: number | null }>("SELECT MAX(rev) AS rev FROM timers").one().rev ?? 0;
  }

  /** A view limited to one feature's keys. */
  scoped(feature: string): FeatureTimers {
    const full = (key: string) => `${feature}:${key}`;
    return {
      set: (key, at, payload) => this.set(full(key), at, payload),
      clear: (key) => this.clear(full(key)),
      get: (key) => this.get(full(key)),
    };
  }

  set(key: string, at: number, payload: unknown = null): void {
    this.sql.exec(
      `INSERT INTO timers (key, due, payload, attempts, rev) VALUES (?, ?, ?, 0, ?)
       ON CONFLICT (key) DO UPDATE SET due = excluded.due, payload = excluded.payload, attempts = 0, rev = excluded.rev`,
      key,
      at,
      JSON.stringify(payload),
      ++this.rev,
    );
    this.arm();
  }

  clear(key: string): void {
    if (this.sql.exec("DELETE FROM timers WHERE key = ?", key).rowsWritten > 0) this.arm();
  }

  get(key: string): { due: number; payload: unknown } | null {
    const row = this.sql.exec<Row>("SELECT due, payload FROM timers WHERE key = ?", key).toArray()[0];
    return row ? { due: row.due, payload: parse(row.payload) } : null;
  }

  /** Every timer, soonest first (for tests and diagnostics). */
  list(): TimerRow[] {
    return this.sql
      .exec<Row>("SELECT key, due, payload, attempts FROM timers ORDER BY due, key")
      .toArray()
      .map((r) => ({ key: r.key, due: r.due, payload: parse(r.payload), attempts: r.attempts }));
  }

  /**
   * Re-arms the alarm if timers exist but no alarm is set: an alarm consumed by a process that died
   * before re-arming would otherwise leave rows that never fire. Costs one SQL read when the table
   * is empty, which is the idle room's case.
   */
  async recover(): Promise<void> {
    const next = this.earliest();
    if (next === null) return;
    if ((await this.storage.getAlarm()) === null) {
      this.armedAt = undefined;
      this.arm();
    }
  }

  /**
   * Runs every timer due at `now` (called from the object's alarm). Handlers run concurrently, each
   * on its own: one failing or slow timer neither drops nor blocks the others' bookkeeping.
   */
  async runDue(now: number, handlerFor: (feature: string) => TimerHandler | undefined): Promise<void> {
    // The alarm that woke us is spent; whatever is armed next is decided below.
    this.armedAt = undefined;
    const due = this.sql.exec<Row>("SELECT key, due, payload, attempts, rev FROM timers WHERE due <= ? ORDER BY due, key", now).toArray();
    await Promise.all(due.map((row) => this.runOne(row, now, handlerFor)));
    this.arm();
  }

  private async runOne(row: Row, now: number, handlerFor: (feature: string) => TimerHandler | undefined): Promise<void> {
    const split = row.key.indexOf(":");
    const feature = split < 0 ? row.key : row.key.slice(0, split);
    const handler = handlerFor(feature);
    if (!handler) {
      // No feature claims it (e.g. removed in a deploy): retrying would never succeed.
      console.error(`timer ${row.key}: no feature "${feature}" handles it; dropped`);
      this.sql.exec("DELETE FROM timers WHERE key = ? AND rev = ?", row.key, row.rev);
      return;
    }
    try {
      await handler(row.key.slice(split + 1), parse(row.payload), row.attempts);
      this.sql.exec("DELETE FROM timers WHERE key = ? AND rev = ?", row.key, row.rev);
    } catch (err) {
      const attempts = row.attempts + 1;
      console.error(`timer ${row.key} failed (attempt ${attempts}); retrying`, err);
      this.sql.exec("UPDATE timers SET attempts = ?, due = ? WHERE key = ? AND rev = ?", attempts, now + retryDelay(attempts), row.key, row.rev);
    }
  }

  private earliest(): number | null {
    return this.sql.exec<{ due: number | null }>("SELECT MIN(due) AS due FROM timers").one().due;
  }

  /** Keeps the alarm at the earliest due time; none when nothing is scheduled. */
  private arm(): void {
    const next = this.earliest();
    if (next === this.armedAt) return;
    this.armedAt = next;
    if (next === null) void this.storage.deleteAlarm();
    else void this.storage.setAlarm(next);
  }
}

function parse(payload: string | null): unknown {
  return payload === null ? null : JSON.parse(payload);
}
