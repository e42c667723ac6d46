/**
 * The widget's only source of UI text. `en` and `ko` are complete; dates and times go through
 * Intl for the active language so `lang` can switch everything live.
 */
import { en, type MessageKey, type Messages } from "./en.ts";
import { ko } from "./ko.ts";

export type Lang = "en" | "ko";
export type { MessageKey };

const catalogs: Record<Lang, Messages> = { en, ko };

/** `lang` attribute → supported language; falls back to the browser's preference, then English. */
export function resolveLang(attr: string | null | undefined, browser = globalThis.navigator?.language): Lang {
  for (const candidate of [attr, browser]) {
    const base = candidate?.toLowerCase().split("-")[0];
    if (base === "en" || base === "ko") return base;
  }
  return "en";
}

export function t(lang: Lang, key: MessageKey, vars?: Record<string, string | number>): string {
  const template = catalogs[lang][key];
  return vars ? template.replace(/\{(\w+)\}/g, (_, name: string) => String(vars[name] ?? "")) : template;
}

const formatters = new Map<string, Intl.DateTimeFormat>();
function formatter(lang: Lang, kind: "time" | "day" | "full"): Intl.DateTimeFormat {
  const key = lang + kind;
  let f = formatters.get(key);
  if (!f) {
    const options: Intl.DateTimeFormatOptions =
      kind === "time"
        ? { hour: "numeric", minute: "2-digit" }
        : kind === "day"
          ? { weekday: "short", month: "short", day: "numeric" }
          : { dateStyle: "full", timeStyle: "short" };
    f = new Intl.DateTimeFormat(lang, options);
    formatters.set(key, f);
  }
  return f;
}

/** "3:04 PM" / "오후 3:04". */
export const formatTime = (lang: Lang, ts: number): string => formatter(lang, "time").format(ts);
/** Full date and time, for a tooltip. */
export const formatFull = (lang: Lang, ts: number): string => formatter(lang, "full").format(ts);

/** Label for a day separator: Today / Yesterday / "Mon, Nov 3". */
export function formatDay(lang: Lang, ts: number, now = Date.now()): string {
  const day = startOfDay(ts);
  const today = startOfDay(now);
  if (day === today) return t(lang, "day.today");
  if (today - day === 86_400_000 || (today - day > 82_000_000 && today - day < 90_000_000)) return t(lang, "day.yesterday");
  return formatter(lang, "day").format(ts);
}

export function startOfDay(ts: number): number {
  const d = new Date(ts);
  d.setHours(0, 0, 0, 0);
  return d.getTime();
}

/** Lists names the way the language does: "Ann, Bo and Cy" / "Ann, Bo 및 Cy". */
export function formatList(lang: Lang, names: string[]): string {
  return new Intl.ListFormat(lang, { style: "long", type: "conjunction" }).format(names);
}
