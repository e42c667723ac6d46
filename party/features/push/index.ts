/**
 * Web push from the room: reach members who are not looking. It follows stored entries (never on
 * the sender's ack path) and keeps everything it will do later in durable timers:
 *   `n:<user>`  a member's next message push — at most one per PUSH_MIN_INTERVAL; messages arriving
 *               meanwhile update the pending one, so a burst becomes one push with the latest text;
 *   `m:<call>`  a call rung by push ended unanswered: "Missed call" replaces the ring;
 *   `r:<call>`  the devices a call rang (kept until a while after the ring window), so that
 *   `s:<call>`  an answer or a decline replaces the ring on each of them ("Call answered", quietly);
 *   `d:<user>:<device>:<topic>`  one delivery to one device, tried at once, retried with backoff (429/5xx,
 *               honouring Retry-After), deleted once the push service accepted it, so a restart
 *               between a 503 and its retry still delivers exactly once.
 * The devices come from the member's user object (subscriptions, mutes, whether the inbox is open).
 */
import type { ChatMessage } from "../../../protocol/index.ts";
import type { RoomContext, RoomFeature } from "../../feature.ts";
import type { StoredSubscription } from "../../user/push-store.ts";
import { signDecline } from "./action-token.ts";
import { pushConfig } from "./config.ts";
import { attempt, type Delivery, RETRY_WINDOW_MS } from "./delivery.ts";
import { type CallPushInput, fitPayload, messagePush, missedPush, ringPush, settledPush, type DeclarativePush } from "./payload.ts";
import { PushState } from "./state.ts";
import { endpointKey, topicFor } from "./topic.ts";

/** How a room reaches users' objects (party/user.ts) for their devices. */
export interface PushDirectory {
  /** The devices to push to now: none when the user muted this room or has the inbox open. */
  targets(user: string, room: string): Promise<StoredSubscription[]>;
  /** The push service says this device is gone (404/410). */
  gone(user: string, endpoint: string): Promise<unknown>;
}

/** A call ringing a callee who has no open socket here. */
export interface PushRing {
  callId: string;
  callee: string;
  caller: string;
  video: boolean;
  /** Unix ms: when the ring times out (the push's TTL counts down to it). */
  endsAt: number;
}

/** What the calls feature may ask of push. */
export interface CallPusher {
  /** The callee's devices, if push can reach them at all (empty: do not ring by push). */
  devices(user: string): Promise<StoredSubscription[]>;
  /** Sends the high-urgency ring to those devices. */
  ring(call: PushRing, devices: StoredSubscription[]): Promise<void>;
  /** The call ended unanswered: the ring notification becomes "Missed call" (durable, sent later). */
  missed(call: PushRing): void;
  /** The callee answered (on any device) or declined: the ring stops on the devices it rang (durable, sent later). */
  settled(call: PushRing, how: "answered" | "declined"): void;
}

export interface Push extends RoomFeature {
  /** Null when push is off (no VAPID keys, PUSH_ENABLED=false, or no users' objects). */
  readonly calls: CallPusher | null;
}

/**
 * A delivery's row is due this long after its first try starts: longer than a try can take (the
 * request times out sooner), so it fires only if the object died during the try.
 */
const GUARD_MS = 30_000;

/** How long the push service keeps an undelivered message push. */
const MESSAGE_TTL_MS = 24 * 3600_000;

/** How long the push service keeps a push that only replaces a ring: by then the ring is gone anyway. */
const SETTLED_TTL_MS = 60_000;
/** The rung devices are kept this long after the ring window (an answer can only come before it ends). */
const RUNG_KEEP_MS = 60_000;

type Pending = { seq: number; name: string; text: string };
type Missed = Omit<PushRing, "endsAt">;
type Settled = Missed & { how: "answered" | "declined" };
type Rung = { devices: StoredSubscription[] };

