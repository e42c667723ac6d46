/**
 * `notification.fallback`: reach a member another way (the host's SMS, KakaoTalk, email) when web
 * push could not — once per member per room per FALLBACK_AFTER window, never twice.
 *
 * It follows stored entries (messages by others; a call the member missed) for members who are not
 * looking (no open socket here) and keeps one durable timer per member, `f:<user>`, due
 * FALLBACK_AFTER after the first entry they have not read. Entries arriving meanwhile join the same
 * window without writing anything (a busy room would otherwise rewrite a row per member per message):
 * when it fires, the notice counts the unread and shows the newest entry that concerns the member,
 * read from the history then. A read covering everything cancels it; a read of part restarts the
 * window for the rest. When it fires, the room checks again: still
 * unread, not looking, not muted, no inbox socket open (an open inbox counts as looking, as for push)
 * — then it raises the `fallback` room event, which the webhooks feature sends. Reason: `unread` when
 * push reached a device (the member has one and push is on), else `no_subscription`. Since a window
 * starts only with an entry stored after the last one fired, two fallbacks are always a window apart.
 *
 * Nothing happens without webhooks (WEBHOOK_URLS unset): there would be nobody to tell.
 */
import type { ChatMessage } from "../../../protocol/index.ts";
import type { RoomContext, RoomFeature } from "../../feature.ts";
import { numberVar } from "../../env.ts";
import type { MessageStore } from "../../messages-store.ts";
import type { Reach } from "../../user/push-store.ts";
import { webhookConfig } from "../../webhooks/config.ts";
import { concerns, DEFAULT_FALLBACK_AFTER_SEC, extend, notice, type Pending, opening } from "./notice.ts";

/** How a room asks a user's object whether (and how) a notification reaches them. */
export interface ReachDirectory {
  reach(user: string, room: string): Promise<Reach>;
}

/** Without a directory (some tests) nobody has devices, mutes or an inbox. */
const NOBODY: Reach = { muted: false, inboxOpen: false, devices: 0, url: null };
/** How far back from the newest entry the notice looks for the newest one concerning the member. */
const NEWEST_SCAN = 20;

/**
 * `pushOn`: whether this room pushes (VAPID keys set and users' objects reachable); without push
 * every member who is not looking is `no_subscription`.
 */
export function fallback(ctx: RoomContext, messages: MessageStore, directory: ReachDirectory | null, pushOn: boolean): RoomFeature {
  const enabled = webhookConfig(ctx.env) !== null;
  const windowMs = () => numberVar(ctx.env.FALLBACK_AFTER, DEFAULT_FALLBACK_AFTER_SEC) * 1000;
  const key = (user: string) => `f:${user}`;

  /** Someone with an open socket here sees the room (the same rule as push). */
  const looking = (user: string) => {
    for (const c of ctx.connections(user)) if (!c.state?.dropped) return true;
    return false;
  };

  function follow(entries: readonly ChatMessage[]) {
    const now = Date.now();
    for (const member of ctx.members.list()) {
      const mine = entries.filter((e) => e.seq > member.lastRead && concerns(e, member.user));
      if (mine.length === 0 || looking(member.user)) continue;
      // A window is open: these join it (read back when it fires). A row already due is firing now
      // (its notice covers the entries up to its start): these start the next window.
      const row = ctx.timers.get(key(member.user));
      if (row && row.due > now) continue;
      ctx.timers.set(key(member.user), now + windowMs(), opening(mine));
    }
  }

  function read(user: string, seq: number) {
    const row = ctx.timers.get(key(user));
    if (!row) return;
    const pending = row.payload as Pending;
    if (messages.othersAfter(user, seq) === 0) return ctx.timers.clear(key(user));
    // They read part of it: they were here now; the rest gets a window of its own from this moment.
    if (seq >= pending.firstSeq) ctx.timers.set(key(user), Date.now() + windowMs(), { ...pending, firstSeq: seq + 1 });
  }

  /**
   * The newest entry up to `upTo` that concerns `user` and is above their read position: among the
   * latest entries, else the window's own first one; null when nothing concerning is unread.
   */
  function newest(user: string, upTo: number, pending: Pending): Pending | null {
    const lastRead = ctx.members.get(user)?.lastRead ?? Number.POSITIVE_INFINITY;
    const recent = messages.before(upTo + 1, NEWEST_SCAN).messages;
    for (let i = recent.length - 1; i >= 0; i--) {
      const e = recent[i]!;
      if (e.seq <= lastRead) break;
      if (concerns(e, user)) return extend(pending, e);
    }
    return pending.seq > lastRead ? pending : null;
  }

  async function fire(user: string, first: Pending) {
    // Entries stored from now on start the next window: this notice covers those up to here.
    const upTo = messages.lastSeq;
    const stillUnread = () => !looking(user) && newest(user, upTo, first) !== null;
    if (!enabled || !stillUnread()) return;
    // Throws when the user's object cannot be reached: the timer retries, nothing was sent yet.
    const reach = directory ? await directory.reach(user, ctx.room) : NOBODY;
    // Read, came back, or muted while we asked.
    const pending = newest(user, upTo, first);
    if (reach.muted || reach.inboxOpen || looking(user) || !pending) return;
    const member = ctx.members.get(user)!;
    const settings = ctx.settings.get();
    ctx.emit.fallback(
      notice({
        user,
        pending,
        roomTitle: settings.title,
        roomUrl: settings.url,
        devices: reach.devices,
        deviceUrl: reach.url,
        pushOn,
        unread: messages.othersAfter(user, member.lastRead),
      }),
    );
  }

  return {
    name: "fallback",
    on: {
      // In a turn of its own, as push does: the timer rows it writes are not committed with the entry.
      stored: (entries) => {
        if (!enabled) return;
        setTimeout(() => {
          try {
            follow(entries);
          } catch (err) {
            console.error("fallback: following stored entries failed", err);
          }
        }, 0);
      },
      read: (user, seq) => {
        if (enabled) read(user, seq);
      },
    },
    timer(k, payload) {
      if (k.startsWith("f:")) return fire(k.slice(2), payload as Pending);
    },
  };
}
