/**
 * Asks the Worker why a socket was refused, and the error for a refusal no retry can fix. Browsers hide the HTTP status of a failed WebSocket
 * upgrade, so without this the widget could not tell a bad token (stop) from a server that is
 * restarting (keep retrying).
 */
export type AuthFailureCode = "unauthorized" | "forbidden" | "expired";
export type SessionVerdict =
  | { ok: true }
  | { ok: false; code: AuthFailureCode; message: string }
  /** The room's flood cool-down: reconnecting before `retryAfterMs` would only be refused again. */
  | { ok: false; slowDown: true; retryAfterMs: number }
  | { ok: false; transient: true };

/** A failure no retry can fix with the same credentials. */
export class AuthError extends Error {
  constructor(
    readonly code: AuthFailureCode,
    message: string,
  ) {
    super(message);
  }
}

const AUTH_CODES: readonly string[] = ["unauthorized", "forbidden", "expired"];

export async function checkSession(server: string, room: string, token: string): Promise<SessionVerdict> {
  let res: Response;
  try {
    res = await fetch(`${server}/api/session?room=${encodeURIComponent(room)}`, {
      headers: { Authorization: `Bearer ${token}` },
    });
  } catch {
    return { ok: false, transient: true };
  }
  if (res.ok) return { ok: true };
  if (res.status === 429) {
    const seconds = Number(res.headers.get("Retry-After"));
    return { ok: false, slowDown: true, retryAfterMs: Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : 5000 };
  }
  if (res.status !== 401 && res.status !== 403) return { ok: false, transient: true };
  const error = await readError(res);
  const code = error && AUTH_CODES.includes(error.code) ? (error.code as AuthFailureCode) : res.status === 403 ? "forbidden" : "unauthorized";
  return { ok: false, code, message: error?.message ?? res.statusText };
}

/** Reads the API's `{ error: { code, message } }` body, tolerating anything else. */
export async function readError(res: Response): Promise<{ code: string; message: string } | null> {
  try {
    const body: unknown = await res.json();
    if (typeof body !== "object" || body === null) return null;
    const error = (body as { error?: unknown }).error;
    if (typeof error !== "object" || error === null) return null;
    const { code, message } = error as { code?: unknown; message?: unknown };
    return typeof code === "string" ? { code, message: typeof message === "string" ? message : code } : null;
  } catch {
    return null;
  }
}
