import type { IRequest } from "itty-router";
import { roomId } from "../body.ts";
import type { Env } from "../env.ts";
import { HttpError } from "../http-error.ts";
import { roomStub } from "../room-stub.ts";
import { authorize } from "../connect.ts";
import { bearer } from "../tokens.ts";

/**
 * GET /api/session?room= — answers, over HTTP, the question a browser cannot read from a refused
 * WebSocket upgrade: would this token be admitted to this room, and if not, why.
 */
export async function checkSession(request: IRequest, env: Env): Promise<Response> {
  const room = roomId(new URL(request.url).searchParams.get("room"));
  const identity = await authorize(bearer(request), room, env);
  const denied = await roomStub(env, room).admit(identity);
  if (denied?.code === "rate_limited") {
    throw new HttpError(429, denied.code, denied.message, { "Retry-After": String(Math.ceil((denied.retryAfterMs ?? 1000) / 1000)) });
  }
  if (denied) throw new HttpError(403, denied.code, denied.message);
  return Response.json({ user: identity.user, name: identity.name, room, exp: identity.exp });
}
