/**
 * Short-lived signed tokens for what a notification's buttons do without opening the page (today:
 * Decline). The service worker has no room token, so the payload carries one scoped to a single
 * call and user. Signed by rooms (which send the push) and checked by the Worker (which serves
 * POST /api/calls/decline); the key is derived from TOKEN_SECRET so an action token can never pass
 * as a room token or the other way round.
 */
import { fromBase64Url, toBase64Url } from "../../notify/webpush.ts";

export interface DeclineClaims {
  room: string;
  call: string;
  user: string;
  /** Unix ms after which the token is refused (the ring window, plus a little). */
  exp: number;
}

const LABEL = "inapp-talk push action v1";

const keys = new Map<string, Promise<CryptoKey>>();
function actionKey(secret: string): Promise<CryptoKey> {
  let key = keys.get(secret);
  if (!key) {
    key = (async () => {
      const hmac = { name: "HMAC", hash: "SHA-256" };
      const master = await crypto.subtle.importKey("raw", new TextEncoder().encode(secret), hmac, false, ["sign"]);
      const derived = await crypto.subtle.sign("HMAC", master, new TextEncoder().encode(LABEL));
      return crypto.subtle.importKey("raw", derived, hmac, false, ["sign", "verify"]);
    })();
    keys.set(secret, key);
  }
  return key;
}

/** @example const token = await signDecline({ room, call: callId, user, exp: ringEnd + 60_000 }, env.TOKEN_SECRET); */
export async function signDecline(claims: DeclineClaims, secret: string): Promise<string> {
  const body = toBase64Url(new TextEncoder().encode(JSON.stringify({ a: "decline", ...claims })));
  const sig = await crypto.subtle.sign("HMAC", await actionKey(secret), new TextEncoder().encode(body));
  return `${body}.${toBase64Url(new Uint8Array(sig))}`;
}

/** The claims of a valid, unexpired decline token, or null (forged, expired, malformed). */
export async function verifyDecline(token: unknown, secret: string, now = Date.now()): Promise<DeclineClaims | null> {
  if (typeof token !== "string" || token.length > 2048) return null;
  const [body, sig, extra] = token.split(".");
  if (!body || !sig || extra !== undefined) return null;
  try {
    const ok = await crypto.subtle.verify("HMAC", await actionKey(secret), fromBase64Url(sig, "signature", "bad_option"), new TextEncoder().encode(body));
    if (!ok) return null;
    const c: unknown = JSON.parse(new TextDecoder().decode(fromBase64Url(body, "claims", "bad_option")));
    if (typeof c !== "object" || c === null) return null;
    const { a, room, call, user, exp } = c as Record<string, unknown>;
    if (a !== "decline" || typeof room !== "string" || typeof call !== "string" || typeof user !== "string" || typeof exp !== "number") return null;
    return exp > now ? { room, call, user, exp } : null;
  } catch {
    return null;
  }
}
