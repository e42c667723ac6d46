import type { RoomEnv } from "../party/env.ts";
import type { Room } from "../party/room.ts";
import type { User } from "../party/user.ts";
import type { Limiter } from "./limiter.ts";

/** Bindings and configuration (wrangler.toml vars; secrets from .dev.vars or `wrangler secret put`). */
export interface Env extends RoomEnv {
  Room: DurableObjectNamespace<Room>;
  Limiter: DurableObjectNamespace<Limiter>;
  User: DurableObjectNamespace<User>;
  ASSETS: Fetcher;
  /** Host backends authenticate with this key. */
  INAPP_TALK_API_KEY: string;
  /** HS256 key for room tokens. */
  TOKEN_SECRET: string;
  /** Rooms starting with this prefix accept guests; empty turns guests off. */
  GUEST_ROOM_PREFIX?: string;
  RATE_LIMIT_GUEST_PER_MIN?: string;
  /** TURN REST (coturn `--use-auth-secret`): shared secret, comma-separated turn:/turns: URLs, credential lifetime (s). */
  TURN_SECRET?: string;
  TURN_URLS?: string;
  TURN_TTL?: string;
  /** Cloudflare Realtime TURN key id and its API token: when both are set they win over coturn. */
  CF_TURN_KEY_ID?: string;
  CF_TURN_API_TOKEN?: string;
  /** Comma-separated stun: URLs, offered with or without TURN. */
  STUN_URLS?: string;
  RATE_LIMIT_ICE_PER_MIN?: string;
  // Web push settings (VAPID_*, PUSH_*) are in RoomEnv: rooms send the pushes.
  /** Call cap of guest tokens, seconds (default 600). */
  GUEST_CALL_SECONDS?: string;
  RATE_LIMIT_TOKEN_PER_MIN?: string;
  RATE_LIMIT_SESSION_PER_MIN?: string;
}
