/**
 * Web push for the widget (party/features/push sends; party/user/push-store.ts keeps devices):
 *   GET    /api/push/key               the VAPID public key (`applicationServerKey`)
 *   POST   /api/push/subscribe         store this device for the token's user
 *   POST   /api/push/unsubscribe       forget it
 *   GET|PUT|DELETE /api/push/mutes/:room   one conversation's notifications off / on
 *   POST   /api/calls/decline          Decline from a notification (signed action token, no room token)
 * The widget authenticates with its room token (`Authorization: Bearer`); a subscription is the
 * user's, whichever room's token registered it.
 */
import type { IRequest } from "itty-router";
import { verifyDecline } from "../../party/features/push/action-token.ts";
import { fromBase64Url, LOCAL_HTTP_HOSTS } from "../../party/notify/webpush.ts";
import { isPushLang, PUSH_LANGS, type PushLang, type StoredSubscription } from "../../party/user/push-store.ts";
import { limitKey } from "../address-limits.ts";
import { readJsonObject, roomId } from "../body.ts";
import type { Env } from "../env.ts";
import { badRequest, HttpError } from "../http-error.ts";
import { roomStub, userStub } from "../room-stub.ts";
import { bearer, verifyForRoom, verifyToken } from "../tokens.ts";

/** Push service URLs are a few hundred characters; anything near this is not one. */
export const MAX_ENDPOINT_LENGTH = 2048;
export const MAX_PAGE_URL_LENGTH = 2048;
/** Subscribe/unsubscribe/mute calls per user per minute: a page does one or two. */
const PUSH_CALLS_PER_MIN = 30;

/**
 * GET /api/push/key — the VAPID public key a browser subscribes with (`applicationServerKey`).
 * Public by nature: it only lets a push service check that our pushes are ours.
 */
export function getPushKey(_request: Request, env: Env): Response {
  if (!env.VAPID_PUBLIC_KEY) throw notConfigured();
  return Response.json({ publicKey: env.VAPID_PUBLIC_KEY }, { headers: { "Cache-Control": "public, max-age=3600" } });
}

const notConfigured = () => new HttpError(404, "not_found", "Web push is not configured (VAPID_PUBLIC_KEY).");

/** The token's user, for any room: subscriptions are per person and device. */
async function pushUser(request: IRequest, env: Env): Promise<string> {
  if (!env.VAPID_PUBLIC_KEY) throw notConfigured();
  const token = bearer(request);
  if (!token) throw new HttpError(401, "unauthorized", "Missing token.");
  const t = await verifyToken(token, env.TOKEN_SECRET);
  if (await userStub(env, t.user).revoked(t.iat)) throw new HttpError(401, "unauthorized", "This token was revoked.");
  await limitKey(env, `push:${t.user}`, PUSH_CALLS_PER_MIN);
  return t.user;
}

/** A push endpoint we may POST to: https, or the local push service when PUSH_ALLOW_HTTP=true. */
function endpoint(value: unknown, env: Env): string {
  if (typeof value !== "string" || value.length === 0 || value.length > MAX_ENDPOINT_LENGTH) {
    throw badRequest(`subscription.endpoint must be a URL of at most ${MAX_ENDPOINT_LENGTH} characters.`);
  }
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw badRequest("subscription.endpoint is not a URL.");
  }
  const local = env.PUSH_ALLOW_HTTP === "true" && url.protocol === "http:" && LOCAL_HTTP_HOSTS.includes(url.hostname);
  if (url.protocol !== "https:" && !local) throw badRequest("subscription.endpoint must be an https: URL.");
  return value;
}

function key(value: unknown, field: string, length: number): string {
  let bytes: Uint8Array;
  try {
    bytes = fromBase64Url(value as string, field, "bad_subscription");
  } catch {
    throw badRequest(`${field} must be base64url.`);
  }
  if (bytes.length !== length) throw badRequest(`${field} must be ${length} bytes (base64url).`);
  if (field.endsWith("p256dh") && bytes[0] !== 0x04) throw badRequest(`${field} must be an uncompressed P-256 point.`);
  return value as string;
}

