import { errors, jwtVerify, SignJWT } from "jose";
import { isRole, isWellFormed, ROOM_ID_PATTERN, USER_ID_PATTERN, type Role } from "../protocol/index.ts";
import type { Identity } from "../party/identity.ts";
import { HttpError } from "./http-error.ts";

/** `rooms: ["*"]`: every room where the user is a member (the inbox's token). */
export const ANY_ROOM = "*";

/** What a room token grants: a user, a display name, the rooms it may join, and call rights. */
export interface TokenGrant {
  user: string;
  name: string;
  /** Room ids, or `["*"]` (ANY_ROOM): every room where the user is a member. */
  rooms: string[];
  role: Role;
  relay: boolean;
  /** Longest call in seconds; null (claim absent) = no limit, 0 = no calls. */
  callSeconds: number | null;
}

export interface VerifiedToken extends TokenGrant {
  exp: number;
  /** Issued at, Unix seconds: tokens issued before a revocation are refused. */
  iat: number;
}

export const MIN_TTL = 60;
export const MAX_TTL = 30 * 24 * 3600;

/** The imported HMAC key, kept per isolate: importing it costs more than verifying a token. */
let cachedKey: { secret: string; key: Promise<CryptoKey> } | null = null;
function key(secret: string): Promise<CryptoKey> {
  if (cachedKey?.secret !== secret) {
    const raw = new TextEncoder().encode(secret);
    cachedKey = { secret, key: crypto.subtle.importKey("raw", raw, { name: "HMAC", hash: "SHA-256" }, false, ["sign", "verify"]) };
  }
  return cachedKey.key;
}

/** Signs a room token (HS256 JWT with the documented claims). */
export async function signToken(grant: TokenGrant, ttlSeconds: number, secret: string, now = Math.floor(Date.now() / 1000)) {
  const exp = now + ttlSeconds;
  const token = await new SignJWT({
    name: grant.name,
    rooms: grant.rooms,
    role: grant.role,
    relay: grant.relay,
    ...(grant.callSeconds === null ? {} : { call_seconds: grant.callSeconds }),
  })
    .setProtectedHeader({ alg: "HS256", typ: "JWT" })
    .setSubject(grant.user)
    .setIssuedAt(now)
    .setExpirationTime(exp)
    .sign(await key(secret));
  return { token, expires_at: exp };
}

/**
 * Verifies signature, expiry and claim shapes. Throws 401 `expired` or `unauthorized`;
 * a token that verifies but has claims of the wrong shape is as bad as a forged one.
 */
export async function verifyToken(token: string, secret: string): Promise<VerifiedToken> {
  let payload: Record<string, unknown>;
  try {
    ({ payload } = await jwtVerify(token, await key(secret), { algorithms: ["HS256"] }));
  } catch (err) {
    if (err instanceof errors.JWTExpired) throw new HttpError(401, "expired", "Token expired.");
    throw new HttpError(401, "unauthorized", "Invalid token.");
  }
  const { sub, name, rooms, role, relay, call_seconds, exp, iat } = payload;
  const valid =
    typeof sub === "string" &&
    USER_ID_PATTERN.test(sub) &&
    typeof name === "string" &&
    isWellFormed(name) &&
    Array.isArray(rooms) &&
    rooms.every((r) => typeof r === "string" && (ROOM_ID_PATTERN.test(r) || r === ANY_ROOM)) &&
    isRole(role) &&
    typeof exp === "number" &&
    typeof iat === "number";
  if (!valid) throw new HttpError(401, "unauthorized", "Invalid token claims.");
  return {
    user: sub,
    name,
    rooms: rooms as string[],
    role,
    relay: relay === true,
    callSeconds: typeof call_seconds === "number" ? call_seconds : null,
    exp,
    iat,
  };
}

/**
 * Verifies a token for one room: 401 as above, 403 `forbidden` when the room is not in it. A `*`
 * token passes here marked `wildcard`: the room itself admits it only for a member.
 */
export async function verifyForRoom(token: string | null, room: string, secret: string): Promise<Identity> {
  if (!token) throw new HttpError(401, "unauthorized", "Missing token.");
  const t = await verifyToken(token, secret);
  const named = t.rooms.includes(room);
  if (!named && !t.rooms.includes(ANY_ROOM)) throw new HttpError(403, "forbidden", "This token does not grant that room.");
  return { ...identityOf(t), ...(named ? {} : { wildcard: true as const }) };
}

/** Verifies a token for the inbox socket of `user`: it must be that user's `*` token (401 / 403). */
export async function verifyForInbox(token: string | null, user: string, secret: string): Promise<Identity> {
  if (!token) throw new HttpError(401, "unauthorized", "Missing token.");
  const t = await verifyToken(token, secret);
  if (t.user !== user) throw new HttpError(403, "forbidden", "A user's inbox is theirs only.");
  if (!t.rooms.includes(ANY_ROOM)) throw new HttpError(403, "forbidden", 'The inbox needs a token with rooms: ["*"].');
  return { ...identityOf(t), wildcard: true };
}

function identityOf(t: VerifiedToken): Identity {
  return { user: t.user, name: t.name, role: t.role, exp: t.exp, iat: t.iat, relay: t.relay, callSeconds: t.callSeconds };
}

export function bearer(request: Request): string | null {
  const header = request.headers.get("Authorization");
  const match = header?.match(/^Bearer\s+(\S+)$/i);
  return match?.[1] ?? null;
}
