/**
 * Calls: the room is the referee. It keeps each call's state, rings the callee's tabs, relays
 * signaling only between the two participants (strictly in order), makes the caller the offerer
 * (no glare), and ends calls on timeouts, caps and closed sockets. Media flows peer to peer.
 */
import { MESSAGE_ID_PATTERN } from "./limits.ts";
import { fail, isRecord, isSeq, isStr, malformed, ok, type FrameParser, type Parsed } from "./result.ts";

export type CallKind = "audio" | "video";

/** Why a call ended. */
export const CALL_END_REASONS = ["hangup", "declined", "missed", "cancelled", "busy", "failed", "limit", "answered_elsewhere"] as const;
export type CallEndReason = (typeof CALL_END_REASONS)[number];

/** The room's phases of a call; the widget shows `ringing` as `outgoing` or `incoming` by its side. */
export type CallPhase = "ringing" | "connecting" | "connected" | "ended";

export interface CallParty {
  user: string;
  name: string;
}

/** A call as both participants see it. */
export interface CallState {
  callId: string;
  kind: CallKind;
  caller: CallParty;
  callee: CallParty;
  phase: CallPhase;
  reason?: CallEndReason;
  /** Both peers must use TURN only (either side asked for it, or a token requires it). */
  relay: boolean;
  /** The caller makes the offer, always: no glare. */
  offerer: string;
  /** When the call was answered / media connected / ended, Unix ms. */
  acceptedAt?: number;
  connectedAt?: number;
  endedAt?: number;
  /** When the room will end the call for its cap (`limit`), Unix ms. */
  limitAt?: number;
  /** How long media flowed, for an ended call. */
  durationMs?: number;
}

// ---- client → server ------------------------------------------------------------------------

/** Ring `to`. `callId` is the client's (an idempotency key like a message id). */
export interface CallStartFrame {
  type: "call_start";
  callId: string;
  to: string;
  kind: CallKind;
  relay?: boolean;
}

/** Answer a ringing call; `kind: "audio"` answers a video call with audio only. */
export interface CallAcceptFrame {
  type: "call_accept";
  callId: string;
  kind?: CallKind;
  relay?: boolean;
}

export interface CallDeclineFrame {
  type: "call_decline";
  callId: string;
}

/** Hang up (or, while it rings, cancel) a call. */
export interface CallHangupFrame {
  type: "call_hangup";
  callId: string;
}

/** Media flows (ICE connected): ends the connect timeout and starts the call's clock. */
export interface CallConnectedFrame {
  type: "call_connected";
  callId: string;
}

/** The peer connection failed for good on this side. */
export interface CallFailedFrame {
  type: "call_failed";
  callId: string;
  message?: string;
}

/**
 * An opaque WebRTC signal (offer, answer, candidate) for the other participant. `n` numbers the
 * sender's signals in this call (0, 1, 2…): the room relays them in the order they arrive, but the
 * runtime may let an ungated send overtake one held by its output gate (seen in workerd), so the
 * receiver applies them by `n`, strictly in order.
 */
export interface CallSignalFrame {
  type: "call_signal";
  callId: string;
  n: number;
  signal: Record<string, unknown>;
}

export type CallsClientFrame = CallStartFrame | CallAcceptFrame | CallDeclineFrame | CallHangupFrame | CallConnectedFrame | CallFailedFrame | CallSignalFrame;

// ---- server → client ------------------------------------------------------------------------

/** A call's state changed (sent to the participants' relevant sockets only). */
export interface CallFrame {
  type: "call";
  call: CallState;
}

/** A signal from the other participant; apply them in order of `n`. */
export interface CallSignalRelayFrame {
  type: "call_signal";
  callId: string;
  n: number;
  signal: Record<string, unknown>;
}

export type CallsServerFrame = CallFrame | CallSignalRelayFrame;

// ---- parsers --------------------------------------------------------------------------------

const isKind = (v: unknown): v is CallKind => v === "audio" || v === "video";
const isReason = (v: unknown): v is CallEndReason => (CALL_END_REASONS as readonly unknown[]).includes(v);
const isPhase = (v: unknown): v is CallPhase => v === "ringing" || v === "connecting" || v === "connected" || v === "ended";

