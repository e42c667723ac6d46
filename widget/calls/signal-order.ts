/**
 * Applies the other side's signals strictly in the order they were sent. Each `call_signal` carries
 * the sender's running number `n` (0, 1, 2… per call); the room relays them as they arrive, but the
 * runtime may let one overtake another, and an answer applied after its candidates would lose them.
 * Pure: no socket, no peer connection.
 */

/** A peer that has sent this many signals out of order is not a peer worth waiting for. */
export const MAX_HELD_SIGNALS = 256;

export class SignalOrder<T> {
  private next = 0;
  private held = new Map<number, T>();

  /**
   * Takes signal number `n` and returns every signal that can be applied now, in order: none while
   * an earlier one is missing; a duplicate (already applied or already held) is dropped.
   */
  push(n: number, signal: T): T[] {
    if (n < this.next || this.held.has(n) || (n !== this.next && this.held.size >= MAX_HELD_SIGNALS)) return [];
    this.held.set(n, signal);
    const ready: T[] = [];
    for (let s = this.held.get(this.next); s !== undefined; s = this.held.get(this.next)) {
      ready.push(s);
      this.held.delete(this.next++);
    }
    return ready;
  }

  /** Signals waiting for an earlier one. */
  get waiting(): number {
    return this.held.size;
  }
}

/** Numbers this side's signals 0, 1, 2… for one call. */
export class SignalCounter {
  private n = 0;
  take(): number {
    return this.n++;
  }
}
