/**
 * Web push requests, built by us on Web Crypto (runs in workerd and node, no dependency):
 * `aes128gcm` payload encryption (RFC 8291 over RFC 8188, ./aes128gcm.ts), VAPID (RFC 8292,
 * ./vapid.ts) and the headers of RFC 8030. This module builds the request and reads the answer;
 * sending, retrying and pruning subscriptions belong to the caller (a room's durable timers).
 *
 * Why not a library: `@pushforge/builder` still encrypts with the obsolete `aesgcm` scheme and refuses
 * http endpoints; `@block65/webcrypto-web-push` is correct `aes128gcm` but refuses http (our local push
 * service for tests) and cannot pin the salt for the RFC 8291 test vector.
 */
import { encryptAes128gcm, MAX_PAYLOAD_BYTES, type SenderKeys } from "./aes128gcm.ts";
import { WebPushError } from "./bytes.ts";
import { type VapidKeys, vapidAuthorization } from "./vapid.ts";

export { MAX_PAYLOAD_BYTES, RECORD_SIZE, encryptAes128gcm, type SenderKeys } from "./aes128gcm.ts";
export { fromBase64Url, toBase64Url, WebPushError, type WebPushErrorCode } from "./bytes.ts";
export { classifyPushResponse, type PushOutcome, parseRetryAfter } from "./response.ts";
export { generateVapidKeys, VAPID_DEFAULT_SECONDS, VAPID_MAX_SECONDS, vapidAuthorization, type VapidKeys } from "./vapid.ts";

/** A browser's PushSubscription as `toJSON()` gives it (keys base64url). */
export interface PushSubscriptionJSON {
  endpoint: string;
  keys: { p256dh: string; auth: string };
}

export type Urgency = "very-low" | "low" | "normal" | "high";
const URGENCIES: readonly string[] = ["very-low", "low", "normal", "high"] satisfies Urgency[];

/** RFC 8030 §5.4: a Topic is at most 32 characters of the base64url alphabet. */
export const TOPIC_PATTERN = /^[A-Za-z0-9_-]{1,32}$/;

/** Hosts an `http:` endpoint may name when `allowHttp` is set: a push service on this machine, for tests and local development. */
export const LOCAL_HTTP_HOSTS: readonly string[] = ["127.0.0.1", "localhost"];

export interface PushRequestOptions {
  subscription: PushSubscriptionJSON;
  /** The message: bytes, or a string sent as UTF-8. At most {@link MAX_PAYLOAD_BYTES} bytes. */
  payload: Uint8Array | string;
  vapid: VapidKeys;
  /** Seconds the push service keeps an undelivered message (0 = deliver now or drop). */
  ttl: number;
  /** Default `normal`. */
  urgency?: Urgency;
  /** A later message with the same topic replaces an undelivered one. */
  topic?: string;
  /** Allow `http://127.0.0.1` and `http://localhost` endpoints (PUSH_ALLOW_HTTP=true); never in production. */
  allowHttp?: boolean;
  /** VAPID JWT lifetime in seconds (default 12 h, at most 24 h). */
  vapidExpiresIn?: number;
  /** Milliseconds since the epoch for the VAPID `exp`; tests pin it. */
  now?: number;
  /** Test vector only: 16 bytes; random otherwise. */
  salt?: Uint8Array;
  /** Test vector only: the sender's ECDH pair; fresh per message otherwise. */
  senderKeys?: SenderKeys;
}

/** What `fetch(url, init)` needs; `init` is a valid `RequestInit` with its headers as a plain object so callers can read them. */
export interface PushRequest {
  url: string;
  init: { method: "POST"; headers: Record<string, string>; body: Uint8Array<ArrayBuffer> };
}

function checkEndpoint(endpoint: string, allowHttp: boolean): URL {
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    throw new WebPushError("bad_endpoint", "push endpoint is not a URL");
  }
  if (url.protocol === "https:") return url;
  if (url.protocol === "http:" && allowHttp && LOCAL_HTTP_HOSTS.includes(url.hostname)) return url;
  if (url.protocol === "http:" && allowHttp) {
    throw new WebPushError("bad_endpoint", `http: push endpoints are allowed only on ${LOCAL_HTTP_HOSTS.join(" or ")}, not ${url.hostname}`);
  }
  throw new WebPushError("bad_endpoint", `push endpoint must be https: (got ${url.protocol}; http://127.0.0.1 only with allowHttp)`);
}

/**
 * Builds the POST that delivers one encrypted push message. Everything is validated before any
 * cryptography; errors are `WebPushError`s (`payload_too_large`: the caller truncates and tries again).
 * @example
 *   const { url, init } = await buildPushRequest({ subscription, payload: JSON.stringify(notification), vapid, ttl: 3600, topic: "room-abc" });
 *   const res = await fetch(url, init);
 *   const outcome = classifyPushResponse(res.status, res.headers.get("Retry-After"));
 */
export async function buildPushRequest(options: PushRequestOptions): Promise<PushRequest> {
  const { subscription, vapid, ttl, urgency = "normal", topic } = options;
  const url = checkEndpoint(subscription?.endpoint, options.allowHttp === true);
  const payload = typeof options.payload === "string" ? new TextEncoder().encode(options.payload) : options.payload;
  if (payload.length > MAX_PAYLOAD_BYTES) {
    throw new WebPushError(
      "payload_too_large",
      `push payload is ${payload.length} bytes; at most ${MAX_PAYLOAD_BYTES} fit in one push message (RFC 8291 §4): truncate it before sending`,
    );
  }
  if (!Number.isInteger(ttl) || ttl < 0) throw new WebPushError("bad_option", "TTL must be a whole number of seconds ≥ 0");
  if (!URGENCIES.includes(urgency)) throw new WebPushError("bad_option", `Urgency must be one of ${URGENCIES.join(", ")}`);
  if (topic !== undefined && !TOPIC_PATTERN.test(topic)) {
    throw new WebPushError("bad_option", "Topic must be 1 to 32 characters of the base64url alphabet (A–Z a–z 0–9 - _)");
  }
  const keys = subscription.keys;
  if (typeof keys?.p256dh !== "string" || typeof keys.auth !== "string")
    throw new WebPushError("bad_subscription", "subscription has no keys.p256dh / keys.auth");

  const body = await encryptAes128gcm({ p256dh: keys.p256dh, auth: keys.auth, payload, salt: options.salt, senderKeys: options.senderKeys });
  const headers: Record<string, string> = {
    "Content-Encoding": "aes128gcm",
    "Content-Type": "application/octet-stream",
    TTL: String(ttl),
    Urgency: urgency,
    Authorization: await vapidAuthorization(url.href, vapid, { expiresIn: options.vapidExpiresIn, now: options.now }),
  };
  if (topic !== undefined) headers.Topic = topic;
  return { url: url.href, init: { method: "POST", headers, body } };
}
