import { numberVar, type RoomEnv } from "./env.ts";

/**
 * Per-connection token bucket. Kept in memory, not in the socket attachment: writing the attachment
 * on every frame would cost a serialization per message, and a room that hibernated has been idle
 * long enough for every bucket to be full again anyway.
 */
export class TokenBucket {
  private tokens: number;
  private last: number;

  /** Frames refused since the bucket last had a token; a flood is many in a row. */
  strikes = 0;

  constructor(
    private readonly ratePerSec: number,
    private readonly burst: number,
    now = Date.now(),
  ) {
    this.tokens = burst;
    this.last = now;
  }

  /** Takes a token; returns 0 when allowed, else the milliseconds until one is available. */
  take(now = Date.now()): number {
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.last) / 1000) * this.ratePerSec);
    this.last = now;
    if (this.tokens >= 1) {
      this.tokens -= 1;
      this.strikes = 0;
      return 0;
    }
    this.strikes++;
    return Math.ceil(((1 - this.tokens) / this.ratePerSec) * 1000);
  }
}

/** One bucket per open socket, sized by the RATE_LIMIT_* vars. */
export class ConnectionLimiter {
  private readonly buckets = new Map<string, TokenBucket>();
  private readonly rate: number;
  private readonly burst: number;
  private readonly floodStrikes: number;

  constructor(env: RoomEnv) {
    this.rate = numberVar(env.RATE_LIMIT_MSG_PER_SEC, 5);
    this.burst = numberVar(env.RATE_LIMIT_MSG_BURST, 20);
    this.floodStrikes = numberVar(env.RATE_LIMIT_FLOOD_STRIKES, 40);
  }

  /** 0 when the frame may pass, else milliseconds until it could. */
  take(id: string, now: number): number {
    let bucket = this.buckets.get(id);
    if (!bucket) this.buckets.set(id, (bucket = new TokenBucket(this.rate, this.burst, now)));
    return bucket.take(now);
  }

  /** Refused so many frames in a row that the socket should be closed. */
  flooding(id: string): boolean {
    return (this.buckets.get(id)?.strikes ?? 0) > this.floodStrikes;
  }

  forget(id: string): void {
    this.buckets.delete(id);
  }
}
