/**
 * The user's side of large rooms (more than INBOX_FANOUT_LIMIT members, see party/features/inbox):
 * such a room stops writing this user's row on every message, so before the inbox is shown (an inbox
 * socket opens, the host API's first page or unread total) the object reads each large room's current
 * row, and while an inbox socket is open it tells those rooms to keep sending live rows ("watch").
 */
import type { InboxChange, InboxStore } from "./inbox-store.ts";
import type { InboxUpdate } from "./inbox-types.ts";

/** What this object asks of a room (party/contract.ts RoomRpc), as seen across RPC. */
export interface RoomReader {
  inboxRow(user: string): Promise<InboxUpdate>;
  inboxWatch(user: string, until: number | null): Promise<void>;
}

/** Reads within this long of the last one reuse it: a page and an unread total asked together read rooms once. */
const REFRESH_MS = 1_000;
/**
 * A watch lasts this long unless the last inbox socket closes first; it is renewed whenever an inbox
 * socket opens. It bounds the cost of a close that never reached the room (the object was evicted).
 */
export const WATCH_MS = 24 * 3600_000;

export class InboxPull {
  private readAt = 0;
  private reading: Promise<void> | null = null;

  constructor(
    private readonly store: InboxStore,
    private readonly room: (id: string) => RoomReader | null,
    private readonly user: () => string,
    private readonly changed: (change: InboxChange) => void,
  ) {}

  /** Brings every large room's row up to date (at most once per REFRESH_MS; concurrent callers share a read). */
  refresh(): Promise<void> {
    if (this.reading) return this.reading;
    if (Date.now() - this.readAt < REFRESH_MS) return Promise.resolve();
    const rooms = this.store.pulled();
    if (rooms.length === 0) return Promise.resolve();
    this.reading = this.each(rooms, async (reader) => {
      const update = await reader.inboxRow(this.user());
      this.changed(this.store.apply(update));
    }).finally(() => {
      this.readAt = Date.now();
      this.reading = null;
    });
    return this.reading;
  }

  /**
   * Reads the rows of `rooms` this object has none for (the user's side of the backfill: rooms made
   * before the inbox existed that have not woken since, see room migration 5).
   */
  backfill(rooms: readonly string[]): Promise<void> {
    return this.each(rooms, async (reader) => this.changed(this.store.apply(await reader.inboxRow(this.user()))));
  }

  /** Asks large rooms for live rows until `until` (an inbox socket opened), or to stop (null: the last one closed). */
  watch(until: number | null, rooms: readonly string[] = this.store.pulled()): Promise<void> {
    return this.each(rooms, (reader) => reader.inboxWatch(this.user(), until));
  }

  /** Runs `task` against each room; a room that cannot be reached keeps its last row (and is logged). */
  private async each(rooms: readonly string[], task: (reader: RoomReader) => Promise<void>): Promise<void> {
    const results = await Promise.allSettled(
      rooms.map((id) => {
        const reader = this.room(id);
        return reader ? task(reader) : Promise.resolve();
      }),
    );
    const failed = results.filter((r) => r.status === "rejected").length;
    if (failed > 0) console.error(`inbox of ${this.user()}: ${failed} of ${rooms.length} large rooms could not be read`);
  }
}