function callId(data: Record<string, unknown>): Parsed<string> {
  return typeof data.callId === "string" && MESSAGE_ID_PATTERN.test(data.callId)
    ? ok(data.callId)
    : fail("invalid_message", "callId must be 8–64 characters of A–Z, a–z, 0–9, _ or -.");
}

/** A frame that carries only a call id. */
const idOnly =
  <T extends "call_decline" | "call_hangup" | "call_connected">(type: T): FrameParser<CallsClientFrame> =>
  (data) => {
    const id = callId(data);
    return id.ok ? ok({ type, callId: id.value } as CallsClientFrame) : id;
  };

export const callsClientParsers: { [K in CallsClientFrame["type"]]: FrameParser<CallsClientFrame> } = {
  call_start: (data) => {
    const id = callId(data);
    if (!id.ok) return id;
    if (!isStr(data.to) || data.to.length === 0 || data.to.length > 128) return fail("invalid_message", "call_start.to must be a user id.");
    if (!isKind(data.kind)) return fail("invalid_message", 'call_start.kind must be "audio" or "video".');
    return ok({ type: "call_start", callId: id.value, to: data.to, kind: data.kind, relay: data.relay === true });
  },
  call_accept: (data) => {
    const id = callId(data);
    if (!id.ok) return id;
    if (data.kind !== undefined && !isKind(data.kind)) return fail("invalid_message", 'call_accept.kind must be "audio" or "video".');
    const frame: CallAcceptFrame = { type: "call_accept", callId: id.value, relay: data.relay === true };
    if (data.kind !== undefined) frame.kind = data.kind;
    return ok(frame);
  },
  call_decline: idOnly("call_decline"),
  call_hangup: idOnly("call_hangup"),
  call_connected: idOnly("call_connected"),
  call_failed: (data) => {
    const id = callId(data);
    if (!id.ok) return id;
    const frame: CallFailedFrame = { type: "call_failed", callId: id.value };
    if (isStr(data.message)) frame.message = data.message.slice(0, 200);
    return ok(frame);
  },
  call_signal: (data) => {
    const id = callId(data);
    if (!id.ok) return id;
    if (!isSeq(data.n)) return fail("invalid_message", "call_signal.n must be a non-negative integer.");
    if (!isRecord(data.signal)) return fail("invalid_message", "call_signal.signal must be an object.");
    return ok({ type: "call_signal", callId: id.value, n: data.n, signal: data.signal });
  },
};

function party(v: unknown): CallParty | null {
  return isRecord(v) && isStr(v.user) && isStr(v.name) ? { user: v.user, name: v.name } : null;
}

export function parseCallState(v: unknown): CallState | null {
  if (!isRecord(v)) return null;
  const caller = party(v.caller);
  const callee = party(v.callee);
  if (!isStr(v.callId) || !isKind(v.kind) || !caller || !callee || !isPhase(v.phase) || typeof v.relay !== "boolean" || !isStr(v.offerer)) return null;
  const call: CallState = { callId: v.callId, kind: v.kind, caller, callee, phase: v.phase, relay: v.relay, offerer: v.offerer };
  if (v.reason !== undefined) {
    if (!isReason(v.reason)) return null;
    call.reason = v.reason;
  }
  for (const key of ["acceptedAt", "connectedAt", "endedAt", "limitAt", "durationMs"] as const) {
    if (v[key] === undefined) continue;
    if (!isSeq(v[key])) return null;
    call[key] = v[key];
  }
  return call;
}

export const callsServerParsers: { [K in CallsServerFrame["type"]]: FrameParser<CallsServerFrame> } = {
  call: (d) => {
    const call = parseCallState(d.call);
    return call ? ok({ type: "call", call }) : malformed("call");
  },
  call_signal: (d) =>
    isStr(d.callId) && isSeq(d.n) && isRecord(d.signal) ? ok({ type: "call_signal", callId: d.callId, n: d.n, signal: d.signal }) : malformed("call_signal"),
};
