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
 * - Large rooms (more than INBOX_FANOUT_LIMIT members): a message no longer writes every member's
 *   object. Rows are sent with `pull`, and then only on the member's own changes (joined, read,
 *   removed) and to the members watching (an inbox socket open, see watchers.ts); a member's object
 *   reads the room's current row (`row`) when it shows the inbox or answers the host API. Writing
 *   1,000 objects per message cost a 1,000-member room's acks seconds under wrangler dev, where every
 *   object shares one thread and each write waits for its disk sync (BENCHMARKS.md); deployed, it
 *   is 1,000 RPCs a few times a second per busy room for rows nobody is looking at.
 * - The RPCs go out with bounded concurrency (FLUSH_CONCURRENCY).
 * - Members who are in the room get their rows for its entries, joins and presence a few seconds later,
 *   as one update (held.ts); their own reads, removals and everyone else's rows are not held.
 */
import { numberVar } from "../../env.ts";
import type { RoomContext, RoomFeature } from "../../feature.ts";
import type { Member } from "../../members-store.ts";
import type { MessageStore } from "../../messages-store.ts";
import { retryDelay } from "../../timers.ts";
import type { InboxDeliver, InboxUpdate } from "../../user/inbox-types.ts";
import { DEFAULT_PRESENT_DELAY_SEC, HELD, HeldRows, userList } from "./held.ts";
import { eachLimited } from "./pool.ts";
import { conversationFor, VIEW_MEMBERS, type RoomView } from "./rows.ts";
import { Watchers } from "./watchers.ts";

export const FLUSH_INTERVAL_MS = 250;
/**
 * RPCs in flight per flush. Small on purpose: under wrangler dev every object shares one thread, and
 * with 32 in flight a 1,000-member room's acks waited behind the queued user-object writes (ack p50
 * 1.7 s vs 3 ms with the index off); with 4 the p50 was 9 ms (BENCHMARKS.md). Deployed, user objects
 * run elsewhere and more lanes would only shorten the flush.
 */
export const FLUSH_CONCURRENCY = 4;
/**
 * After a flush, the next waits this many times as long as it took: a room spends at most a quarter
 * of its time flushing. Small rooms' flushes take milliseconds, so this only paces big rooms. Under
 * wrangler dev (one thread for every object) a 1,000-member room's acks wait while a flush runs:
 * pace 3 gave ack p50 9 ms and a ~19 s index lag, pace 1 gave 373 ms and 1.3 s (BENCHMARKS.md);
 * the sender comes first.
 */
const FLUSH_PACE = 3;
const FLUSH = "flush";
/** A flush started directly (follow), not by the FLUSH timer. */
const NOW = "now";
/** A flush in progress; due only if it never finished (the object restarted mid-flush). */
const INFLIGHT = "inflight:";
const INFLIGHT_TIMEOUT_MS = 30_000;
const REV_KEY = "inbox_rev";
/** The last entry whose mark is durable: a room that restarts before marking an entry marks it on wake. */
const SEQ_KEY = "inbox_seq";
/** Rooms with more members than this are read on demand (see the header); INBOX_FANOUT_LIMIT. */
export const DEFAULT_FANOUT_LIMIT = 100;

export interface Inbox extends RoomFeature {
  /** `user`'s row as of now, with a fresh rev: how a member's object reads a large room. */
  row(user: string): InboxUpdate;
  /** `user` has an inbox open until `until` (Unix ms), or closed it (null): they get live rows meanwhile. */
  watch(user: string, until: number | null): void;
}

/**
 * Who needs an update: every member (`all`; rows of members who are in the room are held, held.ts)
 * and/or these users (also former members, to remove the row).
 */
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
    users: userList(p.users),
    retry: typeof p.retry === "number" ? p.retry : 0,
  };
}

