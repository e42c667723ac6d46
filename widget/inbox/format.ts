/** How a conversation row reads: its count, time and preview. Pure. */
import type { Conversation } from "../../protocol/index.ts";
import { formatTime, startOfDay, t, type Lang } from "../i18n/index.ts";

/** "0"…"99", then "99+": a badge keeps its size. */
export const capUnread = (n: number): string => (n > 99 ? "99+" : String(n));

const dates = new Map<Lang, Intl.DateTimeFormat>();

/** Today: the time ("3:04 PM"); earlier: the date ("Nov 3"). */
export function rowTime(lang: Lang, ts: number, now = Date.now()): string {
  if (startOfDay(ts) === startOfDay(now)) return formatTime(lang, ts);
  let f = dates.get(lang);
  if (!f) {
    f = new Intl.DateTimeFormat(lang, { month: "short", day: "numeric" });
    dates.set(lang, f);
  }
  return f.format(ts);
}

/** "You: see you" / "Alice: hi" / "" (nothing written yet). */
export function preview(lang: Lang, c: Conversation, me: string): string {
  const last = c.last;
  if (!last) return "";
  return `${last.user === me ? t(lang, "inbox.you") : last.name}: ${last.text}`;
}
