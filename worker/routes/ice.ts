import type { IRequest } from "itty-router";
import { numberVar } from "../../party/env.ts";
import { limitKey } from "../address-limits.ts";
import type { Env } from "../env.ts";
import { HttpError } from "../http-error.ts";
import { userStub } from "../room-stub.ts";
import { bearer, verifyToken } from "../tokens.ts";
import { CF_MAX_TTL, cloudflareIceServers, turnCredential, type IceServer } from "../turn.ts";

/**
 * GET /api/ice — ICE servers for a call, for the holder of any valid room token. Precedence:
 * Cloudflare Realtime TURN (CF_TURN_KEY_ID + CF_TURN_API_TOKEN), else coturn TURN REST credentials
 * (TURN_SECRET + TURN_URLS) bound to the token's user, else only the configured STUN URLs — never
 * hidden public defaults. Valid TURN_TTL. Rate limited per user.
 */
export async function getIceServers(request: IRequest, env: Env): Promise<Response> {
  const token = bearer(request);
  if (!token) throw new HttpError(401, "unauthorized", "Missing token.");
  const t = await verifyToken(token, env.TOKEN_SECRET);
  if (await userStub(env, t.user).revoked(t.iat)) throw new HttpError(401, "unauthorized", "This token was revoked.");
  await limitKey(env, `ice:${t.user}`, numberVar(env.RATE_LIMIT_ICE_PER_MIN, 30));

  const ttl = numberVar(env.TURN_TTL, 86_400);
  const iceServers: IceServer[] = [];
  const stun = urls(env.STUN_URLS);
  if (stun.length > 0) iceServers.push({ urls: stun });
  const turn = urls(env.TURN_URLS);
  if (env.CF_TURN_KEY_ID && env.CF_TURN_API_TOKEN) {
    try {
      iceServers.push(...(await cloudflareIceServers(env.CF_TURN_KEY_ID, env.CF_TURN_API_TOKEN, ttl)));
    } catch (err) {
      console.error("Cloudflare TURN:", err);
      throw new HttpError(502, "internal", "The TURN provider is not answering; calls may not connect. Try again.");
    }
    return Response.json({ iceServers, ttl: Math.min(ttl, CF_MAX_TTL) }, { headers: { "Cache-Control": "no-store" } });
  }
  if (turn.length > 0 && env.TURN_SECRET) {
    iceServers.push({ urls: turn, ...(await turnCredential(env.TURN_SECRET, t.user, Math.floor(Date.now() / 1000) + ttl)) });
  }
  return Response.json({ iceServers, ttl }, { headers: { "Cache-Control": "no-store" } });
}

const urls = (value: string | undefined): string[] =>
  (value ?? "")
    .split(",")
    .map((u) => u.trim())
    .filter(Boolean);
