/**
 * Calls: the room referees, media flows peer to peer. It rings every connected tab of the callee,
 * lets the first accept win, relays signals only between the caller's socket and the accepting
 * socket (in the order they arrive), and ends calls on decline, hang-up, a closed socket, the ring
 * and connect timeouts and the token's `call_seconds` cap — the deadlines are durable timers, so a
 * restart does not leave a ghost call. Each ended call becomes a `call` entry in the history.
 */
import type { CallEndReason, CallState, ClientMessage } from "../../../protocol/index.ts";
import type { Conn, RoomContext, RoomFeature } from "../../feature.ts";
import { numberVar } from "../../env.ts";
import type { Identity } from "../../identity.ts";
import type { CallPusher, PushRing } from "../push/index.ts";
import { callEntry } from "./entry.ts";
import { CallStore, publicState, type CallRecord } from "./store.ts";

const RING = "ring";
const CONNECT = "connect";
const LIMIT = "limit";

type CallStart = Extract<ClientMessage, { type: "call_start" }>;

/** The shortest of two caps, in ms (null = no cap). */
function capMs(a: number | null, b: number | null): number | null {
  const caps = [a, b].filter((x): x is number => x !== null);
  return caps.length === 0 ? null : Math.min(...caps) * 1000;
}

export interface Calls extends RoomFeature {
  /** The callee declined from a push notification (no socket); false when the call no longer rings. */
  decline(callId: string, user: string): boolean;
}

/** The ring timer's payload: whether the callee was reached by push (then a missed call is pushed too). */
type RingTimer = { push?: boolean } | null;

/**
 * `pusher` (null: push is off) rings a callee who has no open socket on their devices; the ring
 * window then stretches (CALL_PUSH_RING_TIMEOUT_SEC, 45 s) since a phone must wake and be unlocked.
 */
