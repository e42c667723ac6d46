/**
 * Reading a push service's answer (RFC 8030, RFC 8292): what the sender does next.
 * Pure; the sending side (a room's durable timers) acts on it.
 */

/**
 * What the push service's answer means for the sender:
 * - `delivered` (2xx): accepted; never send it again.
 * - `gone` (404, 410): the subscription expired or was revoked; delete it.
 * - `retry` (429, 5xx): try later; `retryAfterMs` from `Retry-After` (seconds or HTTP-date) when given.
 * - `config` (401, 403): our VAPID keys or JWT are wrong; log it, keep the subscription.
 * - `bad` (any other status, e.g. 400, 413): this request will never succeed; drop it.
 */
export type PushOutcome = { kind: "delivered" | "gone" | "config" | "bad" } | { kind: "retry"; retryAfterMs?: number };

/**
 * @example
 *   const outcome = classifyPushResponse(res.status, res.headers.get("Retry-After"));
 *   if (outcome.kind === "retry") timers.set(key, Date.now() + (outcome.retryAfterMs ?? backoff), payload);
 */
export function classifyPushResponse(status: number, retryAfter?: string | null, now = Date.now()): PushOutcome {
  if (status >= 200 && status < 300) return { kind: "delivered" };
  if (status === 404 || status === 410) return { kind: "gone" };
  if (status === 401 || status === 403) return { kind: "config" };
  if (status === 429 || (status >= 500 && status < 600)) {
    const retryAfterMs = parseRetryAfter(retryAfter, now);
    return retryAfterMs === undefined ? { kind: "retry" } : { kind: "retry", retryAfterMs };
  }
  return { kind: "bad" };
}

/** `Retry-After` (RFC 9110 §10.2.3): delay-seconds or an HTTP-date; a date in the past means now (0). */
export function parseRetryAfter(value: string | null | undefined, now = Date.now()): number | undefined {
  const v = value?.trim();
  if (!v) return undefined;
  if (/^\d+$/.test(v)) return Number(v) * 1000;
  // All three HTTP-date forms start with a day name; without this guard V8's lenient Date.parse reads "1.5" as a date in 2001.
  if (!/^[A-Za-z]{3,9},? /.test(v)) return undefined;
  const at = Date.parse(v);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}
