import { toBase64Url } from "../../notify/webpush.ts";

/**
 * A Topic (RFC 8030 §5.4: ≤ 32 base64url characters) that is also the notification tag: a later
 * push with the same topic replaces an undelivered one at the push service, and the same tag
 * replaces a shown notification. Hashed because room and call ids may be longer than 32 characters.
 * `scope` keeps a room's topic apart from a call's.
 */
export async function topicFor(scope: "room" | "call", id: string): Promise<string> {
  return (await hash(`${scope}:${id}`)).slice(0, 32);
}

/** A short stable name for a push endpoint (timer keys; endpoints are long URLs). */
export async function endpointKey(endpoint: string): Promise<string> {
  return (await hash(endpoint)).slice(0, 22);
}

async function hash(text: string): Promise<string> {
  return toBase64Url(new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text))));
}
