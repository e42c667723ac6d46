/**
 * Per-connection token bucket. Kept in memory, not in the socket attachment: writing the attachment
 * on every frame would cost a serialization per message, and a room that hibernated has been idle
 * long enough for every bucket to be full again anyway.
 */
export class TokenBucket {
  private tokens: number;
  private last: number;

  /** When a frame last took (or asked for) a token: a sign of life for the heartbeat sweep. */
  get lastUsed(): number {
    return this.last;
  }
  /** Frames refused since the bucket last had a token; a flood is many in a row. */
  strikes = 0;

  constructor(
    private readonly ratePerSec: number,
    private readonly burst: number,
  ) {
    this.tokens = burst;
    this.last = Date.now();
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
