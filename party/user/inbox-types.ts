/**
 * What a room tells a member's object about one conversation. Plain data: it crosses Durable Object
 * RPC from the room's inbox feature (party/features/inbox) to the user's object (party/user.ts).
 */
import type { Conversation } from "../../protocol/index.ts";

export interface InboxUpdate {
  room: string;
  /**
   * The room's update counter. RPCs from one room may arrive out of order (retries, concurrent
   * flushes): the user's object keeps the row with the highest `rev` and ignores older ones, so an
   * update carries the whole latest state rather than an increment.
   */
  rev: number;
  /** Sort key: the last entry's time, else when the member joined (Unix ms). */
  activity: number;
  /** The row, or null when the user is no longer a member (removed by the host): the row leaves the inbox. */
  conversation: Conversation | null;
  /**
   * The room is large (above INBOX_FANOUT_LIMIT members): it no longer sends this row on every
   * message, so the user's object reads it from the room (`inboxRow`) before showing it, and asks
   * for live rows (`inboxWatch`) while an inbox socket is open. Absent: false.
   */
  pull?: boolean;
}

/** Sends one update to one user's object; rejects when it could not be delivered (the room retries). */
export type InboxDeliver = (user: string, update: InboxUpdate) => Promise<void>;
