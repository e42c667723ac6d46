import type { NewEntry } from "../../messages-store.ts";
import { durationMs, type CallRecord } from "./store.ts";

/** "4:12" / "1:02:03". */
export function formatDuration(ms: number): string {
  const s = Math.round(ms / 1000);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const pad = (n: number) => String(n).padStart(2, "0");
  return h > 0 ? `${h}:${pad(m)}:${pad(s % 60)}` : `${m}:${pad(s % 60)}`;
}

/**
 * The history entry of an ended call. Its `text` is the plain fallback (English) that transcripts,
 * webhooks, pushes and older widgets show; the widget renders `data` in the reader's language.
 */
export function callEntry(call: CallRecord): NewEntry {
  const kind = call.kind === "video" ? "video call" : "voice call";
  const Kind = call.kind === "video" ? "Video call" : "Voice call";
  const duration = durationMs(call);
  const text =
    call.connectedAt !== null
      ? `${Kind} · ${formatDuration(duration)}`
      : call.reason === "missed" || call.reason === "busy"
        ? `Missed ${kind}`
        : call.reason === "declined"
          ? `Declined ${kind}`
          : call.reason === "cancelled"
            ? `Cancelled ${kind}`
            : `Failed ${kind}`;
  return {
    user: call.caller.user,
    name: call.caller.name,
    id: `call:${call.callId}`,
    kind: "call",
    text,
    data: { callId: call.callId, kind: call.kind, caller: call.caller, callee: call.callee, outcome: call.reason, durationMs: duration },
  };
}
