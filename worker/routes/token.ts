import type { IRequest } from "itty-router";
import { displayName, optionalBool, optionalInt, optionalRole, readJsonObject, roomId, userId } from "../body.ts";
import type { Env } from "../env.ts";
import { badRequest } from "../http-error.ts";
import { ANY_ROOM, MAX_TTL, MIN_TTL, signToken } from "../tokens.ts";

const MAX_ROOMS_PER_TOKEN = 100;

/** POST /api/token — a host backend mints a room token for one of its users. */
export async function issueToken(request: IRequest, env: Env): Promise<Response> {
  const body = await readJsonObject(request);
  const user = userId(body.user);
  const name = displayName(body.name);
  if (!Array.isArray(body.rooms) || body.rooms.length === 0 || body.rooms.length > MAX_ROOMS_PER_TOKEN) {
    throw badRequest(`rooms must be a list of 1–${MAX_ROOMS_PER_TOKEN} room ids.`);
  }
  // ["*"] = every room where the user is a member; alone, so a token's reach is never ambiguous.
  const rooms = body.rooms.length === 1 && body.rooms[0] === ANY_ROOM ? [ANY_ROOM] : body.rooms.map((r) => roomId(r, 'rooms[] (or ["*"] alone)'));
  const ttl = optionalInt(body.ttl, "ttl", MIN_TTL, MAX_TTL) ?? 3600;
  const grant = {
    user,
    name,
    rooms,
    role: optionalRole(body.role),
    relay: optionalBool(body.relay, "relay") ?? false,
    // Absent = no limit; 0 = this user may not start or accept calls.
    callSeconds: optionalInt(body.call_seconds, "call_seconds", 0, MAX_TTL) ?? null,
  } as const;
  return Response.json(await signToken(grant, ttl, env.TOKEN_SECRET));
}
