import type { IRequest } from "itty-router";
import { roomId } from "../body.ts";
import type { Env } from "../env.ts";
import { HttpError } from "../http-error.ts";
import { roomStub } from "../room-stub.ts";
import { bearer, verifyForRoom } from "../tokens.ts";

/**
 * GET /api/session?room= — answers, over HTTP, the question a browser cannot read from a refused
 * WebSocket upgrade: would this token be admitted to this room, and if not, why.
 */
export async function checkSession(request: IRequest, env: Env): Promise<Response> {
  const room = roomId(new URL(request.url).searchParams.get("room"));
  const identity = await verifyForRoom(bearer(request), room, env.TOKEN_SECRET);
  const refusal = await roomStub(env, room).admit(identity);
  if (refusal) throw new HttpError(403, refusal, refusal === "room_full" ? "This room is full." : "You are not a member of this room.");
  return Response.json({ user: identity.user, name: identity.name, room, exp: identity.exp });
}
