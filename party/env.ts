/** The bindings a room reads. The Worker's Env extends this; party/ never imports worker/. */
export interface RoomEnv {
  RATE_LIMIT_MSG_PER_SEC?: string;
  RATE_LIMIT_MSG_BURST?: string;
  RATE_LIMIT_FLOOD_STRIKES?: string;
  RATE_LIMIT_FLOOD_WINDOW_SEC?: string;
  RATE_LIMIT_FLOOD_COOLDOWN_SEC?: string;
  /** "true" only in tests: registers the probe feature and its /api/_test routes. */
  INAPP_TALK_TEST_HOOKS?: string;
}

/** Reads a positive number from a wrangler var, falling back to `fallback` for missing or bad values. */
export function numberVar(value: string | undefined, fallback: number): number {
  const n = Number(value);
  return value !== undefined && value !== "" && Number.isFinite(n) && n > 0 ? n : fallback;
}
