/**
 * One delivery attempt: sign with a fresh timestamp (receivers refuse old ones), POST, classify the
 * answer. Shared by rooms (the outbox) and the Worker (a host's replay of a failed delivery).
 */
import { withDeadline } from "../deadline.ts";
import { parseRetryAfter } from "./schedule.ts";
import { signedHeaders } from "./signing.ts";

export type AttemptResult =
  | { ok: true; status: number }
  /** 410 Gone: the endpoint asked us to stop sending this message. */
  | { ok: false; gone: true; status: number; error: string }
  | { ok: false; gone: false; status: number | null; error: string; retryAfterMs: number | null };

/** Longest part of a receiver's error body kept as the delivery's last error. */
const ERROR_BODY_CHARS = 200;

export async function attemptDelivery(
  url: string,
  key: CryptoKey,
  id: string,
  body: string,
  timeoutMs: number,
  fetcher: typeof fetch = fetch,
): Promise<AttemptResult> {
  const now = Date.now();
  const headers = { "content-type": "application/json", "user-agent": "inapp-talk-webhooks", ...(await signedHeaders(key, id, Math.floor(now / 1000), body)) };
  // The deadline covers the answer's body too: a receiver that sends headers and then stalls is as slow as one that never answers.
  return withDeadline(timeoutMs, async (signal): Promise<AttemptResult> => {
    let res: Response;
    try {
      res = await fetcher(url, { method: "POST", headers, body, redirect: "manual", signal });
    } catch (err) {
      const timedOut = err instanceof Error && (err.name === "TimeoutError" || err.name === "AbortError");
      return {
        ok: false,
        gone: false,
        status: null,
        error: timedOut ? `no answer within ${timeoutMs / 1000} s` : `network error: ${String(err)}`,
        retryAfterMs: null,
      };
    }
    if (res.status >= 200 && res.status < 300) {
      // Nobody reads a receiver's success body; cancelling frees the connection.
      await res.body?.cancel();
      return { ok: true, status: res.status };
    }
    const text = await res.text().catch(() => "");
    const error = `HTTP ${res.status}${text ? `: ${text.slice(0, ERROR_BODY_CHARS)}` : ""}`;
    if (res.status === 410) return { ok: false, gone: true, status: 410, error };
    return { ok: false, gone: false, status: res.status, error, retryAfterMs: parseRetryAfter(res.headers.get("retry-after"), now) };
  });
}
