import type { IRequest } from "itty-router";
import { numberVar } from "../../party/env.ts";
import { limitKey } from "../address-limits.ts";
import type { Env } from "../env.ts";
import { HttpError } from "../http-error.ts";
import { userStub } from "../room-stub.ts";
import { bearer, verifyToken } from "../tokens.ts";
import { turnCredential } from "../turn.ts";

/** The browser's RTCIceServer, as JSON (workers have no DOM types). */
interface IceServer {
  urls: string[];
  username?: string;
  credential?: string;
}

/**
 * GET /api/ice — ICE servers for a call, for the holder of any valid room token. TURN credentials
 * are coturn's TURN REST kind, bound to the token's user and valid for TURN_TTL; without TURN only
 * the configured STUN URLs — never hidden public defaults. Rate limited per user.
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