export function inbox(ctx: RoomContext, messages: MessageStore, deliver: InboxDeliver): Inbox {
  const fanoutLimit = numberVar(ctx.env.INBOX_FANOUT_LIMIT, DEFAULT_FANOUT_LIMIT);
  const watchers = new Watchers(ctx.sql);
  const holdMs = numberVar(ctx.env.INBOX_PRESENT_DELAY_SEC, DEFAULT_PRESENT_DELAY_SEC, true) * 1000;
  const held = new HeldRows(ctx.timers, holdMs);
  const large = () => ctx.members.count() > fanoutLimit;
  let rev = Number(ctx.sql.exec<{ value: string }>("SELECT value FROM meta WHERE key = ?", REV_KEY).toArray()[0]?.value ?? 0);
  let lastFlush = 0;
  /** No flush starts before this (pacing after a long flush). */
  let quietUntil = 0;
  /** An `all` mark is already pending: a busy room's next entries need no SQL at all. */
  let allPending = false;
  /** `holdAll` found every member here and holding, and nothing has happened since (memory only). */
  let everyoneHeld = false;
  /** Anything but an entry (a mark, a flush, a socket coming or going, a watcher) may end that. */
  const unsettle = () => {
    everyoneHeld = false;
  };
  /** The flush whose RPCs are out, if any. */
  let running: Promise<void> | null = null;

  // Backfill (migration 5): a room made before the inbox has a flush due at 0; arm it now.
  const backfill = ctx.timers.get(FLUSH);
  if (backfill?.due === 0) ctx.timers.set(FLUSH, Date.now(), backfill.payload);

  function mark(all: boolean, users: readonly string[], retry = 0) {
    unsettle();
    if (all && users.length === 0 && retry === 0 && allPending) return;
    const now = Date.now();
    const existing = ctx.timers.get(FLUSH);
    const prev = existing ? parsePending(existing.payload) : { all: false, users: [], retry: 0 };
    const next: Pending = { all: prev.all || all, users: [...new Set([...prev.users, ...users])], retry: Math.max(prev.retry, retry) };
    // A pending flush keeps its time (failed members ride along); else the next flush comes at once
    // in a quiet room, FLUSH_INTERVAL_MS after the last one in a busy room, or after a backoff.
    const due = existing ? existing.due : retry > 0 ? now + retryDelay(retry) : Math.max(now, lastFlush + FLUSH_INTERVAL_MS, quietUntil);
    ctx.timers.set(FLUSH, due, next);
    if (next.all) allPending = true;
  }

  function isOnline(user: string): boolean {
    for (const conn of ctx.connections(user)) if (conn.readyState === WebSocket.READY_STATE_OPEN && !conn.state?.dropped) return true;
    return false;
  }

  /**
   * Splits whose rows go now and whose are held: `users` go now; every member (with `everyone`) and
   * `mayHold` are held if they are in the room and not watching an inbox of a large room (held.ts).
   * `all` is every member, read once for the flush.
   */
  function split(everyone: boolean, users: Iterable<string>, mayHold: readonly string[]): { all: Member[] | null; now: Set<string>; hold: string[] } {
    // Every member only for an `all` flush; a few marked users (a large room's watchers) read their own rows.
    const all = everyone ? ctx.members.list() : null;
    const now = new Set(users);
    const hold = new Set<string>();
    let watching: Set<string> | null = null;
    for (const user of all ? [...all.map((m) => m.user), ...mayHold] : mayHold) {
      if (now.has(user) || hold.has(user)) continue;
      watching ??= new Set(watchers.active(Date.now()));
      if (holdMs > 0 && isOnline(user) && !watching.has(user)) hold.add(user);
      else now.add(user);
    }
    return { all, now, hold: [...hold] };
  }

  /** Each user's update, from the room's state now. Synchronous: the rev orders the states. */
  function updates(targets: ReadonlySet<string>, all: readonly Member[] | null): { user: string; update: InboxUpdate }[] {
    if (targets.size === 0) return [];
    const byUser = all ? new Map(all.map((m) => [m.user, m])) : null;
    rev++;
    setMeta(REV_KEY, rev);
    const count = all ? all.length : ctx.members.count();
    const first = all ? all.slice(0, VIEW_MEMBERS) : ctx.members.first(VIEW_MEMBERS);
    const view: RoomView = { room: ctx.room, hostTitle: ctx.settings.get().title, count, members: first, last: messages.latest() };
    const now = Date.now();
    const pull = count > fanoutLimit;
    return [...targets].map((user) => {
      const member = byUser ? byUser.get(user) : (ctx.members.get(user) ?? undefined);
      if (!member) return { user, update: { room: view.room, rev, activity: now, conversation: null } };
      const conversation = conversationFor(view, member, messages.othersAfter(user, member.lastRead), isOnline);
      return { user, update: { room: view.room, rev, activity: view.last?.ts ?? member.joinedAt, conversation, pull } };
    });
  }

  /**
   * Starts sending the marked updates and returns at once. The RPCs run outside the timer's handler:
   * the object's next alarm cannot fire while a handler is still running, so a big room's flush
   * awaited there would delay every other feature's timers (a call's ring timeout) by its length.
   * Durability instead: the marks move from FLUSH to an INFLIGHT timer that is cleared when the sends
   * end, so a flush cut short by a restart runs again; marks made meanwhile start a fresh FLUSH. One
   * flush at a time, paced by FLUSH_PACE: a big room's flushes come as often as they can be served.
   */
  function flush(key: string, payload: unknown) {
    unsettle();
    const now = Date.now();
    if (key === FLUSH && (running || now < quietUntil)) {
      ctx.timers.set(FLUSH, Math.max(now + FLUSH_INTERVAL_MS, quietUntil), ctx.timers.get(FLUSH)?.payload ?? payload);
      return;
    }
    lastFlush = now;
    if (key === FLUSH) {
      ctx.timers.clear(FLUSH);
      allPending = false;
    }
    const pending = parsePending(payload);
    const { all, now: targets, hold } = split(pending.all, pending.users, []);
    held.update(hold, targets, now);
    const jobs = updates(targets, all);
    if (jobs.length === 0) return;
    const inflight = `${INFLIGHT}${rev}`;
    ctx.timers.set(inflight, now + INFLIGHT_TIMEOUT_MS, payload);
    running = eachLimited(jobs, FLUSH_CONCURRENCY, (job) => deliver(job.user, job.update)).then((failed) => {
      running = null;
      const ended = Date.now();
      quietUntil = ended + (ended - now) * FLUSH_PACE;
      ctx.timers.clear(inflight);
      if (failed.length === 0) return;
      console.error(`inbox ${ctx.room}: ${failed.length} of ${jobs.length} member updates failed; retrying`);
      mark(
        false,
        failed.map((j) => j.user),
        pending.retry + 1,
      );
    });
  }

  /**
   * A join or a presence change: the rows of members in the room are held here, at mark time, so a
   * change that concerns only them needs no FLUSH row and alarm — a commit less per batch of joins, and
   * each commit is a disk sync on the one local thread (BENCHMARKS.md §16). Entries keep marking `all`
   * for the flush to split: a busy room's next entries then need no SQL at all.
   */
  function markChange(all: boolean, user: string) {
    unsettle();
    const { now: send, hold } = split(all, [], [user]);
    held.update(hold, send, Date.now());
    if (send.size > 0) mark(false, [...send]);
  }

  /** In a two-member room, a member coming or going changes the other's row (the online dot). */
  function presenceChanged(user: string) {
    if (ctx.members.count() !== 2) return;
    const other = ctx.members.list().find((m) => m.user !== user);
    if (other) markChange(false, other.user);
  }

  /** No flush pending or running, and the pacing over: a flush may start in this turn (no FLUSH row and alarm). */
  const canFlushNow = (now: number) => !running && now >= Math.max(lastFlush + FLUSH_INTERVAL_MS, quietUntil) && !ctx.timers.get(FLUSH);

  /** The held rows are due: sent in this alarm's turn when it can, else marked as any others. */
  function heldDue(users: string[]) {
    if (canFlushNow(Date.now())) flush(NOW, { all: false, users, retry: 0 });
    else mark(false, users);
  }

  /** A new entry changes every member's row: all of them in a small room, the watchers in a large one. Whether it marked anyone. */
  function stored(): boolean {
    if (!large()) {
      mark(true, []);
      return true;
    }
    const users = watchers.active(Date.now()).filter((user) => ctx.members.get(user) !== null);
    if (users.length > 0) mark(false, users);
    return users.length > 0;
  }

  /**
   * Follows entries up to `seq` in a turn of its own: the mark's timer row and alarm are then not part
   * of the entry's commit, so the sender's ack does not wait for them (with them, a quiet room's acks
   * took about twice as long, BENCHMARKS.md §14). The watermark written with the mark lets a room
   * that died between the two commits mark on wake instead.
   */
  function follow(seq: number, direct = false) {
    if (allPending) return;
    if (direct && !large() && canFlushNow(Date.now())) {
      // A quiet small room flushes now, in this turn: no FLUSH row and alarm to fire at once, so the
      // watermark, the rev and the flush's INFLIGHT guard commit together (a commit less per message;
      // each is a synchronous disk write on the one local thread, BENCHMARKS.md §16).
      setMeta(SEQ_KEY, seq);
      flush(NOW, { all: true, users: [], retry: 0 });
      return;
    }
    if (stored()) setMeta(SEQ_KEY, seq);
  }

  /**
   * Every member of a small room is in it (a conversation going on): their rows are only held, and
   * holding needs no reads of rows and no RPC, so it is done in the entries' own turn and commits
   * with them — not in a turn and commit of its own after the ack. Whether it did.
   */
  function holdAll(seq: number): boolean {
    // Nothing changed since the last entry found everyone here: they are still held, and a busy
    // room's entries need no reads at all (the held rows go as of when they fall due; a restart
    // before then finds the watermark behind and marks everyone once, which sends the same rows).
    if (everyoneHeld) return true;
    if (allPending || large()) return false;
    const { now: send, hold } = split(true, [], []);
    if (send.size > 0) return false;
    held.update(hold, send, Date.now());
    setMeta(SEQ_KEY, seq);
    everyoneHeld = true;
    return true;
  }

  const setMeta = (key: string, value: number) =>
    ctx.sql.exec("INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value", key, String(value));
  const followed = ctx.sql.exec<{ value: string }>("SELECT value FROM meta WHERE key = ?", SEQ_KEY).toArray()[0]?.value;
  // First start with a watermark: everything before was marked in the entry's own commit.
  if (followed === undefined) setMeta(SEQ_KEY, messages.lastSeq);
  else if (Number(followed) < messages.lastSeq && ctx.members.count() > 0) follow(messages.lastSeq);

  return {
    name: "inbox",
    row(user) {
      const [job] = updates(new Set([user]), null);
      if (!job) throw new Error("inbox: no row computed");
      return job.update;
    },
    watch(user, until) {
      unsettle();
      watchers.set(user, until);
    },
    join(_conn, identity) {
      unsettle();
      presenceChanged(identity.user);
    },
    leave(_conn, identity) {
      unsettle();
      presenceChanged(identity.user);
      // Their last socket closed: a held row goes now, as for anyone not in the room.
      if (!isOnline(identity.user) && held.has(identity.user)) mark(false, [identity.user]);
    },
    on: {
      // Once the entries are durable and their acks out: the flush's reads and RPCs never share a turn with them.
      stored: (entries) => {
        const seq = entries.at(-1)?.seq ?? 0;
        if (!holdAll(seq)) ctx.afterCommit("following stored entries", () => follow(seq, true));
      },
      read: (user) => mark(false, [user]),
      changed(what, user) {
        if (what === "settings" || user === undefined) return mark(true, []);
        const joined = ctx.members.get(user) !== null;
        if (!joined) watchers.set(user, null);
        const count = ctx.members.count();
        // The room just crossed INBOX_FANOUT_LIMIT (either way): every row changes its `pull`.
        // A removed member's row goes at once (never held): the room leaves their inbox now.
        const own = (all: boolean) => (joined ? markChange(all, user) : mark(all, [user]));
        if (count === fanoutLimit + 1 || count === fanoutLimit) return own(true);
        // One member joined or left: the others' rows change only when their title is made of member
        // names or the room is (or was) a two-member room with a peer — and a large room's others read it
        // on demand. A join past the first VIEW_MEMBERS changes only the title's "+N", which the others'
        // rows take with the room's next entry: a crowd joining a room costs one row each, not one per member.
        const namesChange = ctx.settings.get().title === null && (!joined || count <= VIEW_MEMBERS);
        const wide = !large() && (namesChange || count <= 3);
        own(wide);
      },
    },
    timer(key, payload) {
      if (key === FLUSH || key.startsWith(INFLIGHT)) flush(key, payload);
      else if (key === HELD) heldDue(held.take(payload));
    },
  };
}
