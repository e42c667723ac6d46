import type { IRequest } from "itty-router";
import { optionalInt, readJsonObject } from "../body.ts";
import type { Env } from "../env.ts";
import { badRequest, HttpError } from "../http-error.ts";
import type { RoomRequest } from "../middleware.ts";
import { roomStub } from "../room-stub.ts";

/**
 * Routes that exist only when INAPP_TALK_TEST_HOOKS=true (the test harnesses set it; wrangler.toml
 * never does): elsewhere they answer 404 like any unknown path.
 */
export function withTestHooks(_request: IRequest, env: Env): void {
  if (env.INAPP_TALK_TEST_HOOKS !== "true") throw new HttpError(404, "not_found", "No such endpoint.");
}

/** GET /api/_test/rooms/:room/timers — the room's durable timers and the probe timers that fired. */
export async function getTimers(request: RoomRequest, env: Env): Promise<Response> {
  return Response.json(await roomStub(env, request.room).probe());
}

/** POST /api/_test/rooms/:room/timers `{ key, in_ms, fail? }` — sets a probe timer due in `in_ms`. */
export async function setTimer(request: RoomRequest, env: Env): Promise<Response> {
  const body = await readJsonObject(request);
  if (typeof body.key !== "string" || !/^[\w-]{1,64}$/.test(body.key)) throw badRequest("key must be 1–64 word characters.");
  const inMs = optionalInt(body.in_ms, "in_ms", 0, 3_600_000) ?? 0;
  const fail = optionalInt(body.fail, "fail", 0, 10) ?? 0;
  return Response.json(await roomStub(env, request.room).probe({ key: body.key, at: Date.now() + inMs, payload: { fail } }));
}
