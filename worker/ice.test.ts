// Issue 9: ICE servers only from our Worker, for holders of a valid room token, per-user limited.
import { describe, expect, it } from "vitest";
import { api, token } from "../test/workerd/helpers.ts";

interface Ice {
  iceServers: { urls: string[]; username?: string; credential?: string }[];
  ttl: number;
}

const ice = (tok: string | null) => api("/api/ice", { key: tok });

describe("GET /api/ice", () => {
  it("refuses without a valid room token", async () => {
    expect((await ice(null)).status).toBe(401);
    expect((await ice("not-a-token")).status).toBe(401);
  });

  it("gives the configured STUN URLs and TURN REST credentials bound to the token's user", async () => {
    const before = Math.floor(Date.now() / 1000);
    const res = await ice(await token("ice-user", ["r-ice"]));
    expect(res.status).toBe(200);
    expect(res.headers.get("Cache-Control")).toBe("no-store");
    const body = (await res.json()) as Ice;
    expect(body.ttl).toBe(600);
    expect(body.iceServers[0]).toEqual({ urls: ["stun:127.0.0.1:3478"] });
    const turn = body.iceServers[1]!;
    expect(turn.urls).toEqual(["turn:127.0.0.1:3478?transport=udp", "turn:127.0.0.1:3478?transport=tcp"]);
    const [expiry, user] = turn.username!.split(":");
    expect(user).toBe("ice-user");
    expect(Number(expiry)).toBeGreaterThanOrEqual(before + 600);
    expect(Number(expiry)).toBeLessThanOrEqual(before + 602);
    // HMAC-SHA1 is 20 bytes; the e2e suite recomputes it with node:crypto and coturn accepts it.
    expect(atob(turn.credential!)).toHaveLength(20);
  });

  it("is rate limited per user", async () => {
    const tok = await token("ice-greedy", ["r-ice"]);
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) statuses.push((await ice(tok)).status);
    expect(statuses).toEqual([200, 200, 200, 200, 200, 429]);
    // Another user is not affected.
    expect((await ice(await token("ice-other", ["r-ice"]))).status).toBe(200);
  });

  it("refuses a revoked token", async () => {
    const tok = await token("ice-revoked", ["r-ice"]);
    expect((await api("/api/users/ice-revoked/revoke", { method: "POST" })).status).toBe(200);
    expect((await ice(tok)).status).toBe(401);
  });
});

describe("GET /api/push/key", () => {
  it("gives the VAPID public key without authentication", async () => {
    const res = await api("/api/push/key", { key: null });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ publicKey: "BCVxsr7N_eNgVRqvHtD0zTZsEc6-VV-JvLexhqUzORcxaOzi6-AYWXvTBHm4bjyPjs7Vd8pZGH6SRpkNtoIAiw4" });
  });
});
