/**
 * Where the widget's room token comes from: a fixed `token`, the host's `token-url`, or a guest
 * sign-in (guest.ts, a chunk only guest pages fetch). Tokens are cached until shortly before
 * their `exp`.
 */
import { refreshAt } from "./jwt.ts";
import { AuthError } from "./session.ts";

export type Credentials = { kind: "token"; token: string } | { kind: "url"; url: string } | { kind: "guest"; name: string };

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

  /** The token held now, if any (its claims say what the user may do: `call_seconds`, `relay`). */
  get current(): string | null {
    return this.token;
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
    const token =
      c.kind === "url" ? await fromUrl(c.url) : c.kind === "guest" ? await (await import("./guest.ts")).guestToken(this.server, this.room, c.name) : c.token;
    this.token = token;
    return token;
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
