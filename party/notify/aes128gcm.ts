/**
 * The `aes128gcm` content encoding of RFC 8188 as web push uses it (RFC 8291): one record, keyed by
 * ECDH between a throw-away sender key pair and the subscription's `p256dh`, mixed with its `auth`
 * secret. Web Crypto only.
 *
 *   ecdh_secret = ECDH(as_private, ua_public)
 *   IKM   = HKDF(salt = auth, ikm = ecdh_secret, info = "WebPush: info" 0x00 ua_public as_public, 32)
 *   CEK   = HKDF(salt, IKM, "Content-Encoding: aes128gcm" 0x00, 16)
 *   NONCE = HKDF(salt, IKM, "Content-Encoding: nonce" 0x00, 12)
 *   body  = salt(16) | rs(4, big-endian) | idlen(1) = 65 | as_public(65) | AES-128-GCM(CEK, NONCE, payload | 0x02)
 */
import {
  concat,
  exportJwk,
  fromBase64Url,
  generatePair,
  jwkToPoint,
  POINT_BYTES,
  pointToJwk,
  type WebCryptoKey,
  type WebPushErrorCode,
  WebPushError,
} from "./bytes.ts";

/** The record size written in the header. Push services need not accept a body larger than this (RFC 8030 §7.2). */
export const RECORD_SIZE = 4096;
/** salt(16) + rs(4) + idlen(1) + keyid(65). */
export const HEADER_BYTES = 16 + 4 + 1 + POINT_BYTES;
const TAG_BYTES = 16;
/**
 * The largest payload whose whole body still fits in 4096 bytes: 4096 − 86 (header) − 1 (delimiter)
 * − 16 (tag) = 3993, the figure of RFC 8291 §4. Larger payloads are refused, never split or sent as 413 bait.
 */
export const MAX_PAYLOAD_BYTES = RECORD_SIZE - HEADER_BYTES - 1 - TAG_BYTES;

/** A sender ECDH key pair as base64url: `publicKey` the 65-byte point, `privateKey` the 32-byte scalar. Tests pin it; otherwise it is fresh per message. */
export interface SenderKeys {
  publicKey: string;
  privateKey: string;
}

export interface EncryptInput {
  /** The subscription's `keys.p256dh` (base64url, 65-byte point). */
  p256dh: string;
  /** The subscription's `keys.auth` (base64url, 16 bytes). */
  auth: string;
  payload: Uint8Array;
  /** 16 bytes; random when absent. */
  salt?: Uint8Array;
  senderKeys?: SenderKeys;
}

const text = (s: string) => new Uint8Array(new TextEncoder().encode(s));
const SUB: WebPushErrorCode = "bad_subscription";

async function hkdf(
  salt: Uint8Array<ArrayBuffer>,
  ikm: Uint8Array<ArrayBuffer>,
  info: Uint8Array<ArrayBuffer>,
  bytes: number,
): Promise<Uint8Array<ArrayBuffer>> {
  const key = await crypto.subtle.importKey("raw", ikm, "HKDF", false, ["deriveBits"]);
  return new Uint8Array(await crypto.subtle.deriveBits({ name: "HKDF", hash: "SHA-256", salt, info }, key, bytes * 8));
}

/** Imports the injected sender pair, or makes a fresh one; returns its private key and public point. */
async function senderKeyPair(given: SenderKeys | undefined): Promise<{ privateKey: WebCryptoKey; point: Uint8Array<ArrayBuffer> }> {
  const ecdh = { name: "ECDH", namedCurve: "P-256" };
  if (given) {
    const point = fromBase64Url(given.publicKey, "senderKeys.publicKey", "bad_option");
    const jwk = { ...pointToJwk(point, "senderKeys.publicKey", "bad_option"), d: given.privateKey };
    return { privateKey: await crypto.subtle.importKey("jwk", jwk, ecdh, false, ["deriveBits"]), point };
  }
  const pair = await generatePair(ecdh, ["deriveBits"]);
  return { privateKey: pair.privateKey, point: jwkToPoint(await exportJwk(pair.publicKey)) };
}

/**
 * Encrypts one push message body. Throws `WebPushError` for a malformed subscription
 * (`bad_subscription`), bad injected salt or keys (`bad_option`), or a payload over
 * {@link MAX_PAYLOAD_BYTES} (`payload_too_large`, checked before any cryptography).
 * @example
 *   const body = await encryptAes128gcm({ p256dh: sub.keys.p256dh, auth: sub.keys.auth, payload: new TextEncoder().encode(json) });
 */
export async function encryptAes128gcm(input: EncryptInput): Promise<Uint8Array<ArrayBuffer>> {
  const { payload } = input;
  if (payload.length > MAX_PAYLOAD_BYTES) {
    throw new WebPushError(
      "payload_too_large",
      `push payload is ${payload.length} bytes; at most ${MAX_PAYLOAD_BYTES} fit in one ${RECORD_SIZE}-byte push message (RFC 8291 §4): truncate it before sending`,
    );
  }
  const uaPublic = fromBase64Url(input.p256dh, "keys.p256dh", SUB);
  const uaJwk = pointToJwk(uaPublic, "keys.p256dh", SUB);
  const authSecret = fromBase64Url(input.auth, "keys.auth", SUB);
  if (authSecret.length !== 16) throw new WebPushError(SUB, "keys.auth must be 16 bytes");
  const salt = input.salt ? new Uint8Array(input.salt) : crypto.getRandomValues(new Uint8Array(16));
  if (salt.length !== 16) throw new WebPushError("bad_option", "salt must be 16 bytes");

  let uaKey: WebCryptoKey;
  try {
    // Import validates that the point is on the curve (RFC 8291 §7 requires it).
    uaKey = await crypto.subtle.importKey("jwk", uaJwk, { name: "ECDH", namedCurve: "P-256" }, false, []);
  } catch {
    throw new WebPushError(SUB, "keys.p256dh is not a point on P-256");
  }
  const sender = await senderKeyPair(input.senderKeys);
  // Not an inline literal: workers-types spells the member `$public` (its escape for a reserved word)
  // while the runtime reads `public`, as Web Crypto defines it and node's types say.
  const ecdh = { name: "ECDH", public: uaKey };
  const ecdhSecret = new Uint8Array(await crypto.subtle.deriveBits(ecdh, sender.privateKey, 256));

  const ikm = await hkdf(authSecret, ecdhSecret, concat(text("WebPush: info\0"), uaPublic, sender.point), 32);
  const cek = await hkdf(salt, ikm, text("Content-Encoding: aes128gcm\0"), 16);
  const nonce = await hkdf(salt, ikm, text("Content-Encoding: nonce\0"), 12);

  const aesKey = await crypto.subtle.importKey("raw", cek, "AES-GCM", false, ["encrypt"]);
  // A single record, so it is the last one: delimiter 0x02 and no further padding (RFC 8188 §2).
  const record = concat(payload, new Uint8Array([0x02]));
  const sealed = new Uint8Array(await crypto.subtle.encrypt({ name: "AES-GCM", iv: nonce, tagLength: 128 }, aesKey, record));

  const header = new Uint8Array(HEADER_BYTES);
  header.set(salt, 0);
  new DataView(header.buffer).setUint32(16, RECORD_SIZE);
  header[20] = POINT_BYTES;
  header.set(sender.point, 21);
  return concat(header, sealed);
}
