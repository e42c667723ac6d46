/**
 * VAPID (RFC 8292): the application server proves to the push service that it holds the private key
 * whose public half the browser subscribed with (`applicationServerKey`).
 *
 * The JWT is signed by hand rather than with jose: ES256 over Web Crypto is one `sign` call, whose
 * output (r | s, 64 bytes) already is the JWS signature format, and it keeps this folder free of
 * dependencies. The tests verify it with jose.
 */
import { exportJwk, fromBase64Url, generatePair, jwkToPoint, pointToJwk, toBase64Url, type WebCryptoKey, WebPushError } from "./bytes.ts";

/** The application server's VAPID keys (base64url) and contact. */
export interface VapidKeys {
  /** 65-byte uncompressed P-256 point, as the browser's `applicationServerKey`. */
  publicKey: string;
  /** 32-byte private scalar `d`. */
  privateKey: string;
  /** `mailto:` address or `https:` URL where the push service can reach the operator. */
  subject: string;
}

/** RFC 8292 §2: `exp` must not be more than 24 hours after the request. */
export const VAPID_MAX_SECONDS = 24 * 3600;
export const VAPID_DEFAULT_SECONDS = 12 * 3600;

const ES256 = { name: "ECDSA", namedCurve: "P-256" };
const ES256_SIGN = { name: "ECDSA", hash: "SHA-256" };

function checkSubject(subject: string): void {
  const ok = typeof subject === "string" && (/^mailto:[^@\s]+@[^@\s]+$/.test(subject) || /^https:\/\/[^\s/]+/.test(subject));
  if (!ok) throw new WebPushError("bad_vapid", "VAPID subject must be a mailto: address or an https: URL");
}

/**
 * Imports the pair and proves they belong together (sign, then verify with the public half): a
 * mismatched pair would otherwise surface only as a 403 from every push service.
 */
async function importPair(publicKey: string, privateKey: string): Promise<WebCryptoKey> {
  const publicJwk = pointToJwk(fromBase64Url(publicKey, "VAPID public key", "bad_vapid"), "VAPID public key", "bad_vapid");
  const mismatch = () => new WebPushError("bad_vapid", "VAPID private key is not the 32-byte scalar d (base64url) of the VAPID public key");
  try {
    const key = await crypto.subtle.importKey("jwk", { ...publicJwk, d: privateKey }, ES256, false, ["sign"]);
    const verifier = await crypto.subtle.importKey("jwk", publicJwk, ES256, false, ["verify"]);
    const probe = new TextEncoder().encode("vapid key check");
    const signature = await crypto.subtle.sign(ES256_SIGN, key, probe);
    if (await crypto.subtle.verify(ES256_SIGN, verifier, signature, probe)) return key;
  } catch {
    // Fall through: a key that does not import is as wrong as one that does not match.
  }
  throw mismatch();
}

/** Imported signing keys, per isolate: a room sends many pushes with the same key. */
let cached: { publicKey: string; privateKey: string; key: Promise<WebCryptoKey> } | null = null;
function signingKey(publicKey: string, privateKey: string): Promise<WebCryptoKey> {
  if (cached?.publicKey !== publicKey || cached.privateKey !== privateKey) {
    cached = { publicKey, privateKey, key: importPair(publicKey, privateKey) };
    cached.key.catch(() => {
      cached = null;
    });
  }
  return cached.key;
}

export interface VapidOptions {
  /** How long the JWT is valid, in seconds (default 12 h, at most 24 h). */
  expiresIn?: number;
  /** Milliseconds since the epoch; tests pin it. */
  now?: number;
}

/**
 * The `Authorization` header value for a push to `endpoint`: `vapid t=<ES256 JWT>, k=<public key>`,
 * with `aud` = the endpoint's origin, `exp` = now + `expiresIn`, `sub` = the subject.
 * @example
 *   init.headers.Authorization = await vapidAuthorization(sub.endpoint, { publicKey, privateKey, subject: "mailto:ops@example.com" });
 */
export async function vapidAuthorization(endpoint: string, vapid: VapidKeys, options: VapidOptions = {}): Promise<string> {
  const expiresIn = options.expiresIn ?? VAPID_DEFAULT_SECONDS;
  if (!Number.isInteger(expiresIn) || expiresIn <= 0 || expiresIn > VAPID_MAX_SECONDS) {
    throw new WebPushError("bad_option", `VAPID expiresIn must be whole seconds in 1…${VAPID_MAX_SECONDS}`);
  }
  checkSubject(vapid.subject);
  const aud = new URL(endpoint).origin;
  const iat = Math.floor((options.now ?? Date.now()) / 1000);
  const id = `${aud} ${vapid.publicKey} ${vapid.subject} ${expiresIn}`;
  const reuse = issued.get(id);
  // A JWT is good for its whole lifetime at its push service: sign once per half lifetime, not once per push.
  if (reuse && reuse.iat <= iat && iat - reuse.iat <= expiresIn / 2) return reuse.header;
  const key = await signingKey(vapid.publicKey, vapid.privateKey);
  const enc = (value: object) => toBase64Url(new TextEncoder().encode(JSON.stringify(value)));
  const claims = { aud, exp: iat + expiresIn, sub: vapid.subject };
  const signingInput = `${enc({ typ: "JWT", alg: "ES256" })}.${enc(claims)}`;
  const signature = await crypto.subtle.sign(ES256_SIGN, key, new TextEncoder().encode(signingInput));
  const header = `vapid t=${signingInput}.${toBase64Url(new Uint8Array(signature))}, k=${vapid.publicKey}`;
  if (issued.size >= ISSUED_MAX) issued.delete(issued.keys().next().value!);
  issued.set(id, { iat, header });
  return header;
}

/** Headers signed by this isolate, by push service and keys; a few push services serve every browser. */
const issued = new Map<string, { iat: number; header: string }>();
const ISSUED_MAX = 64;

/**
 * A new VAPID key pair as base64url (`npm run vapid` does the same in node). Changing the keys of a
 * deployment orphans every existing subscription: browsers bind them to the public key.
 * @example
 *   const { publicKey, privateKey } = await generateVapidKeys();
 */
export async function generateVapidKeys(): Promise<{ publicKey: string; privateKey: string }> {
  const pair = await generatePair(ES256, ["sign", "verify"]);
  const jwk = await exportJwk(pair.privateKey);
  if (!jwk.d) throw new Error("exported private JWK has no d");
  return { publicKey: toBase64Url(jwkToPoint(jwk)), privateKey: jwk.d };
}
