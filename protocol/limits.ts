/** Limits shared by the widget (to refuse early, with a clear message) and the room (to enforce). */

/** Longest message text, in Unicode code points. Long enough for a detailed question, short enough to render. */
export const MAX_TEXT_LENGTH = 4000;
/** Longest display name, in code points. */
export const MAX_NAME_LENGTH = 64;
/** Largest client frame in bytes: MAX_TEXT_LENGTH of 4-byte characters plus the envelope fits. */
export const MAX_FRAME_BYTES = 20_000;
/** The default page for scroll-up (a `history` request without `limit`) and for the transcript API. */
export const HISTORY_PAGE_SIZE = 50;
/**
 * Messages in the page sent on join (no `since`): about one panel's worth. A crowd joining pays for
 * every byte of it (issue 14: ~10 KB per join with 50 messages); a widget whose panel is taller asks
 * for the next page itself (it loads older pages until the list fills), and every client already
 * pages on `hasMore`, so a smaller first page needs no new protocol version.
 */
export const JOIN_PAGE_SIZE = 12;
/** Upper bound for any one history or transcript page. */
export const MAX_HISTORY_LIMIT = 200;
/** Messages per `sync` frame when a client resumes after a disconnect. */
export const SYNC_PAGE_SIZE = 200;
/** A resume gap larger than this is not replayed: the client gets the latest page instead (`reset`). */
export const MAX_RESUME_GAP = 2000;

/** Room ids are URL path segments and Durable Object names. */
export const ROOM_ID_PATTERN = /^[A-Za-z0-9_-]{1,128}$/;
/** Client-generated message ids (the widget uses crypto.randomUUID()). */
export const MESSAGE_ID_PATTERN = /^[A-Za-z0-9_-]{8,64}$/;
/** Host user ids: opaque, printable, no spaces. */
export const USER_ID_PATTERN = /^[A-Za-z0-9_.:@-]{1,128}$/;

/** WebSocket close codes the room uses, so the widget can tell a policy close from a network drop. */
export const CLOSE_CODES = {
  unsupportedVersion: 4400,
  expired: 4401,
  forbidden: 4403,
  flood: 4429,
} as const;

/** Length in code points, without allocating for the common short case. */
export function codePointLength(text: string): number {
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    // A high surrogate followed by a low one is a single code point.
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length) {
      const d = text.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) i++;
    }
    n++;
  }
  return n;
}

/**
 * A lone UTF-16 surrogate: half of a character. JSON can carry one (`"\ud800"`), but SQLite stores it
 * as U+FFFD bytes, so what was shown live would differ from history. Text must be well-formed before
 * it is counted or stored.
 */
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
const LONE_SURROGATES = new RegExp(LONE_SURROGATE.source, "g");

/** True when the text has no lone surrogate (String.prototype.isWellFormed, without needing ES2024). */
export function isWellFormed(text: string): boolean {
  return !LONE_SURROGATE.test(text);
}

/** Replaces each lone surrogate with U+FFFD, as the browser does when it encodes such text. */
export function toWellFormed(text: string): string {
  return isWellFormed(text) ? text : text.replace(LONE_SURROGATES, "\ufffd");
}

/** UTF-8 byte length, computed without TextEncoder so protocol/ needs no platform library. */
export function utf8Length(text: string): number {
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) bytes += 1;
    else if (c < 0x800) bytes += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length) {
      bytes += 4;
      i++;
    } else bytes += 3;
  }
  return bytes;
}

/**
 * Heartbeat: the widget sends the bare text HEARTBEAT_PING every HEARTBEAT_INTERVAL_MS; the room
 * answers HEARTBEAT_PONG without waking (a Durable Object auto-response). A socket silent for
 * HEARTBEAT_TIMEOUT_MS is presumed lost (a network drop sends no close), so presence sees the leave.
 */
export const HEARTBEAT_PING = "ping";
export const HEARTBEAT_PONG = "pong";
export const HEARTBEAT_INTERVAL_MS = 10_000;
export const HEARTBEAT_TIMEOUT_MS = 25_000;
