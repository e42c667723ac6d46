/**
 * The widget's only source of UI text. Strings come in one catalog per feature and language
 * (`en/chat.ts`, `ko/launcher.ts`…): English ships with its feature and is always there; another
 * language is a chunk fetched the first time the widget shows it, so an English page never
 * downloads Korean. Dates and times go through Intl for the language shown, so `lang` switches
 * everything live.
 */
import { chat } from "./en/chat.ts";
import type { calls } from "./en/calls.ts";
import type { inbox } from "./en/inbox.ts";
import type { launcher } from "./en/launcher.ts";
import type { push } from "./en/push.ts";

export type Lang = "en" | "ko";

/** Every key `t()` accepts: each feature's English set (a new feature adds its type here). */
export type MessageKey = keyof typeof chat | keyof typeof launcher | keyof typeof calls | keyof typeof inbox | keyof typeof push;

/**
 * One feature's strings: English inline, every other language as a loader (an `import()` of its
 * file, so it becomes its own chunk).
 *
 * @example
 * const strings: Catalog<keyof typeof launcher> = { en: launcher, ko: () => import("../i18n/ko/launcher.ts") };
 */
export type Catalog<K extends string = string> = { en: Record<K, string> } & {
  [L in Exclude<Lang, "en">]: () => Promise<{ default: Record<K, string> }>;
};

/** What is loaded so far, per language. */
const strings: Record<Lang, Record<string, string>> = { en: {}, ko: {} };
const catalogs = new Set<Catalog>();
/** One load per loader: every element on the page shares it. */
const loads = new Map<() => Promise<unknown>, Promise<void>>();

/** Makes a feature's strings known: English at once, other languages on the next `loadLang`. */
export function addCatalog(catalog: Catalog): void {
  catalogs.add(catalog);
  Object.assign(strings.en, catalog.en);
}

addCatalog({ en: chat, ko: () => import("./ko/chat.ts") });

/**
 * Fetches `lang` for every catalog added so far; resolves once `t()` can use it. A chunk that fails
 * to load leaves English in its place (and is tried again on the next call) rather than a blank
 * widget.
 */
export function loadLang(lang: Lang): Promise<unknown> {
  if (lang === "en") return Promise.resolve();
  return Promise.all(
    [...catalogs].map((catalog) => {
      const loader = catalog[lang];
      let load = loads.get(loader);
      if (!load) {
        load = loader().then(
          (m) => void Object.assign(strings[lang], m.default),
          (err: unknown) => {
            loads.delete(loader);
            console.warn(`[inapp-talk] ${lang} strings not loaded:`, err);
          },
        );
        loads.set(loader, load);
      }
      return load;
    }),
  );
}

/** `lang` attribute → supported language; falls back to the browser's preference, then English. */
export function resolveLang(attr: string | null | undefined, browser = globalThis.navigator?.language): Lang {
  for (const candidate of [attr, browser]) {
    const base = candidate?.toLowerCase().split("-")[0];
    if (base === "en" || base === "ko") return base;
  }
  return "en";
}

export function t(lang: Lang, key: MessageKey, vars?: Record<string, string | number>): string {
  const template = strings[lang][key] ?? strings.en[key] ?? key;
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
