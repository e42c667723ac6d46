/**
 * When to try a webhook delivery again: the Standard Webhooks schedule (immediately, then 5 s, 5 min,
 * 30 min, 2 h, 5 h, 10 h, 10 h after each failure), with ±20 % jitter so many rooms that failed
 * together do not retry together. `scale` shrinks it for tests (WEBHOOK_RETRY_SCALE).
 */

/** Delay before attempt n+1, indexed by the attempts made so far (attempt 1 is immediate). */
export const RETRY_SCHEDULE_MS = [5_000, 5 * 60_000, 30 * 60_000, 2 * 3600_000, 5 * 3600_000, 10 * 3600_000, 10 * 3600_000] as const;

/** Attempts in all: the first one plus one per schedule step. */
export const MAX_ATTEMPTS = RETRY_SCHEDULE_MS.length + 1;

/** The longest a receiver's Retry-After may push a retry out (the schedule's longest step). */
export const MAX_RETRY_AFTER_MS = 10 * 3600_000;

/**
 * Milliseconds until the next attempt after `attempts` failed ones, or null when none is left.
 * A receiver's `Retry-After` is honoured: the retry is never earlier than it asked.
 */
export function nextDelay(attempts: number, scale: number, retryAfterMs: number | null, random: () => number = Math.random): number | null {
  const step = RETRY_SCHEDULE_MS[attempts - 1];
  if (step === undefined) return null;
  const jittered = step * scale * (0.8 + 0.4 * random());
  return Math.round(Math.max(jittered, Math.min(retryAfterMs ?? 0, MAX_RETRY_AFTER_MS)));
}

/** `Retry-After` in ms: delay-seconds or an HTTP date; null when absent or unreadable. */
export function parseRetryAfter(value: string | null, now: number): number | null {
  if (value === null) return null;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const at = Date.parse(trimmed);
  return Number.isNaN(at) ? null : Math.max(0, at - now);
}