export function calls(ctx: RoomContext, pusher: CallPusher | null = null): Calls {
  const store = new CallStore(ctx.sql);
  const ringMs = () => numberVar(ctx.env.CALL_RING_TIMEOUT_SEC, 30) * 1000;
  const pushRingMs = () => numberVar(ctx.env.CALL_PUSH_RING_TIMEOUT_SEC, 45) * 1000;
  const connectMs = () => numberVar(ctx.env.CALL_CONNECT_TIMEOUT_SEC, 15) * 1000;

  const conn = (id: string | null): Conn | undefined => (id === null ? undefined : ctx.connection(id));
  /** The callee's sockets that can take a call (not dropped, calls allowed by their token). */
  const calleeSockets = (user: string): Conn[] => [...ctx.connections(user)].filter((c) => c.state && !c.state.dropped && c.state.callSeconds !== 0);

  /**
   * Tells the participants: the caller's socket, and the accepting socket or (while it rings) every
   * callee socket — unless the callee never rang (`busy`).
   */
  function announce(call: CallRecord) {
    const frame = { type: "call", call: publicState(call) } as const;
    const targets = new Set<Conn>();
    const caller = conn(call.callerConn);
    if (caller) targets.add(caller);
    if (call.calleeConn !== null) {
      const callee = conn(call.calleeConn);
      if (callee) targets.add(callee);
    } else if (call.reason !== "busy") {
      for (const c of calleeSockets(call.callee.user)) targets.add(c);
    }
    const json = JSON.stringify(frame);
    for (const c of targets) ctx.send(c, json);
  }

  function end(call: CallRecord, reason: CallEndReason, now = Date.now()) {
    if (call.phase === "ended") return;
    const rungByPush = byPush(call);
    call.phase = "ended";
    call.reason = reason;
    call.endedAt = now;
    store.save(call);
    for (const t of [RING, CONNECT, LIMIT]) ctx.timers.clear(`${t}:${call.callId}`);
    // While it rang, every callee tab rang: announce() reaches each, so each stops.
    announce(call);
    ctx.appendEntry(callEntry(call));
    // The callee's devices still show the ring (requireInteraction): turn it into "Missed call".
    if (rungByPush && (reason === "missed" || reason === "cancelled")) pusher?.missed(pushRing(call, now));
    // Declined on one device (or from the notification): the ring stops on the others too.
    if (rungByPush && reason === "declined") pusher?.settled(pushRing(call, now), "declined");
  }

  /** Whether this ringing call was rung on the callee's devices by push (its ring timer says so). */
  const byPush = (call: CallRecord) => (ctx.timers.get(`${RING}:${call.callId}`)?.payload as RingTimer)?.push === true;

  const pushRing = (call: CallRecord, endsAt: number): PushRing => ({
    callId: call.callId,
    callee: call.callee.user,
    caller: call.caller.name,
    video: call.kind === "video",
    endsAt,
  });

  /** Creates the call and rings: the callee's sockets, or (`byPush`) their devices. */
  function start(c: Conn, identity: Identity, frame: CallStart, byPush: boolean): CallRecord | null {
    const now = Date.now();
    const callee = ctx.members.get(frame.to);
    if (!callee) {
      ctx.error(c, "callee_unavailable", "That person is not in this conversation.");
      return null;
    }
    const call: CallRecord = {
      callId: frame.callId,
      kind: frame.kind,
      caller: { user: identity.user, name: identity.name },
      callee: { user: callee.user, name: callee.name },
      callerConn: c.id,
      calleeConn: null,
      phase: "ringing",
      reason: null,
      relay: frame.relay === true || identity.relay,
      // The caller's cap now; the callee's is applied when they answer.
      limitMs: capMs(identity.callSeconds, null),
      createdAt: now,
      acceptedAt: null,
      connectedAt: null,
      endedAt: null,
    };
    store.insert(call);
    if (store.activeFor(frame.to).length > 1) {
      end(call, "busy", now);
      return null;
    }
    const ringUntil = now + (byPush ? pushRingMs() : ringMs());
    ctx.timers.set(`${RING}:${call.callId}`, ringUntil, byPush ? ({ push: true } satisfies RingTimer) : null);
    announce(call);
    ctx.emit.ringing(publicState(call), ringUntil);
    return call;
  }

  /**
   * The callee has no socket here: ring their devices if push reaches them, else tell the caller
   * they are not online (as before push). Re-checks after asking their user object: meanwhile the
   * callee may have connected or the caller started another call.
   */
  async function ringByPush(c: Conn, identity: Identity, frame: CallStart, push: CallPusher) {
    const devices = await push.devices(frame.to);
    if (store.get(frame.callId) || store.activeFor(identity.user).length > 0 || c.readyState !== WebSocket.READY_STATE_OPEN) return;
    if (calleeSockets(frame.to).length > 0) return void start(c, identity, frame, false);
    if (devices.length === 0) return ctx.error(c, "callee_unavailable", "That person is not online.");
    const call = start(c, identity, frame, true);
    if (call) await push.ring(pushRing(call, call.createdAt + pushRingMs()), devices);
  }

  /** The call a participant's frame is about, or null after telling them why not. */
  function participantCall(c: Conn, identity: Identity, callId: string): CallRecord | null {
    const call = store.get(callId);
    if (!call || call.phase === "ended") {
      ctx.error(c, "call_not_found", "No such call, or it has ended.");
      return null;
    }
    if (identity.user !== call.caller.user && identity.user !== call.callee.user) {
      ctx.error(c, "not_participant", "You are not in this call.");
      return null;
    }
    return call;
  }

  const send = (c: Conn, call: CallState) => ctx.send(c, { type: "call", call });

  return {
    name: "calls",

    decline(callId, user) {
      const call = store.get(callId);
      if (!call || call.phase !== "ringing" || call.callee.user !== user) return false;
      end(call, "declined");
      return true;
    },

    /** A callee who reloads while it rings is rung again. */
    join(c, identity) {
      for (const call of store.activeFor(identity.user)) {
        if (call.phase === "ringing" && call.callee.user === identity.user && identity.callSeconds !== 0) send(c, publicState(call));
      }
    },

    /** A closed socket ends its calls at once for the other side (no ghost calls). */
    leave(c) {
      for (const call of store.activeOnConn(c.id)) {
        end(call, call.phase === "ringing" ? "cancelled" : "hangup");
      }
    },

    frames: {
      call_start(c, identity, frame) {
        const existing = store.get(frame.callId);
        if (existing) {
          // A resend of the same start (idempotent), or someone else's id.
          if (existing.caller.user === identity.user) send(c, publicState(existing));
          else ctx.error(c, "not_participant", "That call id is taken.");
          return;
        }
        if (identity.callSeconds === 0) return ctx.error(c, "call_not_allowed", "Calls are not enabled for you here.");
        if (frame.to === identity.user) return ctx.error(c, "invalid_message", "You cannot call yourself.");
        if (!ctx.members.get(frame.to)) return ctx.error(c, "callee_unavailable", "That person is not in this conversation.");
        if (store.activeFor(identity.user).length > 0) return ctx.error(c, "call_not_allowed", "You are already in a call.");
        if (calleeSockets(frame.to).length === 0) {
          const online = [...ctx.connections(frame.to)].some((s) => s.state && !s.state.dropped);
          if (online) return ctx.error(c, "call_not_allowed", "That person cannot take calls here.");
          if (!pusher) return ctx.error(c, "callee_unavailable", "That person is not online.");
          ringByPush(c, identity, frame, pusher).catch((err) => {
            console.error(`call ${frame.callId}: ringing by push failed`, err);
            if (!store.get(frame.callId)) ctx.error(c, "callee_unavailable", "That person is not online.");
          });
          return;
        }
        start(c, identity, frame, false);
      },

      call_accept(c, identity, frame) {
        const call = participantCall(c, identity, frame.callId);
        if (!call) return;
        if (identity.user !== call.callee.user) return ctx.error(c, "not_participant", "Only the callee can answer.");
        if (call.phase !== "ringing") return ctx.error(c, "already_answered", "This call was already answered.");
        if (identity.callSeconds === 0) return ctx.error(c, "call_not_allowed", "Calls are not enabled for you here.");
        const others = calleeSockets(call.callee.user).filter((s) => s.id !== c.id);
        const now = Date.now();
        call.phase = "connecting";
        call.calleeConn = c.id;
        call.acceptedAt = now;
        if (frame.kind === "audio") call.kind = "audio";
        call.relay ||= frame.relay === true || identity.relay;
        call.limitMs = capMs(call.limitMs === null ? null : call.limitMs / 1000, identity.callSeconds);
        store.save(call);
        // Answered here: the ring notifications on the callee's devices must stop ringing.
        if (byPush(call)) pusher?.settled(pushRing(call, now), "answered");
        ctx.timers.clear(`${RING}:${call.callId}`);
        ctx.timers.set(`${CONNECT}:${call.callId}`, now + connectMs());
        announce(call);
        // The other tabs stop ringing: the call was answered elsewhere.
        const elsewhere: CallState = { ...publicState(call), phase: "ended", reason: "answered_elsewhere" };
        for (const s of others) send(s, elsewhere);
      },

      call_decline(c, identity, frame) {
        const call = participantCall(c, identity, frame.callId);
        if (!call) return;
        if (identity.user !== call.callee.user || call.phase !== "ringing") return ctx.error(c, "not_participant", "Only a ringing callee can decline.");
        end(call, "declined");
      },

      call_hangup(c, identity, frame) {
        const call = participantCall(c, identity, frame.callId);
        if (!call) return;
        if (call.phase === "ringing") end(call, identity.user === call.caller.user ? "cancelled" : "declined");
        else end(call, "hangup");
      },

      call_connected(c, identity, frame) {
        const call = participantCall(c, identity, frame.callId);
        if (!call || call.phase !== "connecting") return;
        const now = Date.now();
        call.phase = "connected";
        call.connectedAt = now;
        store.save(call);
        ctx.timers.clear(`${CONNECT}:${call.callId}`);
        if (call.limitMs !== null) ctx.timers.set(`${LIMIT}:${call.callId}`, now + call.limitMs);
        announce(call);
      },

      call_failed(c, identity, frame) {
        const call = participantCall(c, identity, frame.callId);
        if (call) end(call, "failed");
      },

      call_signal(c, identity, frame) {
        const call = participantCall(c, identity, frame.callId);
        if (!call) return;
        // Only the two sockets in the call exchange signals; a third tab of the same user may not.
        const from = c.id === call.callerConn ? "caller" : c.id === call.calleeConn ? "callee" : null;
        if (from === null || call.phase === "ringing") return ctx.error(c, "not_participant", "This socket is not in the call.");
        const to = conn(from === "caller" ? call.calleeConn : call.callerConn);
        if (to) ctx.send(to, { type: "call_signal", callId: call.callId, n: frame.n, signal: frame.signal });
      },
    },

    timer(key) {
      const [kind, callId] = [key.slice(0, key.indexOf(":")), key.slice(key.indexOf(":") + 1)];
      const call = store.get(callId);
      if (!call || call.phase === "ended") return;
      if (kind === RING && call.phase === "ringing") end(call, "missed");
      else if (kind === CONNECT && call.phase === "connecting") end(call, "failed");
      else if (kind === LIMIT && call.phase === "connected") end(call, "limit");
    },
  };
}
