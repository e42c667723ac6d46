import { encodeIdentity, IDENTITY_HEADER } from "../party/identity.ts";
import type { Env } from "./env.ts";
import { errorResponse } from "./http-error.ts";
import { verifyForRoom } from "./tokens.ts";

/**
 * Runs before a room socket exists: the token in `?token=` must verify and name the room.
 * The verified identity replaces any identity header the client may have sent.
 */
export async function authorizeSocket(request: Request, room: string, env: Env): Promise<Request | Response> {
  const token = new URL(request.url).searchParams.get("token");
  try {
    const identity = await verifyForRoom(token, room, env.TOKEN_SECRET);
    const forwarded = new Request(request);
    forwarded.headers.set(IDENTITY_HEADER, encodeIdentity(identity));
    return forwarded;
  } catch (err) {
    return errorResponse(err);
  }
}
