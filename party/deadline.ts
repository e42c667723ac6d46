/**
 * Runs `run` with a signal that aborts after `ms`, and clears the timer as soon as `run` settles.
 * Not `AbortSignal.timeout`: its timer lives until it fires whatever the request did, and workerd
 * allows an object 10,000 active timers — a room delivering 600 webhooks a second with a 15 s timeout
 * reached it, and every later setTimeout and timeout signal in the room threw QuotaExceededError
 * (seen as "network error" attempts in `npm run bench -- --only webhooks`).
 */
export async function withDeadline<T>(ms: number, run: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(new DOMException(`no answer within ${ms} ms`, "TimeoutError")), ms);
  try {
    return await run(controller.signal);
  } finally {
    clearTimeout(timer);
  }
}
