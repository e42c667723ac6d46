/**
 * The inbox feature: keeps each member's inbox index (in their user object) in step with this room.
 *
 * It follows the room's events — entries stored, reads, the host's title and membership changes,
 * and the other member's presence in a two-member room — and never works on the sender's path: an
 * event only marks who needs an update in one durable timer, and the timer's flush computes each
 * marked member's row from the room's state *at flush time* and sends it to their object.
 *
 * - Coalesced: one flush per room at most every FLUSH_INTERVAL_MS; a busy room's members get a few
 *   updates per second, each carrying the latest state.
 * - Reliable: the marks are a durable timer row; members whose update failed are marked again with
 *   backoff; and since an update is the whole state with the room's rising `rev` (not an increment),
 *   any later update heals one that was lost.
 * - Large rooms: the RPCs go out with bounded concurrency (FLUSH_CONCURRENCY).
 */
import type { RoomContext, RoomFeature } from "../../feature.ts";
import type { MessageStore } from "../../messages-store.ts";
import { retryDelay } from "../../timers.ts";
import type { InboxDeliver, InboxUpdate } from "../../user/inbox-types.ts";
import { eachLimited } from "./pool.ts";
import { conversationFor, type RoomView } from "./rows.ts";

export const FLUSH_INTERVAL_MS = 250;
export const FLUSH_CONCURRENCY = 32;
const FLUSH = "flush";
/** A flush in progress; due only if it never finished (the object restarted mid-flush). */
const INFLIGHT = "inflight";
const INFLIGHT_TIMEOUT_MS = 30_000;
const REV_KEY = "inbox_rev";

/** Who needs an update: every member (`all`) and/or these users (also former members, to remove the row). */
interface Pending {
  all: boolean;
  users: string[];
  /** Consecutive failed deliveries, for the backoff. */
  retry: number;
}

function parsePending(payload: unknown): Pending {
  const p = typeof payload === "object" && payload !== null ? (payload as Record<string, unknown>) : {};
  return {
    all: p.all === true,
    users: Array.isArray(p.users) ? p.users.filter((u): u is string => typeof u === "string") : [],
    retry: typeof p.retry === "number" ? p.retry : 0,
  };
}

export function inbox(ctx: RoomContext, messages: MessageStore, deliver: InboxDeliver): RoomFeature {
  let rev = Number(ctx.sql.exec<{ value: string }>("SELECT value FROM meta WHERE key = ?", REV_KEY).toArray()[0]?.value ?? 0);
  let lastFlush = 0;
  /** An `all` mark is already pending: a busy room's next entries need no SQL at all. */
  let allPending = false;

  // Backfill (migration 5): a room made before the inbox has a flush due at 0; arm it now.
  const backfill = ctx.timers.get(FLUSH);
  if (backfill?.due === 0) ctx.timers.set(FLUSH, Date.now(), backfill.payload);

  function mark(all: boolean, users: readonly string[], retry = 0) {
    if (all && users.length === 0 && retry === 0 && allPending) return;
    const now = Date.now();
    const existing = ctx.timers.get(FLUSH);
    const prev = existing ? parsePending(existing.payload) : { all: false, users: [], retry: 0 };
    const next: Pending = { all: prev.all || all, users: [...new Set([...prev.users, ...users])], retry: Math.max(prev.retry, retry) };
    // A pending flush keeps its time (failed members ride along); else the next flush comes at once
    // in a quiet room, FLUSH_INTERVAL_MS after the last one in a busy room, or after a backoff.
    const due = existing ? existing.due : retry > 0 ? now + retryDelay(retry) : Math.max(now, lastFlush + FLUSH_INTERVAL_MS);
    ctx.timers.set(FLUSH, due, next);
    if (next.all) allPending = true;
  }

  function isOnline(user: string): boolean {
    for (const conn of ctx.connections(user)) if (conn.readyState === WebSocket.READY_STATE_OPEN && !conn.state?.dropped) return true;
    return false;
  }

  /** Each marked user's update, from the room's state now. Synchronous: the rev orders the states. */
  function updates(pending: Pending): { user: string; update: InboxUpdate }[] {
    const members = ctx.members.list();
    const byUser = new Map(members.map((m) => [m.user, m]));
    const targets = new Set<string>(pending.all ? byUser.keys() : []);
    for (const user of pending.users) targets.add(user);
    if (targets.size === 0) return [];
    rev++;
    ctx.sql.exec("INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value", REV_KEY, String(rev));
    const view: RoomView = { room: ctx.room, hostTitle: ctx.settings.get().title, members, last: messages.latest() };
    const now = Date.now();
    return [...targets].map((user) => {
      const member = byUser.get(user);
      if (!member) return { user, update: { room: view.room, rev, activity: now, conversation: null } };
      const conversation = conversationFor(view, member, messages.othersAfter(user, member.lastRead), isOnline);
      return { user, update: { room: view.room, rev, activity: view.last?.ts ?? member.joinedAt, conversation } };
    });
  }

  /**
   * Sends the marked updates. The marks move from FLUSH to INFLIGHT first, so marks made while the RPCs
   * are out start a fresh FLUSH (due after the interval) instead of merging with what is being sent;
   * INFLIGHT stays durable until the end, so a flush cut short by a restart runs again.
   */
  async function flush(key: string, payload: unknown) {
    lastFlush = Date.now();
    if (key === FLUSH) {
      ctx.timers.clear(FLUSH);
      allPending = false;
    }
    ctx.timers.set(INFLIGHT, lastFlush + INFLIGHT_TIMEOUT_MS, payload);
    const pending = parsePending(payload);
    const jobs = updates(pending);
    const failed = await eachLimited(jobs, FLUSH_CONCURRENCY, (job) => deliver(job.user, job.update));
    ctx.timers.clear(INFLIGHT);
    if (failed.length === 0) return;
    console.error(`inbox ${ctx.room}: ${failed.length} of ${jobs.length} member updates failed; retrying`);
    mark(
      false,
      failed.map((j) => j.user),
      pending.retry + 1,
    );
  }

  /** In a two-member room, a member coming or going changes the other's row (the online dot). */
  function presenceChanged(user: string) {
    if (ctx.members.count() !== 2) return;
    const other = ctx.members.list().find((m) => m.user !== user);
    if (other) mark(false, [other.user]);
  }

  return {
    name: "inbox",
    join: (_conn, identity) => presenceChanged(identity.user),
    leave: (_conn, identity) => presenceChanged(identity.user),
    on: {
      stored: () => mark(true, []),
      read: (user) => mark(false, [user]),
      changed(what, user) {
        if (what === "settings" || user === undefined) return mark(true, []);
        // One member joined or left: the others' rows change only when their title is made of member
        // names or the room is (or was) a two-member room with a peer.
        const wide = ctx.settings.get().title === null || ctx.members.count() <= 3;
        mark(wide, [user]);
      },
    },
    timer: (key, payload) => (key === FLUSH || key === INFLIGHT ? flush(key, payload) : undefined),
  };
}
