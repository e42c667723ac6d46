// Issue 10: Cloudflare Realtime TURN behind /api/ice, tested against a faithful local double of its
// API (the real one cannot be reached from here): request shape, 201 parsing, port-53 filtering,
// errors → 502, and the provider precedence Cloudflare → coturn → STUN only.
import { createExecutionContext, env as testEnv, waitOnExecutionContext } from "cloudflare:test";
import { afterEach, describe, expect, it, vi } from "vitest";
import worker from "./index.ts";
import type { Env } from "./env.ts";
import { cloudflareIceServers } from "./turn.ts";
import { token } from "../test/workerd/helpers.ts";

/** Answers like Cloudflare's generate-ice-servers endpoint, and checks what it is asked. */
function cloudflareDouble(seen: { url?: string; auth?: string | null; body?: unknown }[], status = 201) {
  return async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const req = new Request(input, init);
    seen.push({ url: req.url, auth: req.headers.get("Authorization"), body: await req.json() });
    if (status !== 201) return Response.json({ errors: [{ message: "nope" }] }, { status });
    return Response.json(
      {
        iceServers: [
          { urls: ["stun:stun.cloudflare.com:3478", "stun:stun.cloudflare.com:53"] },
          {
            urls: [
              "turn:turn.cloudflare.com:3478?transport=udp",
              "turn:turn.cloudflare.com:53?transport=udp",
              "turn:turn.cloudflare.com:3478?transport=tcp",
              "turns:turn.cloudflare.com:5349?transport=tcp",
              "turns:turn.cloudflare.com:443?transport=tcp",
            ],
            username: "cf-user",
            credential: "cf-secret",
          },
        ],
      },
      { status: 201 },
    );
  };
}

describe("cloudflareIceServers", () => {
  it("posts the ttl (at most 48 h) with the API token and keeps every URL but port 53", async () => {
    const seen: { url?: string; auth?: string | null; body?: unknown }[] = [];
    const servers = await cloudflareIceServers("key-1", "tok-1", 72 * 3600, cloudflareDouble(seen));
    expect(seen).toEqual([
      { url: "https://rtc.live.cloudflare.com/v1/turn/keys/key-1/credentials/generate-ice-servers", auth: "Bearer tok-1", body: { ttl: 48 * 3600 } },
    ]);
    expect(servers).toEqual([
      { urls: ["stun:stun.cloudflare.com:3478"] },
      {
        urls: [
          "turn:turn.cloudflare.com:3478?transport=udp",
          "turn:turn.cloudflare.com:3478?transport=tcp",
          "turns:turn.cloudflare.com:5349?transport=tcp",
          "turns:turn.cloudflare.com:443?transport=tcp",
        ],
        username: "cf-user",
        credential: "cf-secret",
      },
    ]);
  });

  it("throws on anything but a 201 with servers", async () => {
    await expect(cloudflareIceServers("k", "t", 600, cloudflareDouble([], 401))).rejects.toThrow(/401/);
    await expect(cloudflareIceServers("k", "t", 600, async () => Response.json({ iceServers: [] }, { status: 201 }))).rejects.toThrow(/usable/);
  });
});

describe("GET /api/ice provider precedence", () => {
  afterEach(() => vi.unstubAllGlobals());

  async function ice(overrides: Partial<Env>) {
    const ctx = createExecutionContext();
    const tok = await token(`prec-${Math.random().toString(36).slice(2, 8)}`, ["r-prec"]);
    const res = await worker.fetch(
      new Request("http://example.com/api/ice", { headers: { Authorization: `Bearer ${tok}` } }),
      { ...(testEnv as unknown as Env), ...overrides },
      ctx,
    );
    await waitOnExecutionContext(ctx);
    return res;
  }

  it("uses Cloudflare when its key and token are set (over coturn)", async () => {
    const seen: { url?: string }[] = [];
    vi.stubGlobal("fetch", cloudflareDouble(seen));
    const res = await ice({ CF_TURN_KEY_ID: "key-2", CF_TURN_API_TOKEN: "tok-2" });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { iceServers: { urls: string[]; username?: string }[] };
    expect(seen).toHaveLength(1);
    expect(body.iceServers.some((s) => s.username === "cf-user")).toBe(true);
    expect(body.iceServers.flatMap((s) => s.urls).some((u) => u.includes("127.0.0.1:3478?transport"))).toBe(false);
  });

  it("answers 502 when Cloudflare fails", async () => {
    vi.stubGlobal("fetch", cloudflareDouble([], 500));
    const res = await ice({ CF_TURN_KEY_ID: "key-3", CF_TURN_API_TOKEN: "tok-3" });
    expect(res.status).toBe(502);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe("internal");
  });

  it("falls back to coturn, then to STUN only", async () => {
    const coturn = (await (await ice({})).json()) as { iceServers: { urls: string[]; username?: string }[] };
    expect(coturn.iceServers[1]).toMatchObject({
      urls: ["turn:127.0.0.1:3478?transport=udp", "turn:127.0.0.1:3478?transport=tcp"],
      username: expect.stringMatching(/^\d+:prec-/),
    });
    const stunOnly = (await (await ice({ TURN_SECRET: "", TURN_URLS: "" })).json()) as { iceServers: { urls: string[]; username?: string }[] };
    expect(stunOnly.iceServers).toEqual([{ urls: ["stun:127.0.0.1:3478"] }]);
    const nothing = (await (await ice({ TURN_SECRET: "", TURN_URLS: "", STUN_URLS: "" })).json()) as { iceServers: unknown[] };
    expect(nothing.iceServers).toEqual([]);
  });
});
