import type { WebhookLog } from "./webhook-log.ts";
import type { WebhookVars } from "./webhooks/config.ts";

/** The bindings a room reads. The Worker's Env extends this; party/ never imports worker/. */
export interface RoomEnv extends WebhookVars {
  RATE_LIMIT_MSG_PER_SEC?: string;
  RATE_LIMIT_MSG_BURST?: string;
  RATE_LIMIT_FLOOD_STRIKES?: string;
  RATE_LIMIT_FLOOD_WINDOW_SEC?: string;
  RATE_LIMIT_FLOOD_COOLDOWN_SEC?: string;
  /** Calls ring this long before they end `missed`, and must connect this long after an answer. */
  CALL_RING_TIMEOUT_SEC?: string;
  CALL_CONNECT_TIMEOUT_SEC?: string;
  /** Per-user budget for call signaling frames (offers, answers, ICE candidates come in bursts). */
  RATE_LIMIT_SIGNAL_PER_SEC?: string;
  RATE_LIMIT_SIGNAL_BURST?: string;
  /** Calls to a member reached only by push ring this long instead (default 45 s: a phone must wake, show, be unlocked). */
  CALL_PUSH_RING_TIMEOUT_SEC?: string;
  /** Web push (RFC 8292): the VAPID key pair (base64url) and subject; `npm run vapid` makes them. */
  VAPID_PUBLIC_KEY?: string;
  VAPID_PRIVATE_KEY?: string;
  VAPID_SUBJECT?: string;
  /** "true" lets pushes go to http://127.0.0.1 endpoints (local tests); production refuses non-https. */
  PUSH_ALLOW_HTTP?: string;
  /** "false" turns pushes off while VAPID keys are set (benchmarks compare on and off). */
  PUSH_ENABLED?: string;
  /** At most one message push per room per member per this many seconds (default 30). */
  PUSH_MIN_INTERVAL?: string;
  /** Seconds a member who is not looking has to read before `notification.fallback` goes (default 300). */
  FALLBACK_AFTER?: string;
  /** HS256 key of room tokens; rooms derive the key of push action tokens (Decline) from it. */
  TOKEN_SECRET?: string;
  /** "off" turns the rooms' inbox feature off (a bench/diagnostic switch: members' inbox indexes stop following rooms). */
  INBOX_INDEX?: string;
  /** Rooms with more members than this (default 100) are read by members' objects on demand, not written to on every message (party/features/inbox). */
  INBOX_FANOUT_LIMIT?: string;
  /** Seconds a member who is in the room may wait for their own inbox row of it (default 3; 0 = never held; party/features/inbox/held.ts). */
  INBOX_PRESENT_DELAY_SEC?: string;
  /** "true" only in tests: registers the probe feature and its /api/_test routes. */
  INAPP_TALK_TEST_HOOKS?: string;
  /** The deployment's log of failed webhook deliveries (party/webhook-log.ts). */
  WebhookLog?: DurableObjectNamespace<WebhookLog>;
}

/** Reads a positive number (or zero, when `allowZero`) from a wrangler var, falling back to `fallback` for missing or bad values. */
export function numberVar(value: string | undefined, fallback: number, allowZero = false): number {
  const n = Number(value);
  return value !== undefined && value !== "" && Number.isFinite(n) && (n > 0 || (allowZero && n === 0)) ? n : fallback;
}
