/**
 * Entry events (message.created, call.ended, call.missed) are not copied into the outbox: the
 * room's history is already durable and append-only, so each endpoint keeps a cursor — every entry
 * up to it is handled — and its events are built from the history when they are sent. A chat commit
 * then carries no event bodies, and a delivery writes nothing when it succeeds; only a failed first
 * attempt hands the event to the outbox (index.ts), which retries it on the schedule.
 *
 * The cursor reaches storage later than the deliveries it covers (written with the room's next
 * commit, or by a flush when the room goes quiet): a process that dies in between sends those
 * entries again after the restart, under the same `webhook-id` (at least once, as Standard Webhooks
 * receivers expect).
 */
import type { ChatMessage } from "../../../protocol/index.ts";
import type { WebhookEventType } from "../../webhooks/events.ts";

/** Entries one endpoint's stream keeps in flight at once. */
export const STREAM_IN_FLIGHT = 32;

export class EntryStream {
  /** Every entry up to this seq is handled: delivered, or handed to the outbox after a failed attempt. */
  cursor: number;
  /** The cursor as storage has it (null: never written for this endpoint). */
  persisted: number | null;
  /** The next entry to send. */
  private next: number;
  /** Entries in flight → their events still unanswered. */
  private readonly left = new Map<number, number>();

  constructor(
    readonly url: string,
    persisted: number | null,
    /** Where a stream with no stored cursor starts: the room's last seq when it woke (no replay of the past). */
    start: number,
  ) {
    this.persisted = persisted;
    this.cursor = persisted ?? start;
    this.next = this.cursor + 1;
  }

  /** How many more entries may be sent now. */
  get free(): number {
    return STREAM_IN_FLIGHT - this.left.size;
  }

  /** The first entry not yet sent. */
  get from(): number {
    return this.next;
  }

  /** Nothing in flight and nothing after the cursor up to `lastSeq`. */
  idle(lastSeq: number): boolean {
    return this.left.size === 0 && this.cursor >= lastSeq;
  }

  /** An entry's `events` attempts start now (entries are started in seq order). */
  started(seq: number, events: number): void {
    this.left.set(seq, events);
    this.next = seq + 1;
  }

  /** One of an entry's attempts ended; true when the cursor moved. */
  finished(seq: number): boolean {
    const n = (this.left.get(seq) ?? 1) - 1;
    if (n > 0) {
      this.left.set(seq, n);
      return false;
    }
    this.left.delete(seq);
    let lowest = this.next;
    for (const s of this.left.keys()) if (s < lowest) lowest = s;
    const cursor = lowest - 1;
    if (cursor === this.cursor) return false;
    this.cursor = cursor;
    return true;
  }
}

const SUFFIX: Partial<Record<WebhookEventType, string>> = { "call.ended": "_ended", "call.missed": "_missed" };

/**
 * A `webhook-id` for an entry's event that every resend repeats: derived from the room, the endpoint
 * and the entry, never random. `prefix` is `entryIdPrefix(room, url)`.
 */
export const entryEventId = (prefix: string, m: ChatMessage, type: WebhookEventType) => `${prefix}_${m.seq}${SUFFIX[type] ?? ""}`;

/** `msg_` and 96 bits of SHA-256 over room and endpoint: unique per room and endpoint, the same after a restart. */
export async function entryIdPrefix(room: string, url: string): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(`${room}\n${url}`)));
  return `msg_${Array.from(digest.subarray(0, 12), (b) => b.toString(16).padStart(2, "0")).join("")}`;
}

/**
 * The room's newest entries as `stored` handed them over, so a stream keeping up reads no SQL.
 * Contiguous by seq; anything older is read from the history.
 */
export class RecentEntries {
  private entries: ChatMessage[] = [];

  constructor(private readonly max: number) {}

  add(batch: readonly ChatMessage[]): void {
    for (const m of batch) {
      const last = this.entries.at(-1);
      if (last && m.seq !== last.seq + 1) this.entries = [];
      this.entries.push(m);
    }
    if (this.entries.length > this.max) this.entries = this.entries.slice(-this.max);
  }

  /** Up to `limit` entries from seq `from` on, or null when they are not all held here. */
  from(from: number, limit: number): ChatMessage[] | null {
    const first = this.entries[0];
    if (!first || from < first.seq) return null;
    return this.entries.slice(from - first.seq, from - first.seq + limit);
  }
}
