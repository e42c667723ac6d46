/**
 * New members' rows, written shortly after their socket is accepted instead of before it.
 *
 * A write in `onConnect` holds the 101 and every join frame behind its commit (the output gate), and
 * in a crowd every first join is one more commit. Here the join is remembered, the socket and its
 * frames go out, and the rows of all joins of a short window are written in one turn (one commit)
 * — earlier when anything else happens in the room (a frame, a close, an alarm, a host call), so
 * whatever reads membership afterwards sees the row.
 *
 * A crash before the write loses the row, and with it nothing else: the `members` events (inbox,
 * webhooks `member.joined`) are raised in the same turn as the write, so they commit with it or not
 * at all, and the socket does not outlive the crash — the widget reconnects, and that join writes
 * the row and raises the events. Admission counts waiting joins, so `maxMembers` holds meanwhile.
 */
import type { Role } from "../protocol/index.ts";
import type { Member, MemberStore } from "./members-store.ts";

/** How long a join may wait for others to share its commit. */
export const JOIN_WRITE_DELAY_MS = 50;

interface Waiting {
  name: string;
  role: Role;
  at: number;
  /** Not in the table yet (counts against `maxMembers`). */
  isNew: boolean;
  /** A new member or a new name: the room raises `changed("members")` once written. */
  announce: boolean;
}

export class MemberJoins {
  private waiting = new Map<string, Waiting>();
  /** Other writes a join needs, run in the rows' turn (`alongside`). */
  private extra: (() => void)[] = [];
  private timer: ReturnType<typeof setTimeout> | null = null;

  constructor(
    private readonly members: MemberStore,
    /** Called after each announced user's row is written, in the same turn. */
    private readonly written: (user: string) => void,
    private readonly delayMs = JOIN_WRITE_DELAY_MS,
  ) {}

  /** Remembers a join whose row differs from `before` (the stored row, null for a first join). */
  add(user: string, name: string, role: Role, at: number, before: Member | null): void {
    if (before && before.name === name && before.role === role) return;
    const earlier = this.waiting.get(user);
    this.waiting.set(user, {
      name,
      role,
      at: earlier?.at ?? at,
      isNew: earlier ? earlier.isNew : before === null,
      announce: (earlier?.announce ?? false) || before?.name !== name,
    });
    this.schedule();
  }

  /**
   * Runs `write` in the turn that writes the next batch of rows (so in its commit), even when no row
   * is waiting: a write a join needs besides its row, kept off the joiner's frames like the row.
   */
  alongside(write: () => void): void {
    this.extra.push(write);
    this.schedule();
  }

  /** One flush per window, whatever is waiting for it. */
  private schedule(): void {
    this.timer ??= setTimeout(() => this.flush(), this.delayMs);
  }

  /** The member as admission should see them: stored, or waiting to be. */
  get(user: string): Member | null {
    const stored = this.members.get(user);
    if (stored) return stored;
    const w = this.waiting.get(user);
    return w ? { user, name: w.name, role: w.role, joinedAt: w.at, lastRead: 0 } : null;
  }

  /** Members stored plus first joins still waiting. */
  count(): number {
    let waitingNew = 0;
    for (const w of this.waiting.values()) if (w.isNew) waitingNew++;
    return this.members.count() + waitingNew;
  }

  get size(): number {
    return this.waiting.size;
  }

  /** Writes every waiting row now (one turn, so one commit), announces the new ones, then runs the `alongside` writes. */
  flush(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    const extra = this.extra;
    this.extra = [];
    const batch = [...this.waiting];
    this.waiting.clear();
    for (const [user, w] of batch) this.members.upsert(user, w.name, w.role, w.at);
    for (const [user, w] of batch) if (w.announce) this.written(user);
    for (const write of extra) write();
  }
}
