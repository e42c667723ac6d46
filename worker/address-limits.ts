/** Per-address limits of the HTTP API, counted by the Limiter Durable Object (limiter.ts). */
import { numberVar } from "../party/env.ts";
import type { Env } from "./env.ts";
import { HttpError } from "./http-error.ts";

/** The client's address as Cloudflare reports it; "unknown" outside Cloudflare (all such clients share one window). */
export const clientAddress = (request: Request): string => request.headers.get("CF-Connecting-IP") ?? "unknown";

/** Throws 429 with Retry-After when `key` has used up `perMinute` calls in the current minute. */
export async function limitKey(env: Env, key: string, perMinute: number): Promise<void> {
  const retryAfter = await env.Limiter.getByName(key).hit(perMinute, 60);
  if (retryAfter > 0) {
    throw new HttpError(429, "rate_limited", "Too many requests; try again later.", { "Retry-After": String(retryAfter) });
  }
}

/** Per-address: `perMinute` calls of `endpoint` from one client address. */
export const limitAddress = (env: Env, request: Request, endpoint: string, perMinute: number): Promise<void> =>
  limitKey(env, `${endpoint}:${clientAddress(request)}`, perMinute);

/** Per-address limits of the HTTP API, from wrangler vars. */
export const apiLimits = (env: Env) => ({
  guest: numberVar(env.RATE_LIMIT_GUEST_PER_MIN, 10),
  token: numberVar(env.RATE_LIMIT_TOKEN_PER_MIN, 1200),
  session: numberVar(env.RATE_LIMIT_SESSION_PER_MIN, 120),
});

/** Router middleware: this endpoint's per-address limit, before anything else (a wrong API key counts too). */
export const withAddressLimit =
  (endpoint: "guest" | "token" | "session") =>
  (request: Request, env: Env): Promise<void> =>
    limitAddress(env, request, endpoint, apiLimits(env)[endpoint]);
