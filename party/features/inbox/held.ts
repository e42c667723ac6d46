/**
 * Rows held back for members who are in the room. A member with a socket open to the room sees its
 * entries, joins and presence there as they happen; their inbox row (what their other devices' inbox
 * and the host API show) follows within INBOX_PRESENT_DELAY_SEC, so a conversation's changes while
 * they are in it reach their user's object as one update instead of one per change — and a crowd
 * joining, or a hundred rooms woken at once, acks before the members' objects are started for rows
 * (BENCHMARKS.md §16). A held row goes out when the delay ends (the whole row as of then), when the
 * member's last socket closes, or with their own read, which is never held.
 *
 * Durable: the held users are one timer row, so a restart sends their rows when it fires.
 */
import { isStr } from "../../../protocol/index.ts";
import type { FeatureTimers } from "../../timers.ts";

export const HELD = "held";
/** INBOX_PRESENT_DELAY_SEC when unset. */
export const DEFAULT_PRESENT_DELAY_SEC = 3;

export class HeldRows {
  constructor(
    private readonly timers: FeatureTimers,
    private readonly delayMs: number,
  ) {}

  /** Whether `user`'s row is held. */
  has(user: string): boolean {
    return this.users().includes(user);
  }

  /**
   * Holds `add` and releases `sent` (their rows just went out with the latest state). A user already
   * held keeps the timer's due time: the lag is at most one delay however busy the room is.
   */
  update(add: readonly string[], sent: ReadonlySet<string>, now: number): void {
    const existing = this.timers.get(HELD);
    const before = existing ? usersOf(existing.payload) : [];
    const next = [...new Set([...before, ...add])].filter((u) => !sent.has(u));
    if (next.length === before.length && next.every((u, i) => u === before[i])) return;
    if (next.length === 0) this.timers.clear(HELD);
    else this.timers.set(HELD, existing?.due ?? now + this.delayMs, { users: next });
  }

  /** The timer fired: the users whose rows are now due (the timer row is cleared). */
  take(payload: unknown): string[] {
    this.timers.clear(HELD);
    return usersOf(payload);
  }

  private users(): string[] {
    const existing = this.timers.get(HELD);
    return existing ? usersOf(existing.payload) : [];
  }
}

/** The user ids in a timer payload's list (a payload is JSON read back from SQLite: parsed, not trusted). */
export const userList = (v: unknown): string[] => (Array.isArray(v) ? v.filter(isStr) : []);

const usersOf = (payload: unknown) => userList(typeof payload === "object" && payload !== null ? (payload as { users?: unknown }).users : undefined);
