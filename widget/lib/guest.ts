/**
 * Guest sign-in (`guest` attribute): the Worker issues a room token for a display name and a
 * guest identity the browser keeps, so a reload is the same person. A chunk: only pages with
 * guests fetch it.
 */
import { AuthError, readError } from "./session.ts";

interface GuestIdentity {
  user: string;
  key: string;
}

export async function guestToken(server: string, room: string, name: string, retried = false): Promise<string> {
  const storageKey = `inapp-talk:guest:${server}`;
  const known = retried ? null : load(storageKey);
  const res = await fetch(`${server}/api/guest`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ room, name, ...known }),
  });
  if (!res.ok) {
    const error = await readError(res);
    // A stored identity the server no longer accepts: start over as a new guest once.
    if ((res.status === 400 || res.status === 401) && known && !retried) return guestToken(server, room, name, true);
    if (res.status === 401 || res.status === 403)
      throw new AuthError(res.status === 403 ? "forbidden" : "unauthorized", error?.message ?? "Guest access refused");
    throw new Error(error?.message ?? `Guest sign-in failed (${res.status})`);
  }
  const body = (await res.json()) as { token?: unknown; user?: unknown; key?: unknown };
  if (typeof body.token !== "string") throw new Error("Guest sign-in returned no token");
  if (typeof body.user === "string" && typeof body.key === "string") save(storageKey, { user: body.user, key: body.key });
  return body.token;
}

// Storage can throw (disabled cookies, sandboxed iframes): a guest then simply gets a new id.
function load(key: string): GuestIdentity | null {
  try {
    const value: unknown = JSON.parse(localStorage.getItem(key) ?? "null");
    if (typeof value !== "object" || value === null) return null;
    const { user, key: secret } = value as Record<string, unknown>;
    return typeof user === "string" && typeof secret === "string" ? { user, key: secret } : null;
  } catch {
    return null;
  }
}

function save(key: string, identity: GuestIdentity): void {
  try {
    localStorage.setItem(key, JSON.stringify(identity));
  } catch {
    /* see load() */
  }
}
