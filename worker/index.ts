import { Router, type IRequest } from "itty-router";
import { routePartykitRequest } from "partyserver";
import { IDENTITY_HEADER } from "../party/identity.ts";
import { preflight, withCors } from "./cors.ts";
import { authorizeInboxSocket, authorizeSocket } from "./connect.ts";
import type { Env } from "./env.ts";
import { errorResponse, HttpError } from "./http-error.ts";
import { withAddressLimit } from "./address-limits.ts";
import { withApiKey, withRoomParams, type RoomRequest } from "./middleware.ts";
import { openRoomSocket, roomSocketTarget } from "./room-socket.ts";
import { issueGuestToken } from "./routes/guest.ts";
import { issueDemoSeller } from "./routes/guest-seller.ts";
import { getIceServers } from "./routes/ice.ts";
import { declineCall, getPushKey, mutes, subscribe, unsubscribe } from "./routes/push.ts";
import { deleteMember, getMessages, getRoom, putMember, putRoom } from "./routes/rooms.ts";
import { checkSession } from "./routes/session.ts";
import { getTimers, setTimer, withTestHooks } from "./routes/test-hooks.ts";
import { issueToken } from "./routes/token.ts";
import { getUserRooms, getUserUnread } from "./routes/inbox.ts";
import { revokeUser } from "./routes/users.ts";
import { listDeliveries, retryDelivery } from "./routes/webhooks.ts";

export { Room } from "../party/room.ts";
export { Limiter } from "./limiter.ts";
export { User } from "../party/user.ts";
export { WebhookLog } from "../party/webhook-log.ts";

type Args = [Env, ExecutionContext];

const api = Router<IRequest, Args>({ base: "/api" })
  .post("/token", withAddressLimit("token"), withApiKey, issueToken)
  .post("/guest", withAddressLimit("guest"), issueGuestToken)
  .post("/guest/seller", withAddressLimit("guest"), issueDemoSeller)
  .get("/session", withAddressLimit("session"), checkSession)
  // The host's rooms API: the key first, then the path's ids, then the handler.
  .all("/rooms/*", withApiKey)
  .get<RoomRequest, Args>("/rooms/:room/messages", withRoomParams, getMessages)
  .get<RoomRequest, Args>("/rooms/:room", withRoomParams, getRoom)
  .put<RoomRequest, Args>("/rooms/:room", withRoomParams, putRoom)
  .put<RoomRequest, Args>("/rooms/:room/members/:user", withRoomParams, putMember)
  .delete<RoomRequest, Args>("/rooms/:room/members/:user", withRoomParams, deleteMember)
  .post("/users/:user/revoke", withApiKey, revokeUser)
  .get("/users/:user/rooms", withApiKey, getUserRooms)
  .get("/users/:user/unread", withApiKey, getUserUnread)
  .get("/webhooks/deliveries", withApiKey, listDeliveries)
  .post("/webhooks/deliveries/:id/retry", withApiKey, retryDelivery)
  .get("/ice", getIceServers)
  .get("/push/key", getPushKey)
  .post("/push/subscribe", subscribe)
  .post("/push/unsubscribe", unsubscribe)
  .get("/push/mutes/:room", mutes)
  .put("/push/mutes/:room", mutes)
  .delete("/push/mutes/:room", mutes)
  .post("/calls/decline", declineCall)
  .all("/_test/*", withTestHooks, withApiKey)
  .get<RoomRequest, Args>("/_test/rooms/:room/timers", withRoomParams, getTimers)
  .post<RoomRequest, Args>("/_test/rooms/:room/timers", withRoomParams, setTimer)
  .all("*", () => {
    throw new HttpError(404, "not_found", "No such endpoint.");
  });

export default {
  async fetch(request: Request, env: Env, ctx: ExecutionContext): Promise<Response> {
    const url = new URL(request.url);
    const room = roomSocketTarget(request, url);
    if (room !== null) return openRoomSocket(request, url, room, env);
    if (url.pathname.startsWith("/parties/")) {
      // Rooms first, on the real Request: itty-router's proxied request is refused by stub.fetch().
      // A client must never supply the identity header itself.
      const clean = new Request(request);
      clean.headers.delete(IDENTITY_HEADER);
      const response = await routePartykitRequest(clean, env as unknown as Record<string, unknown>, {
        // Sockets open to rooms and to users' objects (the inbox) only; no other object is reachable.
        onBeforeConnect: (req, lobby) =>
          lobby.className === "Room"
            ? authorizeSocket(req, lobby.name, env)
            : lobby.className === "User"
              ? authorizeInboxSocket(req, lobby.name, env)
              : errorResponse(new HttpError(404, "not_found", "No such endpoint.")),
        // Plain HTTP to a room is not part of the public surface.
        onBeforeRequest: () => errorResponse(new HttpError(404, "not_found", "No such endpoint.")),
      });
      return response ?? errorResponse(new HttpError(404, "not_found", "No such room endpoint."));
    }
    if (request.method === "OPTIONS") return preflight();
    if (url.pathname.startsWith("/api/")) {
      const response = await api.fetch(request, env, ctx).catch(errorResponse);
      return withCors(response);
    }
    return withCors(await env.ASSETS.fetch(request));
  },
} satisfies ExportedHandler<Env>;
