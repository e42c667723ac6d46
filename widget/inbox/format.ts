/** How a conversation row reads: count, time, preview and the label a screen reader hears. Pure. */
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

/** Everything a row shows, in one sentence: a row is one control, so its label is what is heard. */
export function rowLabel(lang: Lang, c: Conversation, me: string, now = Date.now()): string {
  const parts = [c.title];
  if (c.peer?.online) parts.push(t(lang, "inbox.online"));
  if (c.unread > 0) parts.push(t(lang, "inbox.unread", { count: capUnread(c.unread) }));
  if (c.last) parts.push(preview(lang, c, me), rowTime(lang, c.last.ts, now));
  else parts.push(t(lang, "inbox.noMessages"));
  return parts.join(", ");
}
