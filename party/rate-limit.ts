/**
 * Rate limits per user, not per socket: a user's budget is shared by every tab, device and
 * reconnection, so opening sockets cannot buy more. A flood — many refused frames within a sliding
 * window, not a streak between refills — closes the user's sockets (4429) and starts a cool-down,
 * stored durably, during which the room refuses the user's upgrades (429 at the door).
 *
 * Budgets are kept in memory: a room that hibernated has been idle long enough for every bucket to
 * be full again, and writing them on every frame would cost a write per message.
 */
import { numberVar, type RoomEnv } from "./env.ts";

export class TokenBucket {
  private tokens: number;
  private last: number;

  constructor(
    private readonly ratePerSec: number,
    private readonly burst: number,
    now: number,
  ) {
    this.tokens = burst;
    this.last = now;
  }

  /** Takes a token; returns 0 when allowed, else the milliseconds until one is available. */
  take(now: number): number {
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.last) / 1000) * this.ratePerSec);
    this.last = now;
    if (this.tokens >= 1) {
      this.tokens -= 1;
      return 0;
    }
    return Math.ceil(((1 - this.tokens) / this.ratePerSec) * 1000);
  }
}

/** Refusals within the last `windowMs`; a steady over-sender keeps it high, a burst does not. */
export class RefusalWindow {
  private times: number[] = [];

  constructor(private readonly windowMs: number) {}

  /** Records a refusal and returns how many fell within the window. */
  add(now: number): number {
    this.times.push(now);
    const cutoff = now - this.windowMs;
    let drop = 0;
    while (drop < this.times.length && this.times[drop]! <= cutoff) drop++;
    if (drop > 0) this.times.splice(0, drop);
    return this.times.length;
  }
}

/** Chat frames (send, typing, read, history…) and call signaling are budgeted apart: ICE candidates come in bursts. */
export type Budget = "frames" | "signals";

export interface LimitConfig {
  ratePerSec: number;
  burst: number;
  signalRatePerSec: number;
  signalBurst: number;
  /** Refusals within `floodWindowMs` that make a flood. */
  floodStrikes: number;
  floodWindowMs: number;
  cooldownMs: number;
}

export function limitConfig(env: RoomEnv): LimitConfig {
  return {
    ratePerSec: numberVar(env.RATE_LIMIT_MSG_PER_SEC, 5),
    burst: numberVar(env.RATE_LIMIT_MSG_BURST, 20),
    signalRatePerSec: numberVar(env.RATE_LIMIT_SIGNAL_PER_SEC, 50),
    signalBurst: numberVar(env.RATE_LIMIT_SIGNAL_BURST, 200),
    floodStrikes: numberVar(env.RATE_LIMIT_FLOOD_STRIKES, 25),
    floodWindowMs: numberVar(env.RATE_LIMIT_FLOOD_WINDOW_SEC, 10) * 1000,
    cooldownMs: numberVar(env.RATE_LIMIT_FLOOD_COOLDOWN_SEC, 60) * 1000,
  };
}

/** What the limiter says about one frame. */
export type Verdict = { ok: true } | { ok: false; retryAfterMs: number; flood: boolean };

interface UserBudget {
  frames: TokenBucket;
  signals: TokenBucket;
  /** One window for both budgets: a flood is a flood, whatever it floods with. */
  refusals: RefusalWindow;
}

export class UserLimiter {
  private readonly users = new Map<string, UserBudget>();

  constructor(
    private readonly config: LimitConfig,
    private readonly sql: SqlStorage,
  ) {}

  /** When the user's current cool-down ends, Unix ms (0: none). */
  cooldownUntil(user: string): number {
    return this.sql.exec<{ until: number }>("SELECT until FROM cooldowns WHERE user = ?", user).toArray()[0]?.until ?? 0;
  }

  /** Counts one frame against the user's budget. */
  take(user: string, now: number, kind: Budget = "frames"): Verdict {
    let budget = this.users.get(user);
    if (!budget) {
      const c = this.config;
      budget = {
        frames: new TokenBucket(c.ratePerSec, c.burst, now),
        signals: new TokenBucket(c.signalRatePerSec, c.signalBurst, now),
        refusals: new RefusalWindow(c.floodWindowMs),
      };
      this.users.set(user, budget);
    }
    const wait = budget[kind].take(now);
    if (wait === 0) return { ok: true };
    const flood = budget.refusals.add(now) >= this.config.floodStrikes;
    if (flood) this.startCooldown(user, now);
    return { ok: false, retryAfterMs: flood ? this.config.cooldownMs : wait, flood };
  }

  /** Milliseconds the user must still wait before the room lets them in again (0: none). */
  cooldown(user: string, now: number): number {
    const row = this.sql.exec<{ until: number }>("SELECT until FROM cooldowns WHERE user = ?", user).toArray()[0];
    return row && row.until > now ? row.until - now : 0;
  }

  private startCooldown(user: string, now: number) {
    this.sql.exec(
      "INSERT INTO cooldowns (user, until) VALUES (?, ?) ON CONFLICT (user) DO UPDATE SET until = excluded.until",
      user,
      now + this.config.cooldownMs,
    );
    // Expired rows are harmless (checked against now); drop them now and then so the table stays small.
    this.sql.exec("DELETE FROM cooldowns WHERE until < ?", now - this.config.cooldownMs);
  }
}
