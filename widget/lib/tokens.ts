/**
 * Where the widget's room token comes from: a fixed `token`, the host's `token-url`, or a guest
 * sign-in. Tokens are cached until shortly before their `exp`.
 */
import { readError, type AuthFailureCode } from "./session.ts";
import { refreshAt } from "./jwt.ts";

export type Credentials =
  | { kind: "token"; token: string }
  | { kind: "url"; url: string }
  | { kind: "guest"; name: string };

/** A failure no retry can fix with the same credentials. */
export class AuthError extends Error {
  constructor(
    readonly code: AuthFailureCode,
    message: string,
  ) {
    super(message);
  }
}

interface GuestIdentity {
  user: string;
  key: string;
}

export class TokenSource {
  private token: string | null = null;
  private inflight: Promise<string> | null = null;

  constructor(
    private server: string,
    private room: string,
    private credentials: Credentials,
  ) {
    if (credentials.kind === "token") this.token = credentials.token;
  }

  /** A fixed token cannot be replaced; the others can be fetched again. */
  get canRefresh(): boolean {
    return this.credentials.kind !== "token";
  }

  /** A token that is not about to expire, fetching one when needed. */
  async get(): Promise<string> {
    if (this.token && (!this.canRefresh || Date.now() < (refreshAt(this.token) ?? Infinity))) return this.token;
    return this.refresh();
  }

  /** Milliseconds until the current token should be replaced (null: never). */
  msUntilRefresh(): number | null {
    if (!this.canRefresh || !this.token) return null;
    const at = refreshAt(this.token);
    return at === null ? null : Math.max(0, at - Date.now());
  }

  /** Fetches a new token now (one request at a time). */
  refresh(): Promise<string> {
    if (this.credentials.kind === "token") return Promise.resolve(this.credentials.token);
    this.inflight ??= this.fetchToken().finally(() => (this.inflight = null));
    return this.inflight;
  }

  private async fetchToken(): Promise<string> {
    const c = this.credentials;
    const token = c.kind === "url" ? await fromUrl(c.url) : c.kind === "guest" ? await this.guest(c.name) : c.token;
    this.token = token;
    return token;
  }

  private async guest(name: string, retried = false): Promise<string> {
    const storageKey = `inapp-talk:guest:${this.server}`;
    const known = retried ? null : load(storageKey);
    const res = await fetch(`${this.server}/api/guest`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ room: this.room, name, ...known }),
    });
    if (!res.ok) {
      const error = await readError(res);
      // A stored identity the server no longer accepts: start over as a new guest once.
      if ((res.status === 400 || res.status === 401) && known && !retried) return this.guest(name, true);
      if (res.status === 401 || res.status === 403) throw new AuthError(res.status === 403 ? "forbidden" : "unauthorized", error?.message ?? "Guest access refused");
      throw new Error(error?.message ?? `Guest sign-in failed (${res.status})`);
    }
    const body = (await res.json()) as { token?: unknown; user?: unknown; key?: unknown };
    if (typeof body.token !== "string") throw new Error("Guest sign-in returned no token");
    if (typeof body.user === "string" && typeof body.key === "string") save(storageKey, { user: body.user, key: body.key });
    return body.token;
  }
}

async function fromUrl(url: string): Promise<string> {
  const res = await fetch(url, { credentials: "include" });
  if (res.status === 401 || res.status === 403) {
    throw new AuthError(res.status === 403 ? "forbidden" : "unauthorized", `token-url answered ${res.status}`);
  }
  if (!res.ok) throw new Error(`token-url answered ${res.status}`);
  const body = (await res.json()) as { token?: unknown };
  if (typeof body.token !== "string") throw new Error("token-url returned no token");
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
