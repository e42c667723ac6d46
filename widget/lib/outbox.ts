import type { ErrorCode } from "../../protocol/index.ts";

/** A message the user wrote that the room has not acknowledged yet. */
export interface OutgoingMessage {
  /** Client id; the same id is resent until acked, which the room treats idempotently. */
  id: string;
  text: string;
  /** Local time it was written (ms), shown until the server's timestamp is known. */
  ts: number;
  status: "pending" | "failed";
  error?: { code: ErrorCode; message: string };
}

/**
 * The user's unacknowledged messages in the order written. Pure bookkeeping: the chat controller
 * decides when to (re)send.
 */
export class Outbox {
  private items = new Map<string, OutgoingMessage>();

  constructor(private newId: () => string = () => crypto.randomUUID()) {}

  add(text: string, now = Date.now()): OutgoingMessage {
    const item: OutgoingMessage = { id: this.newId(), text, ts: now, status: "pending" };
    this.items.set(item.id, item);
    return item;
  }

  get(id: string): OutgoingMessage | undefined {
    return this.items.get(id);
  }

  /** Removes and returns an acknowledged message. */
  take(id: string): OutgoingMessage | undefined {
    const item = this.items.get(id);
    this.items.delete(id);
    return item;
  }

  fail(id: string, code: ErrorCode, message: string): boolean {
    const item = this.items.get(id);
    if (!item) return false;
    this.items.set(id, { ...item, status: "failed", error: { code, message } });
    return true;
  }

  /** Marks a failed message pending again (same id) and returns it. */
  retry(id: string): OutgoingMessage | undefined {
    const item = this.items.get(id);
    if (!item) return undefined;
    const again: OutgoingMessage = { id: item.id, text: item.text, ts: item.ts, status: "pending" };
    this.items.set(id, again);
    return again;
  }

  /** Drops messages that turned out to be stored (their ack was lost in a disconnect). */
  settle(storedIds: Iterable<string>): boolean {
    let changed = false;
    for (const id of storedIds) changed = this.items.delete(id) || changed;
    return changed;
  }

  list(): OutgoingMessage[] {
    return [...this.items.values()];
  }

  pending(): OutgoingMessage[] {
    return this.list().filter((m) => m.status === "pending");
  }

  get size(): number {
    return this.items.size;
  }

  clear(): void {
    this.items.clear();
  }
}
