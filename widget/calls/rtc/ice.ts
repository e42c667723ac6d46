/**
 * ICE servers come only from our Worker (`GET /api/ice`, bearer = a room token): TURN credentials
 * bound to the user, or the configured STUN URLs — never a library's public defaults. They are
 * cached until shortly before their TTL runs out, so a second call asks again only when needed.
 */
export interface IceConfig {
  iceServers: RTCIceServer[];
  ttl: number;
}

/** Ask again this long before the credentials expire (or halfway through a short TTL). */
const MARGIN_MS = 5 * 60_000;

const cache = new Map<string, { servers: Promise<RTCIceServer[]>; until: number }>();

/** When cached credentials must be replaced, from when they were fetched and their TTL (seconds). */
export const refreshAt = (fetchedAt: number, ttl: number): number => fetchedAt + Math.max(ttl * 500, ttl * 1000 - MARGIN_MS);

/** When the cached servers for `server` and `key` are due for renewal, Unix ms (null: none cached). */
export function iceRenewAt(server: string, key: string): number | null {
  const hit = cache.get(`${server}|${key}`);
  return hit && Number.isFinite(hit.until) ? hit.until : null;
}

/** The ICE servers for `server`, for the user of `token` (`key` tells users apart in the cache). */
export function iceServers(server: string, key: string, token: () => Promise<string>, now = Date.now()): Promise<RTCIceServer[]> {
  const id = `${server}|${key}`;
  const hit = cache.get(id);
  if (hit && now < hit.until) return hit.servers;
  const entry = { servers: Promise.resolve<RTCIceServer[]>([]), until: Number.POSITIVE_INFINITY };
  entry.servers = fetchIce(server, token).then(
    (config) => {
      entry.until = refreshAt(Date.now(), config.ttl);
      return config.iceServers;
    },
    (err: unknown) => {
      cache.delete(id);
      throw err;
    },
  );
  cache.set(id, entry);
  return entry.servers;
}

async function fetchIce(server: string, token: () => Promise<string>): Promise<IceConfig> {
  const res = await fetch(`${server}/api/ice`, { headers: { Authorization: `Bearer ${await token()}` } });
  if (!res.ok) throw new Error(`/api/ice answered ${res.status}`);
  const body = (await res.json()) as Partial<IceConfig>;
  return { iceServers: Array.isArray(body.iceServers) ? body.iceServers : [], ttl: typeof body.ttl === "number" ? body.ttl : 0 };
}

/** True when some server can relay (a `turn:`/`turns:` URL): relay-only calls need one. */
export const canRelay = (servers: RTCIceServer[]): boolean => servers.some((s) => (Array.isArray(s.urls) ? s.urls : [s.urls]).some((u) => /^turns?:/.test(u)));
