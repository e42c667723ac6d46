/**
 * Notification payloads in the declarative web push format (`web_push: 8030`): Safari 18.4+ shows
 * them with no service worker, and our service worker reads the same JSON elsewhere. A push message
 * holds at most MAX_PAYLOAD_BYTES, so the preview is cut (never the URL, tag or data) until it fits.
 */
import { MAX_PAYLOAD_BYTES } from "../../notify/webpush.ts";
import { pushStrings, type PushLang } from "./strings.ts";

/** `answered` / `declined`: a ring rung by push was taken care of; it replaces the ring quietly. */
export type PushKind = "message" | "ring" | "missed" | "answered" | "declined";

export interface PushAction {
  action: "answer" | "decline";
  title: string;
  navigate: string;
}

export interface DeclarativePush {
  web_push: 8030;
  notification: {
    title: string;
    body: string;
    navigate: string;
    tag: string;
    lang?: string;
    requireInteraction?: boolean;
    /** No sound or vibration: set on pushes that only replace a ring. */
    silent?: boolean;
    actions?: PushAction[];
    data: { room: string; kind: PushKind; call?: string; declineToken?: string };
  };
  mutable: true;
}

/** Titles are short by nature; a host's very long room title must not eat the preview's room. */
const MAX_TITLE = 120;

/** Cuts to `max` code points with an ellipsis (never half a surrogate pair). */
export function clip(text: string, max: number): string {
  const points = Array.from(text);
  return points.length <= max ? text : `${points.slice(0, Math.max(0, max - 1)).join("")}…`;
}

const bytes = (p: DeclarativePush) => new TextEncoder().encode(JSON.stringify(p)).length;

/**
 * Serializes the push, shortening the body until it fits one push message.
 * @example
 *   const json = fitPayload(messagePush({ ... }));
 */
export function fitPayload(push: DeclarativePush, limit = MAX_PAYLOAD_BYTES): string {
  const n = push.notification;
  n.title = clip(n.title, MAX_TITLE);
  if (bytes(push) <= limit) return JSON.stringify(push);
  const full = n.body;
  // Binary search on the preview's length in code points (JSON escaping makes bytes per character vary).
  let lo = 0;
  let hi = Array.from(full).length;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    n.body = clip(full, mid);
    if (bytes(push) <= limit) lo = mid;
    else hi = mid - 1;
  }
  n.body = lo === 0 ? "" : clip(full, lo);
  const json = JSON.stringify(push);
  if (new TextEncoder().encode(json).length > limit) throw new Error("push payload does not fit even with an empty preview");
  return json;
}

export interface MessagePushInput {
  room: string;
  lang?: PushLang;
  roomTitle: string | null;
  sender: string;
  text: string;
  navigate: string;
  tag: string;
}

/** A new message: the room's title (or the sender) as title, the sender and a plain-text preview as body. */
export function messagePush(i: MessagePushInput): DeclarativePush {
  const title = i.roomTitle ?? i.sender;
  const body = i.roomTitle === null ? i.text : `${i.sender}: ${i.text}`;
  return {
    web_push: 8030,
    notification: { title, body, navigate: i.navigate, tag: i.tag, ...langOf(i), data: { room: i.room, kind: "message" } },
    mutable: true,
  };
}

/** The notification's `lang`, when the device told us its language. */
const langOf = (i: { lang?: PushLang }) => (i.lang ? { lang: i.lang } : {});

export interface CallPushInput {
  room: string;
  lang?: PushLang;
  callId: string;
  caller: string;
  video: boolean;
  navigate: string;
  tag: string;
}

/**
 * An incoming call: stays until acted on, with Answer / Decline where the browser shows actions.
 * Answer opens the page (the widget joins the ringing call); Decline is handled by our service
 * worker with `declineToken` — a browser without one (declarative Safari) opens the page instead.
 */
export function ringPush(i: CallPushInput & { declineToken: string }): DeclarativePush {
  const t = pushStrings(i.lang);
  return {
    web_push: 8030,
    notification: {
      title: i.caller,
      body: i.video ? t.incoming.video : t.incoming.audio,
      navigate: i.navigate,
      tag: i.tag,
      ...langOf(i),
      requireInteraction: true,
      actions: [
        { action: "answer", title: t.answer, navigate: i.navigate },
        { action: "decline", title: t.decline, navigate: i.navigate },
      ],
      data: { room: i.room, kind: "ring", call: i.callId, declineToken: i.declineToken },
    },
    mutable: true,
  };
}

/** The ring turned into a missed call: same tag, so it replaces the ringing notification. */
export function missedPush(i: CallPushInput): DeclarativePush {
  const t = pushStrings(i.lang);
  return {
    web_push: 8030,
    notification: {
      title: i.caller,
      body: i.video ? t.missed.video : t.missed.audio,
      navigate: i.navigate,
      tag: i.tag,
      ...langOf(i),
      data: { room: i.room, kind: "missed", call: i.callId },
    },
    mutable: true,
  };
}

/**
 * The callee answered (on some device) or declined: the same tag replaces the ring on every device
 * that showed it, quietly (no sound, no requireInteraction, no actions). The words say what happened,
 * true on the device that answered as on the others.
 */
export function settledPush(i: CallPushInput & { how: "answered" | "declined" }): DeclarativePush {
  const t = pushStrings(i.lang);
  return {
    web_push: 8030,
    notification: {
      title: i.caller,
      body: i.how === "answered" ? t.answered : t.declined,
      navigate: i.navigate,
      tag: i.tag,
      ...langOf(i),
      silent: true,
      data: { room: i.room, kind: i.how, call: i.callId },
    },
    mutable: true,
  };
}
