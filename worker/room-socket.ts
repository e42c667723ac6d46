/**
 * The path every chat socket takes: `/parties/room/<room>` with an upgrade. Routed here rather than
 * through partyserver's `routePartykitRequest`, which copies the Request twice (and our hooks around
 * it twice more) and parses the URL again at each step: in a crowd of joins that is CPU the Worker
 * spends per connect for nothing. Here the URL is parsed once, the token checked once, and one Request
 * is built for the room — its headers the client's minus any identity it claimed, plus the verified one.
 */
import { encodeIdentity, IDENTITY_HEADER } from "../party/identity.ts";
import { authorize } from "./connect.ts";
import type { Env } from "./env.ts";
import { errorResponse } from "./http-error.ts";

const PREFIX = "/parties/room/";

/** The room a socket upgrade is for, or null when the request is anything else (left to the other routes). */
export function roomSocketTarget(request: Request, url: URL): string | null {
  if (!url.pathname.startsWith(PREFIX) || request.headers.get("Upgrade")?.toLowerCase() !== "websocket") return null;
  const room = url.pathname.slice(PREFIX.length).replace(/\/$/, "");
  // One path segment, as partyserver routes it; anything deeper is not a room socket.
  return room === "" || room.includes("/") ? null : room;
}

export async function openRoomSocket(request: Request, url: URL, room: string, env: Env): Promise<Response> {
  try {
    const identity = await authorize(url.searchParams.get("token"), room, env);
    const headers = new Headers(request.headers);
    // `set` replaces an identity header the client may have sent: only the verified one reaches the room.
    headers.set(IDENTITY_HEADER, encodeIdentity(identity));
    const forward = new Request(url, { headers });
    const stub = env.Room.getByName(room);
    // As partyserver's router does: a transient failure of the object (marked retryable, not
    // overloaded) is tried again after a short random wait. A bodiless upgrade can be sent again.
    for (let attempt = 1; ; attempt++) {
      try {
        return await stub.fetch(forward);
      } catch (err) {
        if (attempt >= MAX_ATTEMPTS || !isRetryable(err)) throw err;
        await new Promise((resolve) => setTimeout(resolve, Math.random() * RETRY_BASE_MS * 2 ** (attempt - 1)));
      }
    }
  } catch (err) {
    return errorResponse(err);
  }
}

const MAX_ATTEMPTS = 3;
const RETRY_BASE_MS = 100;

const isRetryable = (err: unknown) =>
  typeof err === "object" && err !== null && (err as { retryable?: unknown }).retryable === true && (err as { overloaded?: unknown }).overloaded !== true;
