/**
 * The pure part of the call UI: which phase this side is in, who the other person is, clock and
 * countdown text, and how a history entry of kind `call` reads. No DOM, so it is unit tested in node.
 */
import type { CallEndReason, CallKind, CallParty, CallState } from "../../protocol/index.ts";
import type { CallEventDetail, CallPhaseName } from "../events.ts";

/** The room's phase as this side sees it: `ringing` is `outgoing` for the caller, `incoming` for the callee. */
export function sidePhase(call: CallState, me: string): CallPhaseName {
  if (call.phase === "ringing") return call.caller.user === me ? "outgoing" : "incoming";
  return call.phase;
}

/** The `inapp-talk-call` detail for this side's phase; `reason` and `durationMs` only when it ended. */
export function eventDetail(call: CallState, phase: CallPhaseName, me: string): CallEventDetail {
  const detail: CallEventDetail = { phase, callId: call.callId, kind: call.kind, peer: peerOf(call, me) };
  if (phase === "ended") {
    detail.reason = call.reason;
    detail.durationMs = call.durationMs;
  }
  return detail;
}

/**
 * The room refused what this side asked for: which notice to show, and the reason the call ends
 * with (`failed` for a start the room refused: it never rang).
 */
export function refusal(code: string, pendingStart: boolean, active: boolean): { notice: `call.error.${string}`; reason: CallEndReason } | null {
  if ((code === "call_not_allowed" || code === "callee_unavailable") && pendingStart) return { notice: `call.error.${code}`, reason: "failed" };
  if ((code === "already_answered" || code === "call_not_found") && active) {
    return { notice: `call.error.${code}`, reason: code === "already_answered" ? "answered_elsewhere" : "failed" };
  }
  return null;
}

/** The other participant. */
export const peerOf = (call: CallState, me: string): CallParty => (call.caller.user === me ? call.callee : call.caller);

/** "0:07", "4:12", "1:02:03". */
export function formatClock(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const pad = (n: number) => String(n).padStart(2, "0");
  return h > 0 ? `${h}:${pad(m)}:${pad(s % 60)}` : `${m}:${pad(s % 60)}`;
}

/** The countdown is shown in the last minute of a capped call. */
export const COUNTDOWN_MS = 60_000;

/**
 * Milliseconds left before the room ends the call for its cap, when that is within the last minute;
 * null otherwise. Room times are the room's clock: the cap is measured from `connectedAt`, and
 * `localConnectedAt` is when this side heard of it, so a skewed clock does not shift the countdown.
 */
export function countdown(call: Pick<CallState, "limitAt" | "connectedAt">, localConnectedAt: number, now: number): number | null {
  if (call.limitAt === undefined || call.connectedAt === undefined) return null;
  const left = localConnectedAt + (call.limitAt - call.connectedAt) - now;
  return left <= COUNTDOWN_MS ? Math.max(0, left) : null;
}

/** How a `call` history entry reads: an i18n key and its duration, from the entry's `data`. */
export interface CallEntryView {
  key: "call.entry.voice" | "call.entry.video" | `call.entry.${"missed" | "declined" | "cancelled" | "failed"}.${CallKind}`;
  duration: string | null;
  kind: CallKind;
}

/** Null when `data` is not a call entry this widget understands (then its `text` is shown). */
export function callEntryView(data: unknown): CallEntryView | null {
  if (typeof data !== "object" || data === null) return null;
  const { kind, outcome, durationMs } = data as { kind?: unknown; outcome?: unknown; durationMs?: unknown };
  if (kind !== "audio" && kind !== "video") return null;
  const ms = typeof durationMs === "number" && durationMs > 0 ? durationMs : 0;
  if (ms > 0) return { key: kind === "video" ? "call.entry.video" : "call.entry.voice", duration: formatClock(ms), kind };
  const o = outcome as CallEndReason | undefined;
  const what = o === "missed" || o === "busy" ? "missed" : o === "declined" ? "declined" : o === "cancelled" ? "cancelled" : "failed";
  return { key: `call.entry.${what}.${kind}`, duration: null, kind };
}

/** A fresh call id (the room's message-id pattern: 8–64 of A–Z a–z 0–9 _ -). */
export function newCallId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(12));
  return `c${Array.from(bytes, (b) => (b % 36).toString(36)).join("")}`;
}
