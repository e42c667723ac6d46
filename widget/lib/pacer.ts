/**
 * Paces sends. The room's budget is per user and counts every refused frame towards a flood
 * (README: rate limits), so a client that fired a whole backlog at once (after a reconnect, say)
 * and retried each refused message on its own timer would be refused again and again and end up
 * cut off. So: at most `maxInFlight` unanswered sends, and once the room says "slow down", one send
 * per `retryAfterMs` — the refused one first — until the queue has drained.
 */
export class Pacer<T> {
  private queue: T[] = [];
  private inFlight = new Set<T>();
  /** Push order: a refused item goes back to its place, so the room stores messages in the order typed. */
  private order = new Map<T, number>();
  private counter = 0;
  private interval = 0;
  /** Sent by a paced tick: its refusal means the spacing is too tight. */
  private paced = new Set<T>();
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly transmit: (item: T) => void,
    private readonly maxInFlight = 8,
  ) {}

  /** Sends now, or in turn. */
  push(item: T): void {
    if (this.inFlight.has(item) || this.queue.includes(item)) return;
    if (!this.order.has(item)) this.order.set(item, this.counter++);
    this.queue.push(item);
    this.pump();
  }

  /** The room answered `item` (stored or failed for good). */
  done(item: T): void {
    this.order.delete(item);
    this.paced.delete(item);
    if (this.inFlight.delete(item)) this.pump();
  }

  /**
   * The room refused `item`: it goes back in its place, and sends are spaced by `retryAfterMs` from
   * now on. The hint is the wait for one token from the bucket's level now, which can be shorter
   * than its refill interval: a refusal of a paced send widens the spacing by a quarter.
   */
  refused(item: T, retryAfterMs: number): void {
    this.inFlight.delete(item);
    const widen = this.paced.delete(item) ? Math.ceil(this.interval * 1.25) : 0;
    this.interval = Math.max(this.interval, retryAfterMs, widen);
    const rank = (x: T) => this.order.get(x) ?? Infinity;
    this.queue = [...this.queue.filter((x) => x !== item), item].sort((a, b) => rank(a) - rank(b));
    this.arm();
  }

  get pacing(): boolean {
    return this.interval > 0;
  }

  /** Forget everything (a new session): nothing in flight any more. */
  clear(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.queue = [];
    this.inFlight.clear();
    this.order.clear();
    this.paced.clear();
    this.interval = 0;
  }

  /** Unpaced: send while there is room in flight. */
  private pump(): void {
    if (this.interval > 0) return this.arm();
    while (this.queue.length > 0 && this.inFlight.size < this.maxInFlight) this.send(this.queue.shift()!);
  }

  private send(item: T): void {
    this.inFlight.add(item);
    this.transmit(item);
  }

  private arm(): void {
    this.timer ??= setTimeout(() => this.tick(), this.interval);
  }

  private tick(): void {
    this.timer = undefined;
    if (this.queue.length === 0) {
      // A quiet interval after the last one: the budget has refilled, stop pacing.
      this.interval = 0;
      return;
    }
    if (this.inFlight.size < this.maxInFlight) {
      const next = this.queue.shift()!;
      this.paced.add(next);
      this.send(next);
    }
    this.arm();
  }
}