export function push(ctx: RoomContext, directory: PushDirectory | null): Push {
  const config = pushConfig(ctx.env);
  const state = new PushState(ctx.sql);
  const enabled = config !== null && directory !== null;

  /** Someone with an open socket here sees the message; never push to someone who is looking. */
  const looking = (user: string) => {
    for (const c of ctx.connections(user)) if (!c.state?.dropped) return true;
    return false;
  };

  /** Each member's newest entry by someone else, for the members who are not looking. */
  function follow(entries: readonly ChatMessage[]) {
    if (!enabled) return;
    // Call records have their own pushes (ring, missed); they are not messages to announce.
    const messages = entries.filter((e) => e.kind !== "call");
    if (messages.length === 0) return;
    const now = Date.now();
    for (const member of ctx.members.list()) {
      const entry = messages.findLast((e) => e.user !== member.user);
      if (!entry || member.lastRead >= entry.seq || looking(member.user)) continue;
      const key = `n:${member.user}`;
      const pending: Pending = { seq: entry.seq, name: entry.name, text: entry.text };
      const existing = ctx.timers.get(key);
      const last = state.lastAt(member.user);
      const turn = last === null ? now : last + config.minIntervalMs;
      if (existing || turn > now) {
        // A pending push keeps its time but takes the newest text; one being sent now makes this wait the interval.
        ctx.timers.set(key, Math.max(existing?.due ?? now, turn), pending);
        continue;
      }
      // Their turn: send now, not through the alarm; the row is a guard that fires only if the object dies
      // meanwhile, and it covers the whole push (no row per device unless a try must be retried).
      // Marked now, in this commit: messages stored while this push is under way wait an interval.
      ctx.timers.set(key, now + GUARD_MS, pending);
      state.mark(member.user, now);
      void sendNow(key, member.user, pending);
    }
  }

  async function sendNow(key: string, user: string, pending: Pending) {
    try {
      await notify(user, pending, true);
    } catch (err) {
      console.error(`push to ${user}: ${err instanceof Error ? err.message : err}`);
    }
    const row = ctx.timers.get(key);
    if (!row) return;
    const next = row.payload as Pending;
    // A newer message arrived while this one was sent: it goes when the interval ends.
    if (next.seq === pending.seq) ctx.timers.clear(key);
    else ctx.timers.set(key, Math.max(Date.now(), (state.lastAt(user) ?? 0) + (config?.minIntervalMs ?? 0)), next);
  }

  /**
   * One delivery per device, first tried at once. Unless the caller's own timer row already guards
   * the push (`guarded`: it stays until the push is done, so a process that dies mid-try runs it
   * again), each delivery's row is written first with a due time past the try; after the try, a
   * delivery to retry gets (or keeps) its row at the retry time, others leave none. The same device
   * and topic replace a delivery not yet accepted.
   */
  async function queue(
    user: string,
    devices: StoredSubscription[],
    make: (d: StoredSubscription) => DeclarativePush,
    d: Omit<Delivery, "id" | "user" | "subscription" | "payload" | "tries">,
    guarded = false,
  ) {
    const id = crypto.randomUUID();
    const tries: Promise<void>[] = [];
    for (const device of devices) {
      const delivery: Delivery = {
        ...d,
        id,
        user,
        subscription: { endpoint: device.endpoint, keys: device.keys },
        payload: fitPayload(make(device)),
        tries: 0,
      };
      const key = `d:${user}:${await endpointKey(device.endpoint)}:${d.topic}`;
      // Unguarded, the row must exist before the try; guarded, an older delivery's row for this device
      // and topic would still fire later with what this one replaces: it goes (a write only then).
      if (!guarded) ctx.timers.set(key, Date.now() + GUARD_MS, delivery);
      else if (ctx.timers.get(key)) ctx.timers.clear(key);
      newest.set(key, id);
      tries.push(deliver(key, delivery, guarded));
    }
    await Promise.all(tries);
  }

  /** The newest delivery started per device and topic by this instance (a fresh try has no row to compare with). */
  const newest = new Map<string, string>();
  /** Whether this delivery is still the one for its device and topic (not replaced by a newer push meanwhile). */
  const current = (key: string, d: Delivery) => (newest.get(key) ?? d.id) === d.id && (ctx.timers.get(key)?.payload as Delivery | undefined)?.id === d.id;

  /** A message push; `marked`: the caller already recorded its time (sendNow, in the follow turn). */
  async function notify(user: string, p: Pending, marked = false) {
    const member = ctx.members.get(user);
    // Read meanwhile (another device, the host API) or came back: nothing to tell.
    if (!member || member.lastRead >= p.seq || looking(user) || !directory) return;
    const now = Date.now();
    // Marked before asking for devices: messages stored while this push is under way wait an interval.
    if (!marked) state.mark(user, now);
    const devices = await directory.targets(user, ctx.room);
    if (devices.length === 0) return;
    const settings = ctx.settings.get();
    const tag = await topicFor("room", ctx.room);
    await queue(
      user,
      devices,
      (device) =>
        messagePush({ room: ctx.room, lang: device.lang, roomTitle: settings.title, sender: p.name, text: p.text, navigate: settings.url ?? device.url, tag }),
      { urgency: "normal", topic: tag, expires: now + MESSAGE_TTL_MS, giveUpAt: now + RETRY_WINDOW_MS },
      // The `n:` row (sendNow's guard, or the timer being run) stays until this returns.
      true,
    );
  }

  /** What every call push (ring, settled, missed) says to one device: in its language, opening the room's page or the device's. */
  const callInput = (call: Missed, device: StoredSubscription, tag: string, url: string | null): CallPushInput => ({
    room: ctx.room,
    lang: device.lang,
    callId: call.callId,
    caller: call.caller,
    video: call.video,
    navigate: url ?? device.url,
    tag,
  });

  /**
   * One try; then the row is cleared (accepted, gone, given up) or set to the retry time. `fresh`: a
   * first try with no row of its own (queue's caller guards it), so there is nothing to clear.
   */
  async function deliver(key: string, d: Delivery, fresh = false) {
    if (!config || !directory) return;
    const next = await attempt(d, config);
    // A newer push to this device and topic replaced this one while it was in flight: leave it be.
    if (fresh ? newest.get(key) !== d.id : !current(key, d)) return;
    if (newest.get(key) === d.id && next.kind !== "retry") newest.delete(key);
    if (next.kind === "retry") return ctx.timers.set(key, next.at, { ...d, tries: d.tries + 1 });
    if (!fresh) ctx.timers.clear(key);
    if (next.kind === "gone") await directory.gone(d.user, d.subscription.endpoint);
    else if (next.kind === "drop") console.warn(`push to ${d.user} dropped: ${next.reason}`);
  }

  async function missed(call: Missed) {
    if (!directory) return;
    const devices = await directory.targets(call.callee, ctx.room);
    const now = Date.now();
    const tag = await topicFor("call", call.callId);
    const url = ctx.settings.get().url;
    // Guarded by the `m:` row, which stays until this returns.
    await queue(
      call.callee,
      devices,
      (device) => missedPush(callInput(call, device, tag, url)),
      { urgency: "normal", topic: tag, expires: now + MESSAGE_TTL_MS, giveUpAt: now + RETRY_WINDOW_MS },
      true,
    );
  }

  /** The ring stops on the devices it rang (not the user's devices now: a muted room or an open inbox would hide them). */
  async function settled(call: Settled) {
    const rung = ctx.timers.get(`r:${call.callId}`)?.payload as Rung | undefined;
    ctx.timers.clear(`r:${call.callId}`);
    if (!rung || rung.devices.length === 0) return;
    const now = Date.now();
    const tag = await topicFor("call", call.callId);
    const url = ctx.settings.get().url;
    await queue(
      call.callee,
      rung.devices,
      (device) => settledPush({ ...callInput(call, device, tag, url), how: call.how }),
      // High: a phone still ringing on the table should stop now; worthless a minute later.
      { urgency: "high", topic: tag, expires: now + SETTLED_TTL_MS, giveUpAt: now + SETTLED_TTL_MS },
    );
  }

  const calls: CallPusher | null = !enabled
    ? null
    : {
        devices: (user) => directory.targets(user, ctx.room),
        async ring(call, devices) {
          const secret = ctx.env.TOKEN_SECRET;
          if (!secret) throw new Error("TOKEN_SECRET is not set: cannot sign the Decline action");
          const declineToken = await signDecline({ room: ctx.room, call: call.callId, user: call.callee, exp: call.endsAt + 60_000 }, secret);
          const tag = await topicFor("call", call.callId);
          const url = ctx.settings.get().url;
          ctx.timers.set(`r:${call.callId}`, call.endsAt + RUNG_KEEP_MS, { devices } satisfies Rung);
          await queue(
            call.callee,
            devices,
            (device) => ringPush({ ...callInput(call, device, tag, url), declineToken }),
            // A ring is worthless once the call stopped ringing: no TTL or retry past its window.
            { urgency: "high", topic: tag, expires: call.endsAt, giveUpAt: call.endsAt },
          );
        },
        missed({ callId, callee, caller, video }) {
          ctx.timers.set(`m:${callId}`, Date.now(), { callId, callee, caller, video } satisfies Missed);
        },
        settled({ callId, callee, caller, video }, how) {
          ctx.timers.set(`s:${callId}`, Date.now(), { callId, callee, caller, video, how } satisfies Settled);
        },
      };

  return {
    name: "push",
    calls,
    on: {
      // Once the entries are durable and their acks out: its rows are not committed with the entries, and
      // its work (the users' objects, the encryption) does not run while the acks still wait for their commit.
      stored: (entries) => ctx.afterCommit("following stored entries", () => follow(entries)),
    },
    async timer(key, payload) {
      if (key.startsWith("n:")) return notify(key.slice(2), payload as Pending);
      if (key.startsWith("d:")) return deliver(key, payload as Delivery);
      if (key.startsWith("m:")) return missed(payload as Missed);
      if (key.startsWith("s:")) return settled(payload as Settled);
      // `r:` (the rung devices) only expires: nothing answered or declined that ring.
    },
  };
}
