/**
 * The fallback's pure parts: which stored entries start (or extend) a member's pending fallback, and
 * the notice a due one becomes. Kept apart from the feature so the rules are read (and tested) alone.
 */
import type { ChatMessage } from "../../../protocol/index.ts";
import type { FallbackNotice } from "../../feature.ts";

/** Seconds a member has to read (or be reached by push) before the fallback goes. */
export const DEFAULT_FALLBACK_AFTER_SEC = 300;
/** Code points of the entry's text a notice carries (an SMS or KakaoTalk line, like the inbox's preview). */
export const FALLBACK_PREVIEW_LENGTH = 140;

/** A call ended this way without the callee taking it: for them it is a missed call (push says "Missed call" for the first two). */
const MISSED = new Set(["missed", "cancelled", "busy"]);

/** A member's pending fallback: the timer `f:<user>`'s payload, written when its window opens. */
export interface Pending {
  /** The first entry of the window (still unread when it ends → the fallback goes). */
  firstSeq: number;
  /** The newest entry it covers (when written: the window's opening entries; the notice reads newer ones back), its author and text. */
  seq: number;
  kind: string;
  sender: { user: string; name: string };
  text: string;
}

/**
 * Whether `entry` is something `member` should hear about: a message by someone else, or a call
 * this member missed. Other call records (answered, declined, their own calls) are not.
 */
export function concerns(entry: ChatMessage, member: string): boolean {
  if (entry.user === member) return false;
  if (entry.kind !== "call") return true;
  const d = entry.data;
  const callee = d && typeof d.callee === "object" && d.callee !== null ? (d.callee as { user?: unknown }).user : undefined;
  return callee === member && typeof d?.outcome === "string" && MISSED.has(d.outcome);
}

/** A new window's payload from the entries that opened it: its first seq, and its newest entry. */
export function opening(entries: readonly ChatMessage[]): Pending {
  return extend({ firstSeq: entries[0]!.seq } as Pending, entries.at(-1)!);
}

/** `pending`'s window with `entry` as its newest entry. */
export function extend(pending: Pending, entry: ChatMessage): Pending {
  return { firstSeq: pending.firstSeq, seq: entry.seq, kind: entry.kind, sender: { user: entry.user, name: entry.name }, text: entry.text };
}

/** One line of plain text, at most FALLBACK_PREVIEW_LENGTH code points (never half a character). */
export function preview(text: string): string {
  const line = text.replace(/\s+/g, " ").trim();
  const chars = Array.from(line);
  return chars.length <= FALLBACK_PREVIEW_LENGTH ? line : `${chars.slice(0, FALLBACK_PREVIEW_LENGTH - 1).join("")}…`;
}

export interface NoticeInput {
  user: string;
  pending: Pending;
  roomTitle: string | null;
  roomUrl: string | null;
  /** The member's devices: how many, and the newest one's page. */
  devices: number;
  deviceUrl: string | null;
  /** Whether this deployment pushes at all (VAPID keys set, PUSH_ENABLED not "false"). */
  pushOn: boolean;
  unread: number;
}

export function notice(i: NoticeInput): FallbackNotice {
  const reached = i.pushOn && i.devices > 0;
  return {
    user: i.user,
    title: i.roomTitle ?? i.pending.sender.name,
    sender: i.pending.sender,
    preview: preview(i.pending.text),
    url: i.roomUrl ?? i.deviceUrl,
    reason: reached ? "unread" : "no_subscription",
    entries: i.unread,
    seq: i.pending.seq,
    kind: i.pending.kind,
  };
}
