import { encodeIdentity, IDENTITY_HEADER, type Identity } from "../party/identity.ts";
import { coolingDown, rememberCooldown, TARPIT_MS } from "./door.ts";
import type { Env } from "./env.ts";
import { errorResponse, HttpError } from "./http-error.ts";
import { userStub } from "./room-stub.ts";
import { verifyForInbox, verifyForRoom } from "./tokens.ts";

/**
 * Who may open `room` with this token: signature, expiry and room claim (401/403), then the user's
 * object for revocation (401). Shared by the socket upgrade and /api/session, so both say the same.
 */
export async function authorize(token: string | null, room: string, env: Env): Promise<Identity> {
  const remembered = token === null ? 0 : coolingDown(token, room);
  if (remembered > 0) {
    await new Promise((resolve) => setTimeout(resolve, Math.min(remembered, TARPIT_MS)));
    throw coolingDownError(remembered);
  }
  const identity = await verifyForRoom(token, room, env.TOKEN_SECRET);
  const { revoked, retryAfterMs } = await userStub(env, identity.user).admit(room, identity.iat);
  if (revoked) throw new HttpError(401, "unauthorized", "This token was revoked.");
  if (retryAfterMs) {
    if (token !== null) rememberCooldown(token, room, Date.now() + retryAfterMs);
    throw coolingDownError(retryAfterMs);
  }
  return identity;
}

const coolingDownError = (ms: number) =>
  new HttpError(429, "rate_limited", "Too many messages; wait before reconnecting.", { "Retry-After": String(Math.ceil(ms / 1000)) });

/**
 * Runs before a room socket exists: the token in `?token=` must be admitted by `authorize`.
 * The verified identity replaces any identity header the client may have sent.
 */
export async function authorizeSocket(request: Request, room: string, env: Env): Promise<Request | Response> {
  try {
    const identity = await authorize(new URL(request.url).searchParams.get("token"), room, env);
    const forwarded = new Request(request);
    forwarded.headers.set(IDENTITY_HEADER, encodeIdentity(identity));
    return forwarded;
  } catch (err) {
    return errorResponse(err);
  }
}

/**
 * Runs before an inbox socket (`/parties/user/<user>`) exists: only that user's `*` token opens it
 * (401 bad or expired token, 403 another user's or a room token). Revocation is checked by the
 * user's object itself, which this socket reaches anyway.
 */
export async function authorizeInboxSocket(request: Request, user: string, env: Env): Promise<Request | Response> {
  try {
    const identity = await verifyForInbox(new URL(request.url).searchParams.get("token"), user, env.TOKEN_SECRET);
    const forwarded = new Request(request);
    forwarded.headers.set(IDENTITY_HEADER, encodeIdentity(identity));
    return forwarded;
  } catch (err) {
    return errorResponse(err);
  }
}
