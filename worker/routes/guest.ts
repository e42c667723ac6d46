import type { IRequest } from "itty-router";
import { displayName, readJsonObject, roomId } from "../body.ts";
import { numberVar } from "../../party/env.ts";
import type { Env } from "../env.ts";
import { HttpError } from "../http-error.ts";
import { signToken, type TokenGrant } from "../tokens.ts";

export const GUEST_TTL = 24 * 3600;

/**
 * POST /api/guest — a visitor joins a public room without the host's backend (the demo, or a
 * support desk's open chat). A returning guest sends back `{ user, key }` from localStorage; the key
 * is an HMAC of the id, so nobody can claim another guest's id (ids are visible to other members).
 */
export async function issueGuestToken(request: IRequest, env: Env): Promise<Response> {
  const body = await readJsonObject(request);
  const room = roomId(body.room);
  const name = displayName(body.name);
  const prefix = env.GUEST_ROOM_PREFIX ?? "";
  if (prefix === "" || !room.startsWith(prefix)) throw new HttpError(403, "forbidden", "Guests cannot join this room.");

  const user = (await returningGuest(body, env.TOKEN_SECRET)) ?? `g_${randomId()}`;
  // Guests are anonymous: their calls are capped (GUEST_CALL_SECONDS, default 10 minutes).
  const grant: TokenGrant = { user, name, rooms: [room], role: "member", relay: false, callSeconds: numberVar(env.GUEST_CALL_SECONDS, 600, true) };
  const { token, expires_at } = await signToken(grant, GUEST_TTL, env.TOKEN_SECRET);
  return Response.json({ token, expires_at, user, key: await guestKey(user, env.TOKEN_SECRET) });
}

/** The id a guest sent back with its key, if the key is right. */
export async function returningGuest(body: Record<string, unknown>, secret: string): Promise<string | null> {
  return typeof body.user === "string" && typeof body.key === "string" && (await guestKey(body.user, secret)) === body.key ? body.user : null;
}

export async function guestKey(user: string, secret: string): Promise<string> {
  const key = await crypto.subtle.importKey("raw", new TextEncoder().encode(secret), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  const mac = await crypto.subtle.sign("HMAC", key, new TextEncoder().encode(`guest:${user}`));
  return base64url(new Uint8Array(mac));
}

export function randomId(): string {
  return base64url(crypto.getRandomValues(new Uint8Array(15)));
}

function base64url(bytes: Uint8Array): string {
  return btoa(String.fromCharCode(...bytes))
    .replace(/\+/g, "-")
    .replace(/\//g, "_")
    .replace(/=+$/, "");
}
