/**
 * The declarative web push payload (the format Safari 18.4+ shows without a service worker, and the
 * one our worker reads everywhere else), parsed from `unknown`: a push is data from the network.
 *
 * @example
 * { "web_push": 8030, "mutable": true,
 *   "notification": { "title": "Bob", "body": "Is it still for sale?", "navigate": "https://shop.example/item/7",
 *     "tag": "inapp-talk:room-7", "data": { "room": "room-7", "kind": "message" } } }
 *
 * Imports nothing, so it runs in the worker, in the page and in node tests alike.
 */

/** The magic number of declarative web push (WebKit's explainer). */
export const DECLARATIVE_PUSH = 8030;

/** `answered` / `declined`: the ring was taken care of (on some device); it quietly replaces the ring. */
export type PushKind = "message" | "ring" | "missed" | "answered" | "declined";
const KINDS: readonly string[] = ["message", "ring", "missed", "answered", "declined"] satisfies PushKind[];
export type PushAction = "answer" | "decline";

export interface PushData {
  room: string;
  kind: PushKind;
  /** The call a ring or missed-call push is about. */
  call?: string;
  /** Short-lived signed token that lets the worker decline the call without a room token. */
  declineToken?: string;
}

export interface PushNotice {
  title: string;
  body: string;
  /** The page to open on a click (http or https only). */
  navigate: string;
  /** Notifications with the same tag replace each other: a ring becomes "Missed call". */
  tag: string;
  lang?: string;
  requireInteraction: boolean;
  /** No sound or vibration (a push that only replaces a ring). */
  silent: boolean;
  actions: Array<{ action: PushAction; title: string }>;
  data: PushData;
}

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);
const str = (v: unknown, max: number): string | null => (typeof v === "string" && v.length <= max ? v : null);

/** What a notification can carry at most; longer fields mean the payload is not ours. */
const MAX_FIELD = 4096;

/** http(s) URLs only: a push must never make the worker open `javascript:` or `data:`. */
export function webUrl(v: unknown): string | null {
  const s = str(v, MAX_FIELD);
  if (!s) return null;
  try {
    const url = new URL(s);
    return url.protocol === "https:" || url.protocol === "http:" ? url.href : null;
  } catch {
    return null;
  }
}

/** The `data` object of our notifications (also what a shown notification keeps, for the click). */
export function parsePushData(v: unknown): PushData | null {
  if (!isObj(v)) return null;
  const room = str(v.room, 128);
  const kind = v.kind;
  if (!room || typeof kind !== "string" || !KINDS.includes(kind)) return null;
  const data: PushData = { room, kind: kind as PushKind };
  const call = str(v.call, 128);
  if (call) data.call = call;
  const declineToken = str(v.declineToken, 2048);
  if (declineToken) data.declineToken = declineToken;
  return data;
}

/** The payload as a notice, or null when it is not an inapp-talk push (a host's worker may get others). */
export function parsePushPayload(raw: unknown): PushNotice | null {
  if (!isObj(raw) || raw.web_push !== DECLARATIVE_PUSH || !isObj(raw.notification)) return null;
  const n = raw.notification;
  const title = str(n.title, MAX_FIELD);
  const navigate = webUrl(n.navigate);
  const tag = str(n.tag, 256);
  const data = parsePushData(n.data);
  if (title === null || !navigate || !tag || !data) return null;
  const actions = Array.isArray(n.actions)
    ? n.actions.flatMap((a) => {
        if (!isObj(a) || (a.action !== "answer" && a.action !== "decline")) return [];
        const t = str(a.title, 64);
        return t ? [{ action: a.action as PushAction, title: t }] : [];
      })
    : [];
  const lang = str(n.lang, 35);
  return {
    title,
    body: str(n.body, MAX_FIELD) ?? "",
    navigate,
    tag,
    ...(lang ? { lang } : {}),
    requireInteraction: n.requireInteraction === true,
    silent: n.silent === true,
    actions,
    data,
  };
}

/** The fragment that tells the widget on the opened page to answer this call. */
export const ANSWER_HASH = "inapp-talk-answer=";

/** `navigate` with the answer hint: `https://shop.example/item/7#inapp-talk-answer=<call>`. */
export function answerUrl(navigate: string, call: string): string {
  const url = new URL(navigate);
  url.hash = ANSWER_HASH + encodeURIComponent(call);
  return url.href;
}

/** The same page, whatever its fragment: a tab showing it is focused instead of opening another. */
export function samePage(a: string, b: string): boolean {
  try {
    const x = new URL(a);
    const y = new URL(b);
    x.hash = y.hash = "";
    return x.href === y.href;
  } catch {
    return false;
  }
}

/**
 * The chat server's origin, for the decline request: the `server` query parameter of the worker's
 * own URL (the widget registers `sw-url?server=<origin>`), else what a host's worker set before
 * `importScripts` (`self.inappTalkServer`). Null when neither is a valid http(s) origin.
 */
export function serverOrigin(workerUrl: string, fallback: unknown): string | null {
  let param: string | null = null;
  try {
    param = new URL(workerUrl).searchParams.get("server");
  } catch {
    // not a URL: try the fallback
  }
  for (const candidate of [param, fallback]) {
    const url = webUrl(candidate);
    if (url) return new URL(url).origin;
  }
  return null;
}
