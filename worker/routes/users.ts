import type { IRequest } from "itty-router";
import { userId } from "../body.ts";
import type { Env } from "../env.ts";
import { HttpError } from "../http-error.ts";
import { roomStub, userStub } from "../room-stub.ts";

/**
 * POST /api/users/:user/revoke — refuses every token of this user issued up to now, at the socket
 * upgrade and /api/session, and closes their open sockets (4401) in every room they opened. For a
 * compromised or banned account; stop minting tokens for a banned user too. Idempotent: retry it
 * when it answers 502 (a room could not be told).
 */
export async function revokeUser(request: IRequest, env: Env): Promise<Response> {
  const user = userId(request.params.user);
  const { before, rooms } = await userStub(env, user).revoke(Date.now());
  const results = await Promise.allSettled(rooms.map((room) => roomStub(env, room).revoke(user, before)));
  const failed = rooms.filter((_, i) => results[i]!.status === "rejected");
  if (failed.length > 0) {
    throw new HttpError(502, "internal", `Revoked, but ${failed.length} of ${rooms.length} rooms could not close open sockets yet; retry.`);
  }
  const closed = results.reduce((n, r) => n + (r.status === "fulfilled" ? r.value : 0), 0);
  return Response.json({ user, revoked_before: before, rooms: rooms.length, closed_sockets: closed });
}
