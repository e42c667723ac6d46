import { DurableObject } from "cloudflare:workers";

/**
 * A fixed-window counter per key (one object per client address), for endpoints without a token
 * such as guest sign-in. Memory only: a restart forgetting a window only makes the limit lenient
 * once, and the object stays cheap.
 */
export class Limiter extends DurableObject {
  private windowStart = 0;
  private count = 0;

  /** Counts one hit; returns 0 when allowed, else seconds until the window resets. */
  hit(limit: number, windowSeconds: number): number {
    const now = Date.now();
    if (now - this.windowStart >= windowSeconds * 1000) {
      this.windowStart = now;
      this.count = 0;
    }
    if (this.count >= limit) return Math.ceil((this.windowStart + windowSeconds * 1000 - now) / 1000);
    this.count++;
    return 0;
  }
}
