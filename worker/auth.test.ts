import { SignJWT } from "jose";
import { describe, expect, it } from "vitest";
import { api, connect, env, join, ORIGIN, token } from "../test/workerd/helpers.ts";
import { PROTOCOL_VERSION } from "../protocol/index.ts";
import { SELF } from "cloudflare:test";

const secret = () => new TextEncoder().encode((env as unknown as { TOKEN_SECRET: string }).TOKEN_SECRET);

async function signed(claims: Record<string, unknown>, key = secret(), exp = Math.floor(Date.now() / 1000) + 600) {
  return new SignJWT({ name: "X", rooms: ["r-auth"], role: "member", ...claims })
    .setProtectedHeader({ alg: "HS256" })
    .setSubject("u1")
    .setIssuedAt()
    .setExpirationTime(exp)
    .sign(key);
}

async function session(room: string, tok: string | null) {
  const res = await SELF.fetch(`${ORIGIN}/api/session?room=${room}`, { headers: tok ? { Authorization: `Bearer ${tok}` } : {} });
  return { status: res.status, body: (await res.json()) as { error?: { code: string }; user?: string } };
}

describe("POST /api/token", () => {
  it("issues a token with the documented claims and expiry", async () => {
    const before = Math.floor(Date.now() / 1000);
    const res = await api("/api/token", {
      method: "POST",
      body: JSON.stringify({ user: "u1", name: "Alice", rooms: ["r1"], ttl: 120, role: "moderator", relay: true, call_seconds: 300 }),
    });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { token: string; expires_at: number };
    expect(body.expires_at).toBeGreaterThanOrEqual(before + 120);
    expect(body.expires_at).toBeLessThanOrEqual(before + 122);
    const claims = JSON.parse(atob(body.token.split(".")[1]!.replace(/-/g, "+").replace(/_/g, "/")));
    expect(claims).toMatchObject({ sub: "u1", name: "Alice", rooms: ["r1"], role: "moderator", relay: true, call_seconds: 300 });
    expect(claims.exp - claims.iat).toBe(120);
  });

  it.each([
    ["no key", null, 401],
    ["wrong key", "nope", 401],
  ])("refuses %s", async (_, key, status) => {
    const res = await api("/api/token", { method: "POST", key, body: JSON.stringify({ user: "u1", name: "A", rooms: ["r1"], ttl: 3600 }) });
    expect(res.status).toBe(status);
    expect(await res.json()).toMatchObject({ error: { code: "unauthorized" } });
  });

  it.each([
    ["bad room id", { user: "u1", name: "A", rooms: ["has space"], ttl: 3600 }],
    ["room id too long", { user: "u1", name: "A", rooms: ["r".repeat(129)], ttl: 3600 }],
    ["no rooms", { user: "u1", name: "A", rooms: [], ttl: 3600 }],
    ["ttl too short", { user: "u1", name: "A", rooms: ["r1"], ttl: 59 }],
    ["ttl too long", { user: "u1", name: "A", rooms: ["r1"], ttl: 30 * 24 * 3600 + 1 }],
    ["missing name", { user: "u1", rooms: ["r1"], ttl: 3600 }],
    ["bad user", { user: "", name: "A", rooms: ["r1"], ttl: 3600 }],
    ["bad role", { user: "u1", name: "A", rooms: ["r1"], ttl: 3600, role: "admin" }],
  ])("answers 400 invalid_request for %s", async (_, body) => {
    const res = await api("/api/token", { method: "POST", body: JSON.stringify(body) });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: { code: "invalid_request" } });
  });

  it("answers 400 for a body that is not JSON", async () => {
    const res = await api("/api/token", { method: "POST", body: "{nope" });
    expect(res.status).toBe(400);
  });
});

describe("socket authorization (before the socket opens)", () => {
  it("accepts a valid token for the room", async () => {
    const c = await join("r-auth", "u1");
    expect(c.of("welcome")[0]).toMatchObject({ user: "u1", name: "u1 name", room: "r-auth", v: PROTOCOL_VERSION });
  });

  it.each([
    ["no token", async () => null],
    ["malformed token", async () => "not.a.jwt"],
    ["bad signature", async () => signed({}, new TextEncoder().encode("another-secret-another-secret-123"))],
    ["expired token", async () => signed({}, secret(), Math.floor(Date.now() / 1000) - 10)],
    ["bad claims", async () => signed({ rooms: "r-auth" })],
  ])("refuses %s with 401 and no socket", async (_, make) => {
    expect(await connect("r-auth", await make())).toBe(401);
  });

  it("refuses a room not in the token with 403", async () => {
    expect(await connect("r-other", await token("u1", ["r-auth"]))).toBe(403);
  });

  it("explains refusals over HTTP so the widget can tell the user", async () => {
    expect((await session("r-auth", await token("u1", ["r-auth"]))).status).toBe(200);
    expect(await session("r-auth", null)).toMatchObject({ status: 401, body: { error: { code: "unauthorized" } } });
    expect(await session("r-auth", await signed({}, secret(), Math.floor(Date.now() / 1000) - 10))).toMatchObject({
      status: 401,
      body: { error: { code: "expired" } },
    });
    expect(await session("r-other", await token("u1", ["r-auth"]))).toMatchObject({ status: 403, body: { error: { code: "forbidden" } } });
  });

  it("ignores an identity header sent by the client", async () => {
    const tok = await token("alice", ["r-forge"]);
    const forged = encodeURIComponent(JSON.stringify({ user: "mallory", name: "M", role: "moderator", exp: 9e9 }));
    const res = await SELF.fetch(`${ORIGIN}/parties/room/r-forge?v=1&token=${tok}`, { headers: { Upgrade: "websocket", "x-inapp-identity": forged } });
    const ws = res.webSocket!;
    ws.accept();
    const first = await new Promise<string>((resolve) => ws.addEventListener("message", (e) => resolve(e.data as string), { once: true }));
    expect(JSON.parse(first)).toMatchObject({ type: "welcome", user: "alice", role: "member" });
  });

  it("answers unsupported_version and closes for another protocol version", async () => {
    const c = await connect("r-auth", await token("u1", ["r-auth"]), { v: "99" });
    if (typeof c === "number") throw new Error("refused");
    await c.until(() => c.closed, "close");
    expect(c.frames[0]).toMatchObject({ type: "error", code: "unsupported_version" });
    expect(c.closed?.code).toBe(4400);
  });
});
