/**
 * The chat server's push endpoints, as the widget calls them (README "Backend API"): every call but
 * the key carries the room token, and every failure becomes a PushApiError with the server's code.
 */
import type { FeatureContext } from "../features/types.ts";

export class PushApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
  ) {
    super(`push API answered ${status} ${code}`);
  }
}

type Ctx = Pick<FeatureContext, "server" | "token">;

async function call(ctx: Ctx, method: string, path: string, body?: unknown, auth = true): Promise<unknown> {
  const headers: Record<string, string> = {};
  if (auth) headers.authorization = `Bearer ${await ctx.token()}`;
  if (body !== undefined) headers["content-type"] = "application/json";
  const res = await fetch(`${ctx.server()}/api/push/${path}`, { method, headers, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
  const json: unknown = await res.json().catch(() => null);
  if (!res.ok) {
    const error = (json as { error?: { code?: unknown } } | null)?.error;
    throw new PushApiError(res.status, typeof error?.code === "string" ? error.code : "http_error");
  }
  return json;
}

/** The VAPID public key, or null when the server has no web push configured (404). */
export async function publicKey(ctx: Ctx): Promise<string | null> {
  try {
    const body = await call(ctx, "GET", "key", undefined, false);
    const key = (body as { publicKey?: unknown } | null)?.publicKey;
    return typeof key === "string" && key ? key : null;
  } catch (err) {
    if (err instanceof PushApiError && err.status === 404) return null;
    throw err;
  }
}

/** Stores this device's subscription for the token's user; `url` is the page a click opens, `lang` the notifications' language. */
export async function postSubscription(ctx: Ctx, subscription: PushSubscriptionJSON, url: string, lang: string): Promise<void> {
  await call(ctx, "POST", "subscribe", { subscription, url, lang });
}

export async function postUnsubscribe(ctx: Ctx, endpoint: string): Promise<void> {
  await call(ctx, "POST", "unsubscribe", { endpoint });
}

/** This conversation's mute (`GET`), or sets it (`PUT` mutes, `DELETE` unmutes); the server's answer wins. */
export async function mute(ctx: Ctx, room: string, set?: boolean): Promise<boolean> {
  const method = set === undefined ? "GET" : set ? "PUT" : "DELETE";
  const body = await call(ctx, method, `mutes/${encodeURIComponent(room)}`);
  return (body as { muted?: unknown } | null)?.muted === true;
}
