/**
 * coturn's TURN REST credentials (`--use-auth-secret`): username `<unix expiry>:<user>`, password
 * base64(HMAC-SHA1(secret, username)). coturn recomputes the HMAC and refuses an expired username,
 * so credentials need no storage and no call to the TURN server.
 */
export async function turnCredential(secret: string, user: string, expiry: number): Promise<{ username: string; credential: string }> {
  const username = `${expiry}:${user}`;
  const key = await crypto.subtle.importKey("raw", new TextEncoder().encode(secret), { name: "HMAC", hash: "SHA-1" }, false, ["sign"]);
  const mac = new Uint8Array(await crypto.subtle.sign("HMAC", key, new TextEncoder().encode(username)));
  return { username, credential: btoa(String.fromCharCode(...mac)) };
}

/** The browser's RTCIceServer, as JSON (workers have no DOM types). */
export interface IceServer {
  urls: string[];
  username?: string;
  credential?: string;
}

/** Cloudflare Realtime TURN's longest credential lifetime. */
export const CF_MAX_TTL = 48 * 3600;

/**
 * Cloudflare Realtime TURN: mints short-lived credentials with the TURN key's API token.
 * `POST https://rtc.live.cloudflare.com/v1/turn/keys/<id>/credentials/generate-ice-servers`
 * `{ ttl }` → `201 { iceServers }`. URLs on port 53 are dropped: browsers block that port, and
 * a candidate that can never work only slows ICE down; `turns:` on 443 stays for strict networks.
 * Throws on anything but a 201 with servers: the caller answers 502.
 */
export async function cloudflareIceServers(
  keyId: string,
  apiToken: string,
  ttl: number,
  fetcher: typeof fetch = fetch,
  base = "https://rtc.live.cloudflare.com",
): Promise<IceServer[]> {
  const res = await fetcher(`${base}/v1/turn/keys/${encodeURIComponent(keyId)}/credentials/generate-ice-servers`, {
    method: "POST",
    headers: { Authorization: `Bearer ${apiToken}`, "Content-Type": "application/json" },
    body: JSON.stringify({ ttl: Math.min(ttl, CF_MAX_TTL) }),
  });
  if (res.status !== 201) throw new Error(`Cloudflare TURN answered ${res.status}`);
  const body: unknown = await res.json();
  const list = typeof body === "object" && body !== null ? (body as { iceServers?: unknown }).iceServers : undefined;
  // The API has answered both one server object and a list of them.
  const servers = Array.isArray(list) ? list : list !== undefined ? [list] : [];
  const out: IceServer[] = [];
  for (const s of servers) {
    if (typeof s !== "object" || s === null) continue;
    const { urls, username, credential } = s as Record<string, unknown>;
    const all = (Array.isArray(urls) ? urls : [urls]).filter((u): u is string => typeof u === "string");
    const usable = all.filter((u) => !/:53(\?|$)/.test(u));
    if (usable.length === 0) continue;
    out.push({ urls: usable, ...(typeof username === "string" && typeof credential === "string" ? { username, credential } : {}) });
  }
  if (out.length === 0) throw new Error("Cloudflare TURN answered without usable ICE servers");
  return out;
}
