/**
 * Byte helpers for web push: base64url (RFC 4648 §5, what PushSubscription.toJSON() and VAPID use),
 * P-256 points ↔ JWK, and the one error type of this folder. Web platform APIs only (btoa/atob,
 * TextEncoder), so the same code runs in workerd and in node.
 */

/** Why a push could not be built; `code` lets the sender decide (truncate, drop the subscription, log a config error). */
export type WebPushErrorCode = "payload_too_large" | "bad_endpoint" | "bad_subscription" | "bad_option" | "bad_vapid";

export class WebPushError extends Error {
  readonly code: WebPushErrorCode;
  constructor(code: WebPushErrorCode, message: string) {
    super(message);
    this.name = "WebPushError";
    this.code = code;
  }
}

export function toBase64Url(bytes: Uint8Array): string {
  let binary = "";
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

/**
 * Decodes base64url (padding tolerated). Subscription keys come from browsers through our API, so a
 * bad value is reported as `code` with `what` named rather than as atob's DOMException.
 */
export function fromBase64Url(text: string, what: string, code: WebPushErrorCode): Uint8Array<ArrayBuffer> {
  const bare = typeof text === "string" ? text.replace(/=+$/, "") : "";
  if (!/^[A-Za-z0-9_-]*$/.test(bare) || bare.length % 4 === 1) throw new WebPushError(code, `${what} is not base64url`);
  const binary = atob(bare.replace(/-/g, "+").replace(/_/g, "/") + "=".repeat((4 - (bare.length % 4)) % 4));
  const out = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) out[i] = binary.charCodeAt(i);
  return out;
}

export function concat(...parts: Uint8Array[]): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** A P-256 public key as X9.62 uncompressed point bytes: 0x04 | x (32) | y (32). */
export const POINT_BYTES = 65;

/**
 * JWK members of an uncompressed P-256 point. Keys go in and out of Web Crypto as JWK because every
 * runtime accepts JWK for EC keys, and a private key given as the bare scalar `d` imports only that way.
 */
export function pointToJwk(point: Uint8Array, what: string, code: WebPushErrorCode): { kty: "EC"; crv: "P-256"; x: string; y: string } {
  if (point.length !== POINT_BYTES || point[0] !== 0x04) throw new WebPushError(code, `${what} must be a 65-byte uncompressed P-256 point`);
  return { kty: "EC", crv: "P-256", x: toBase64Url(point.subarray(1, 33)), y: toBase64Url(point.subarray(33)) };
}

/**
 * Web Crypto's key type, named through `crypto` rather than as the global `CryptoKey`: workers types
 * declare that global, node's types do not, and this folder type-checks under both (its tests run in node).
 */
export type WebCryptoKey = Awaited<ReturnType<typeof crypto.subtle.importKey>>;

/** A generated key pair (generateKey for ECDH/ECDSA always returns a pair; workers types also allow a single key). */
export async function generatePair(algorithm: { name: string; namedCurve: string }, usages: ("deriveBits" | "sign" | "verify")[]) {
  const pair = await crypto.subtle.generateKey(algorithm, true, usages);
  if (!("privateKey" in pair)) throw new Error(`generateKey(${algorithm.name}) returned no pair`);
  return pair;
}

/** The JWK members we read of an exported EC key. */
export async function exportJwk(key: WebCryptoKey): Promise<{ x?: string; y?: string; d?: string }> {
  const jwk = await crypto.subtle.exportKey("jwk", key);
  if (jwk instanceof ArrayBuffer) throw new Error("exportKey(jwk) returned bytes");
  return jwk;
}

export function jwkToPoint(jwk: { x?: string; y?: string }): Uint8Array<ArrayBuffer> {
  if (!jwk.x || !jwk.y) throw new Error("exported JWK has no x/y");
  return concat(new Uint8Array([0x04]), fromBase64Url(jwk.x, "x", "bad_option"), fromBase64Url(jwk.y, "y", "bad_option"));
}
