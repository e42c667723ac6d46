/**
 * One push to one device, tried once. The room keeps each delivery in a durable timer (index.ts) and
 * calls `attempt` when it is due; the answer says what to do next, so a retry, a restart between a
 * 503 and its retry, or a pruned subscription are the timer table's business, not this function's.
 */
import { withDeadline } from "../../deadline.ts";
import { buildPushRequest, classifyPushResponse, type PushSubscriptionJSON, type Urgency, WebPushError } from "../../notify/webpush.ts";
import type { PushConfig } from "./config.ts";

export interface Delivery {
  /** Unique per push (a retry keeps it): a newer push to the same device and topic replaces this one. */
  id: string;
  user: string;
  subscription: PushSubscriptionJSON;
  /** The declarative JSON, already fitted to one push message. */
  payload: string;
  urgency: Urgency;
  topic: string;
  /** Unix ms after which the push is worthless; the TTL header counts down to it. */
  expires: number;
  /** Unix ms after which a failed try is not retried. */
  giveUpAt: number;
  /** Tries so far. */
  tries: number;
}

/** Bounded retries: at most this many tries, within RETRY_WINDOW_MS of the first. */
export const MAX_TRIES = 5;
export const RETRY_WINDOW_MS = 10 * 60_000;
/** A push service that has not answered by then is treated as unreachable (retried). */
export const SEND_TIMEOUT_MS = 10_000;
/** Without Retry-After: 5 s, 10 s, 20 s, 40 s. */
export const backoffMs = (tries: number) => 5000 * 2 ** Math.max(0, tries - 1);

export type Next =
  | { kind: "done" }
  /** The push service forgot the subscription (404/410): delete it. */
  | { kind: "gone" }
  | { kind: "retry"; at: number }
  /** Give up on this push (and say why in the log); the subscription stays. */
  | { kind: "drop"; reason: string };

export async function attempt(d: Delivery, config: PushConfig, now = Date.now(), send: typeof fetch = fetch): Promise<Next> {
  const ttl = Math.ceil((d.expires - now) / 1000);
  if (ttl <= 0) return { kind: "drop", reason: "expired before it could be delivered" };
  const tries = d.tries + 1;
  const retry = (delay: number): Next => {
    const at = now + Math.max(delay, 1000);
    if (tries >= MAX_TRIES || at > d.giveUpAt) return { kind: "drop", reason: `push service still refusing after ${tries} tries` };
    return { kind: "retry", at };
  };
  let request: Awaited<ReturnType<typeof buildPushRequest>>;
  try {
    request = await buildPushRequest({
      subscription: d.subscription,
      payload: d.payload,
      vapid: config.vapid,
      ttl,
      urgency: d.urgency,
      topic: d.topic,
      allowHttp: config.allowHttp,
      now,
    });
  } catch (err) {
    // Keys that do not decode will never work: the subscription is as good as gone.
    if (err instanceof WebPushError && err.code === "bad_subscription") return { kind: "gone" };
    return { kind: "drop", reason: err instanceof Error ? err.message : String(err) };
  }
  const res = await withDeadline(SEND_TIMEOUT_MS, async (signal) => {
    try {
      const answer = await send(request.url, { ...request.init, signal });
      // The body is never needed; reading it frees the connection.
      await answer.arrayBuffer().catch(() => {});
      return answer;
    } catch {
      return null;
    }
  });
  // Unreachable push service: like a 503 with no Retry-After.
  if (!res) return retry(backoffMs(tries));
  const outcome = classifyPushResponse(res.status, res.headers.get("Retry-After"), now);
  switch (outcome.kind) {
    case "delivered":
      return { kind: "done" };
    case "gone":
      return { kind: "gone" };
    case "retry":
      return retry(outcome.retryAfterMs ?? backoffMs(tries));
    case "config":
      return { kind: "drop", reason: `push service answered ${res.status}: check VAPID_PUBLIC_KEY / VAPID_PRIVATE_KEY / VAPID_SUBJECT` };
    default:
      return { kind: "drop", reason: `push service answered ${res.status}` };
  }
}
