import { SELF } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { api, connect, ORIGIN } from "../test/workerd/helpers.ts";

const seller = (body: unknown, ip: string) =>
  SELF.fetch(`${ORIGIN}/api/guest/seller`, {
    method: "POST",
    headers: { "Content-Type": "application/json", "CF-Connecting-IP": ip },
    body: JSON.stringify(body),
  });

interface SellerAnswer {
  token: string;
  user: string;
  key: string;
  rooms: Array<{ room: string; buyer: { user: string; name: string; token: string } }>;
}

const claims = (token: string) => JSON.parse(atob(token.split(".")[1]!.replace(/-/g, "+").replace(/_/g, "/"))) as { sub: string; rooms: string[] };

describe("POST /api/guest/seller (the demo's seller view)", () => {
  it("makes three guest rooms with the seller and one buyer each, and a * token for the seller only", async () => {
    const res = await seller({ name: "Sam" }, "192.0.2.10");
    expect(res.status).toBe(200);
    const a = (await res.json()) as SellerAnswer;
    expect(a.user).toMatch(/^g_/);
    expect(claims(a.token)).toMatchObject({ sub: a.user, rooms: ["*"] });
    expect(a.rooms).toHaveLength(3);
    for (const [i, r] of a.rooms.entries()) {
      // Guest rooms only: the seller's memberships are all inside the guest prefix.
      expect(r.room).toMatch(/^demo-shop-[A-Za-z0-9_-]+-\d$/);
      const info = (await (await api(`/api/rooms/${r.room}`)).json()) as { title: string | null; members: Array<{ user: string; name: string }> };
      expect(info.members.map((m) => [m.user, m.name]).sort()).toEqual(
        [
          [a.user, "Sam"],
          [r.buyer.user, r.buyer.name],
        ].sort(),
      );
      expect(info.title).toBe(i === 2 ? "Vintage camera" : null);
      // A buyer's token names its own room and nothing else.
      expect(claims(r.buyer.token).rooms).toEqual([r.room]);
      const c = await connect(r.room, r.buyer.token);
      expect(typeof c).not.toBe("number");
      if (typeof c !== "number") c.close();
    }
    expect(await connect(a.rooms[1]!.room, a.rooms[0]!.buyer.token)).toBe(403);
    // Fresh rooms every time.
    const b = (await (await seller({ name: "Sam", user: a.user, key: a.key }, "192.0.2.10")).json()) as SellerAnswer;
    expect(b.user).toBe(a.user);
    expect(b.rooms.map((r) => r.room)).not.toContain(a.rooms[0]!.room);
  });

  it("keeps a returning seller's id only with its key, validates the name, and shares the guest rate limit", async () => {
    const ip = "192.0.2.11";
    const a = (await (await seller({ name: "Sam" }, ip)).json()) as SellerAnswer;
    const forged = (await (await seller({ name: "Sam", user: a.user, key: "forged" }, ip)).json()) as SellerAnswer;
    expect(forged.user).not.toBe(a.user);
    expect((await seller({}, "192.0.2.12")).status).toBe(400);
    expect((await seller({ name: "Sam" }, ip)).status).toBe(200);
    const limited = await seller({ name: "Sam" }, ip);
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get("Retry-After"))).toBeGreaterThan(0);
  });
});
