/**
 * Standard Webhooks signatures (https://www.standardwebhooks.com): `webhook-signature` is
 * `v1,<base64 HMAC-SHA256 over "<id>.<timestamp>.<body>">`, keyed with the bytes of the secret
 * `whsec_<base64>`. Web Crypto only, so rooms (workerd) and the Worker share it; checked against the
 * reference library in test/webhooks/.
 */

const PREFIX = "whsec_";

/** The secret's key bytes, or null when it is not `whsec_<base64>` of at least 16 bytes. */
export function secretBytes(secret: string | undefined): Uint8Array | null {
  if (!secret?.startsWith(PREFIX)) return null;
  try {
    const bytes = Uint8Array.from(atob(secret.slice(PREFIX.length)), (c) => c.charCodeAt(0));
    return bytes.length >= 16 ? bytes : null;
  } catch {
    return null;
  }
}

/** An HMAC key for signing, imported once per room instance (importKey is not free). */
export function signingKey(bytes: Uint8Array): Promise<CryptoKey> {
  return crypto.subtle.importKey("raw", bytes, { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
}

/** The three Standard Webhooks headers for one attempt; `timestamp` is Unix seconds of the attempt. */
export async function signedHeaders(key: CryptoKey, id: string, timestamp: number, body: string): Promise<Record<string, string>> {
  const mac = await crypto.subtle.sign("HMAC", key, new TextEncoder().encode(`${id}.${timestamp}.${body}`));
  return {
    "webhook-id": id,
    "webhook-timestamp": String(timestamp),
    "webhook-signature": `v1,${base64(new Uint8Array(mac))}`,
  };
}

function base64(bytes: Uint8Array): string {
  let s = "";
  for (const b of bytes) s += String.fromCharCode(b);
  return btoa(s);
}

/** A message id: `msg_` and 128 random bits (hex). Stable across the retries of one delivery. */
export function newMessageId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return `msg_${Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("")}`;
}
