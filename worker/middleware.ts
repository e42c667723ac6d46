/**
 * Checks shared by routes, run by the router before the handler (itty-router calls each handler in
 * turn until one returns a response): a route lists what it needs instead of repeating it.
 */
import type { IRequest } from "itty-router";
import { requireApiKey } from "./api-key.ts";
import { roomId, userId } from "./body.ts";
import type { Env } from "./env.ts";

/** A request whose `:room` (and `:user`, where the route has one) passed validation. */
export type RoomRequest = IRequest & { room: string; user: string };

/** Host-backend routes: `Authorization: Bearer <INAPP_TALK_API_KEY>` or 401. */
export function withApiKey(request: IRequest, env: Env): void {
  requireApiKey(request, env.INAPP_TALK_API_KEY);
}

/** Validates `:room` (and `:user` when present) once, for every route under /rooms/:room. */
export function withRoomParams(request: IRequest): void {
  request.room = roomId(request.params.room);
  if (request.params.user !== undefined) request.user = userId(request.params.user);
}
