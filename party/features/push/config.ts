/**
 * The room's push settings, read from wrangler vars. No VAPID keys (or PUSH_ENABLED=false) means
 * no pushes at all: rooms then behave exactly as before push existed.
 */
import type { VapidKeys } from "../../notify/webpush.ts";
import { numberVar, type RoomEnv } from "../../env.ts";

export interface PushConfig {
  vapid: VapidKeys;
  allowHttp: boolean;
  /** At most one message push per room per member per this many ms. */
  minIntervalMs: number;
}

export const DEFAULT_MIN_INTERVAL_SEC = 30;

export function pushConfig(env: RoomEnv): PushConfig | null {
  const { VAPID_PUBLIC_KEY: publicKey, VAPID_PRIVATE_KEY: privateKey, VAPID_SUBJECT: subject } = env;
  if (env.PUSH_ENABLED === "false" || !publicKey || !privateKey || !subject) return null;
  return {
    vapid: { publicKey, privateKey, subject },
    allowHttp: env.PUSH_ALLOW_HTTP === "true",
    minIntervalMs: numberVar(env.PUSH_MIN_INTERVAL, DEFAULT_MIN_INTERVAL_SEC, true) * 1000,
  };
}
