import { DurableObject } from "cloudflare:workers";
import { numberVar } from "../party/env.ts";
import type { Env } from "./env.ts";
import { HttpError } from "./http-error.ts";

/**
 * A fixed-window counter per key (one object per endpoint and client address), for the HTTP API.
 * The window is written to the object's storage on every hit, so restarting the limiter (a deploy,
 * an eviction, a crash) does not hand an attacker a fresh window.
 */
export class Limiter extends DurableObject {
  private windowStart: number;
  private count: number;

  constructor(ctx: DurableObjectState, env: unknown) {
    super(ctx, env as never);
    ctx.storage.sql.exec("CREATE TABLE IF NOT EXISTS window (id INTEGER PRIMARY KEY CHECK (id = 1), start INTEGER NOT NULL, count INTEGER NOT NULL)");
    const row = ctx.storage.sql.exec<{ start: number; count: number }>("SELECT start, count FROM window").toArray()[0];
    this.windowStart = row?.start ?? 0;
    this.count = row?.count ?? 0;
  }

  /** Counts one hit; returns 0 when allowed, else seconds until the window resets. */
  hit(limit: number, windowSeconds: number): number {
    const now = Date.now();
    if (now - this.windowStart >= windowSeconds * 1000) {
      this.windowStart = now;
      this.count = 0;
    }
    if (this.count >= limit) return Math.ceil((this.windowStart + windowSeconds * 1000 - now) / 1000);
    this.count++;
    this.ctx.storage.sql.exec(
      "INSERT INTO window (id, start, count) VALUES (1, ?, ?) ON CONFLICT (id) DO UPDATE SET start = excluded.start, count = excluded.count",
      this.windowStart,
      this.count,
    );
    return 0;
  }
}

/** The client's address as Cloudflare reports it; "unknown" outside Cloudflare (all such clients share one window). */
export const clientAddress = (request: Request): string => request.headers.get("CF-Connecting-IP") ?? "unknown";

/**
 * Throws 429 with Retry-After when this address has used up `perMinute` calls of `endpoint` in the
 * current minute.
 */
export async function limitAddress(env: Env, request: Request, endpoint: string, perMinute: number): Promise<void> {
  const limiter = env.Limiter.getByName(`${endpoint}:${clientAddress(request)}`);
  const retryAfter = await limiter.hit(perMinute, 60);
  if (retryAfter > 0) {
    throw new HttpError(429, "rate_limited", "Too many requests; try again later.", { "Retry-After": String(retryAfter) });
  }
}

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