function pageUrl(value: unknown): string {
  if (typeof value !== "string" || value.length > MAX_PAGE_URL_LENGTH)
    throw badRequest(`url must be an http(s) URL of at most ${MAX_PAGE_URL_LENGTH} characters.`);
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw badRequest("url is not a URL.");
  }
  // The notification navigates there: nothing but web pages.
  if (url.protocol !== "https:" && url.protocol !== "http:") throw badRequest("url must be an http(s) URL.");
  return url.href;
}

/** Reads `{ subscription: { endpoint, keys: { p256dh, auth } }, url, lang? }` from unknown JSON. */
export function parseSubscribe(body: Record<string, unknown>, env: Env): StoredSubscription {
  const sub = body.subscription;
  if (typeof sub !== "object" || sub === null) throw badRequest("subscription must be the PushSubscription's toJSON().");
  const { endpoint: ep, keys } = sub as Record<string, unknown>;
  if (typeof keys !== "object" || keys === null) throw badRequest("subscription.keys must hold p256dh and auth.");
  const { p256dh, auth } = keys as Record<string, unknown>;
  return {
    endpoint: endpoint(ep, env),
    keys: { p256dh: key(p256dh, "subscription.keys.p256dh", 65), auth: key(auth, "subscription.keys.auth", 16) },
    url: pageUrl(body.url),
    ...language(body.lang),
  };
}

/** The notifications' language: `en` or `ko`; absent = English. */
function language(value: unknown): { lang?: PushLang } {
  if (value === undefined || value === null) return {};
  if (!isPushLang(value)) throw badRequest(`lang must be one of ${PUSH_LANGS.map((l) => `"${l}"`).join(", ")}.`);
  return { lang: value };
}

/** POST /api/push/subscribe → 201 `{ ok: true }`; the same endpoint again updates it. */
export async function subscribe(request: IRequest, env: Env): Promise<Response> {
  const user = await pushUser(request, env);
  const subscription = parseSubscribe(await readJsonObject(request), env);
  await userStub(env, user).pushSubscribe(subscription);
  return Response.json({ ok: true }, { status: 201 });
}

/** POST /api/push/unsubscribe `{ endpoint }` → 200 `{ ok: true }` (also when it was not registered). */
export async function unsubscribe(request: IRequest, env: Env): Promise<Response> {
  const user = await pushUser(request, env);
  const body = await readJsonObject(request);
  if (typeof body.endpoint !== "string" || body.endpoint.length > MAX_ENDPOINT_LENGTH) throw badRequest("endpoint must be the subscription's endpoint.");
  await userStub(env, user).pushUnsubscribe(body.endpoint);
  return Response.json({ ok: true });
}

/** GET, PUT (mute) and DELETE (unmute) /api/push/mutes/:room with a token valid for that room. */
export async function mutes(request: IRequest, env: Env): Promise<Response> {
  if (!env.VAPID_PUBLIC_KEY) throw notConfigured();
  const room = roomId(request.params.room);
  const { user } = await verifyForRoom(bearer(request), room, env.TOKEN_SECRET);
  const stub = userStub(env, user);
  if (request.method === "GET") return Response.json({ room, muted: await stub.pushMuted(room) });
  await limitKey(env, `push:${user}`, PUSH_CALLS_PER_MIN);
  const muted = request.method === "PUT";
  await stub.pushMute(room, muted);
  return Response.json({ room, muted });
}

/**
 * POST /api/calls/decline `{ token }` — the service worker's Decline button. The token (in the ring
 * push) names one call and one callee and expires with the ring. 200 `{ ok, declined }`: declined is
 * false when the call had already stopped ringing (answered, cancelled, timed out).
 */
export async function declineCall(request: IRequest, env: Env): Promise<Response> {
  const body = await readJsonObject(request);
  const claims = await verifyDecline(body.token, env.TOKEN_SECRET);
  if (!claims) throw new HttpError(401, "unauthorized", "Invalid or expired action token.");
  const declined = await roomStub(env, claims.room).declineCall(claims.call, claims.user);
  return Response.json({ ok: true, declined });
}
