/**
 * Cool-downs remembered by this isolate. A flooder in cool-down reconnects hundreds of times a
 * second with the same token; once the user's object has said "wait" for it, this isolate answers
 * 429 from memory, without verifying the token again or calling the user's object — so the flood
 * costs the shared runtime a map lookup per attempt (BENCHMARKS.md, flood isolation).
 *
 * Keyed by the exact token string and room: only that token's holder is refused, so nobody can get
 * another user refused. Other isolates learn it from the user's object, which stays the authority.
 */
const MAX_ENTRIES = 10_000;
/**
 * How long a remembered refusal is held before it is answered. Waiting costs the runtime a timer,
 * not CPU; a client that reconnects as soon as it is refused (a script, a widget stuck in a loop)
 * then knocks once a second per socket instead of hundreds of times.
 */
export const TARPIT_MS = 1_000;
const until = new Map<string, number>();

const keyOf = (token: string, room: string) => `${room}\n${token}`;

/** Milliseconds this token must still wait before it may open `room` here (0: ask as usual). */
export function coolingDown(token: string, room: string, now = Date.now()): number {
  const key = keyOf(token, room);
  const end = until.get(key);
  if (end === undefined) return 0;
  if (end > now) return end - now;
  until.delete(key);
  return 0;
}

/** The user's object refused this token for `room` until `end` (Unix ms). */
export function rememberCooldown(token: string, room: string, end: number): void {
  const key = keyOf(token, room);
  until.delete(key);
  // Insertion order is age order: drop the oldest when full (a flood of distinct tokens costs the Worker their verification anyway).
  if (until.size >= MAX_ENTRIES) {
    const oldest = until.keys().next();
    if (!oldest.done) until.delete(oldest.value);
  }
  until.set(key, end);
}
