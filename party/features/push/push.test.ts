// The push feature's pure parts in workerd: payload fitting, action tokens, one delivery's next step
// (with a stand-in push service), and the subscription store through the Worker's routes.
// The whole path against a real local push service is test/browser/push.e2e.ts.
import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { api, token } from "../../../test/workerd/helpers.ts";
import type { User } from "../../user.ts";
import { generateVapidKeys, MAX_PAYLOAD_BYTES } from "../../notify/webpush.ts";
import { signDecline, verifyDecline } from "./action-token.ts";
import { attempt, backoffMs, MAX_TRIES, type Delivery } from "./delivery.ts";
import { fitPayload, messagePush, missedPush, ringPush, settledPush } from "./payload.ts";
import { topicFor } from "./topic.ts";

const bytes = (s: string) => new TextEncoder().encode(s).length;

describe("payload", () => {
  it("cuts the preview (never the URL, tag or data) until the JSON fits one push message", () => {
    const text = '가나다라😀"\\'.repeat(2000);
    const json = fitPayload(messagePush({ room: "r", roomTitle: "T", sender: "S", text, navigate: "https://h.example/p?x=1", tag: "abc" }));
    expect(bytes(json)).toBeLessThanOrEqual(MAX_PAYLOAD_BYTES);
    // Close to the limit: the search keeps as much preview as fits.
    expect(bytes(json)).toBeGreaterThan(MAX_PAYLOAD_BYTES - 16);
    const parsed = JSON.parse(json);
    expect(parsed.notification.body.startsWith("S: 가나다라😀")).toBe(true);
    expect(parsed.notification.body.endsWith("…")).toBe(true);
    expect(parsed.notification.body).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])/);
    expect(parsed.notification).toMatchObject({ navigate: "https://h.example/p?x=1", tag: "abc", data: { room: "r", kind: "message" } });
  });

  it("leaves a short message as it is", () => {
    const json = fitPayload(messagePush({ room: "r", roomTitle: null, sender: "Ann", text: "hi", navigate: "https://h.example/", tag: "t" }));
    expect(JSON.parse(json).notification).toMatchObject({ title: "Ann", body: "hi" });
  });

  it("topics are ≤ 32 base64url characters, stable, and differ between rooms and calls", async () => {
    const long = "r".repeat(128);
    const t = await topicFor("room", long);
    expect(t).toMatch(/^[A-Za-z0-9_-]{1,32}$/);
    expect(await topicFor("room", long)).toBe(t);
    expect(await topicFor("call", long)).not.toBe(t);
  });
});

describe("call notifications in the device's language", () => {
  const call = { room: "r", callId: "c1", caller: "민지", video: false, navigate: "https://h.example/", tag: "t" };

  it("rings, misses and settles in Korean for a ko device, in English otherwise", () => {
    const ko = ringPush({ ...call, lang: "ko", declineToken: "x" }).notification;
    expect(ko).toMatchObject({ body: "음성 통화 수신", lang: "ko", actions: [{ title: "받기" }, { title: "거절" }] });
    expect(missedPush({ ...call, video: true, lang: "ko" }).notification).toMatchObject({ body: "부재중 영상 통화", lang: "ko" });
    expect(settledPush({ ...call, lang: "ko", how: "answered" }).notification).toMatchObject({ body: "통화를 받았습니다", silent: true });
    const en = ringPush({ ...call, declineToken: "x" }).notification;
    expect(en).toMatchObject({ body: "Incoming call", actions: [{ title: "Answer" }, { title: "Decline" }] });
    expect("lang" in en).toBe(false);
    expect(settledPush({ ...call, lang: "en", how: "declined" }).notification).toMatchObject({
      body: "Call declined",
      lang: "en",
      silent: true,
      data: { kind: "declined", call: "c1" },
    });
    // A settled push replaces the ring quietly: nothing that keeps it on screen or asks for a tap.
    const settled = settledPush({ ...call, how: "answered" }).notification;
    expect(settled.requireInteraction).toBeUndefined();
    expect(settled.actions).toBeUndefined();
    expect(settled.tag).toBe("t");
    expect(messagePush({ room: "r", lang: "ko", roomTitle: null, sender: "A", text: "hi", navigate: "https://h.example/", tag: "t" }).notification.lang).toBe(
      "ko",
    );
  });
});

describe("decline action token", () => {
  const secret = "s".repeat(40);
  const claims = { room: "r1", call: "c1", user: "bob", exp: Date.now() + 60_000 };

  it("verifies its own claims and refuses a tampered, expired or differently keyed token", async () => {
    const t = await signDecline(claims, secret);
    expect(await verifyDecline(t, secret)).toEqual(claims);
    const [body, sig] = t.split(".");
    const other = await signDecline({ ...claims, call: "c2" }, secret);
    expect(await verifyDecline(`${other.split(".")[0]}.${sig}`, secret)).toBeNull();
    expect(await verifyDecline(`${body}.${sig}x`, secret)).toBeNull();
    expect(await verifyDecline(t, "another secret of some length")).toBeNull();
    expect(await verifyDecline(t, secret, claims.exp + 1)).toBeNull();
    expect(await verifyDecline(42, secret)).toBeNull();
  });
});

describe("one delivery's next step", () => {
  const config = generateVapidKeys().then((k) => ({ vapid: { ...k, subject: "mailto:ops@example.com" }, allowHttp: true, minIntervalMs: 1000 }));
  // A real subscriber key: the request is built and encrypted before the stand-in answers.
  const subscriber = crypto.subtle.generateKey({ name: "ECDH", namedCurve: "P-256" }, true, ["deriveBits"]).then(async (pair) => {
    const raw = new Uint8Array((await crypto.subtle.exportKey("raw", (pair as CryptoKeyPair).publicKey)) as ArrayBuffer);
    const b64 = (b: Uint8Array) =>
      btoa(String.fromCharCode(...b))
        .replace(/\+/g, "-")
        .replace(/\//g, "_")
        .replace(/=+$/, "");
    return { endpoint: "http://127.0.0.1:9/push/x", keys: { p256dh: b64(raw), auth: b64(crypto.getRandomValues(new Uint8Array(16))) } };
  });
  const now = 1_800_000_000_000;
  const delivery = async (over: Partial<Delivery> = {}): Promise<Delivery> => ({
    id: "d1",
    user: "bob",
    subscription: await subscriber,
    payload: '{"web_push":8030}',
    urgency: "normal",
    topic: "t",
    expires: now + 3_600_000,
    giveUpAt: now + 600_000,
    tries: 0,
    ...over,
  });
  const answering = (status: number, headers: Record<string, string> = {}) => (async () => new Response(null, { status, headers })) as typeof fetch;

  it("201 is done; 404 and 410 are gone; 401/403 and 400 are dropped (the subscription stays)", async () => {
    const c = await config;
    expect(await attempt(await delivery(), c, now, answering(201))).toEqual({ kind: "done" });
    expect(await attempt(await delivery(), c, now, answering(410))).toEqual({ kind: "gone" });
    expect(await attempt(await delivery(), c, now, answering(404))).toEqual({ kind: "gone" });
    expect((await attempt(await delivery(), c, now, answering(403))).kind).toBe("drop");
    expect((await attempt(await delivery(), c, now, answering(400))).kind).toBe("drop");
  });

  it("429/5xx retry after Retry-After or the backoff, and stop after MAX_TRIES or past the give-up time", async () => {
    const c = await config;
    expect(await attempt(await delivery(), c, now, answering(429, { "Retry-After": "7" }))).toEqual({ kind: "retry", at: now + 7000 });
    expect(await attempt(await delivery({ tries: 1 }), c, now, answering(503))).toEqual({ kind: "retry", at: now + backoffMs(2) });
    const failing = (async () => {
      throw new TypeError("connection refused");
    }) as typeof fetch;
    expect(await attempt(await delivery(), c, now, failing)).toEqual({ kind: "retry", at: now + backoffMs(1) });
    expect((await attempt(await delivery({ tries: MAX_TRIES - 1 }), c, now, answering(503))).kind).toBe("drop");
    expect((await attempt(await delivery({ giveUpAt: now + 5000 }), c, now, answering(429, { "Retry-After": "60" }))).kind).toBe("drop");
  });

  it("the TTL header counts down to the push's expiry; an expired push is not sent", async () => {
    const c = await config;
    let ttl = "";
    const capture = (async (_url: string, init: RequestInit) => {
      ttl = (init.headers as Record<string, string>).TTL ?? "";
      return new Response(null, { status: 201 });
    }) as unknown as typeof fetch;
    await attempt(await delivery({ expires: now + 45_000 }), c, now, capture);
    expect(ttl).toBe("45");
    expect((await attempt(await delivery({ expires: now - 1 }), c, now, capture)).kind).toBe("drop");
  });
});

describe("subscriptions through the Worker", () => {
  it("the same endpoint twice is one device; mutes are per room; bad bodies get invalid_request", async () => {
    const t = await token("push-store-user", ["ps-room"]);
    const sub = await subscriber();
    const post = (path: string, body: unknown) => api(path, { method: "POST", key: t, body: JSON.stringify(body) });
    // The workerd tests have no VAPID private key, but the public one is set: subscribing works.
    expect((await post("/api/push/subscribe", { subscription: sub, url: "https://h.example/a" })).status).toBe(201);
    expect((await post("/api/push/subscribe", { subscription: sub, url: "https://h.example/b" })).status).toBe(201);
    // The test env is typed without bindings; this one is wrangler.toml's User namespace.
    const user = (env as unknown as { User: DurableObjectNamespace<User> }).User.getByName("push-store-user");
    expect(await user.pushTargets("ps-room")).toEqual([{ ...sub, url: "https://h.example/b" }]);
    const bad = await post("/api/push/subscribe", { subscription: { ...sub, endpoint: "http://push.example.net/x" }, url: "https://h.example/" });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { code: string } }).error.code).toBe("invalid_request");
    expect((await post("/api/push/subscribe", { subscription: sub, url: "javascript:alert(1)" })).status).toBe(400);
    // The device's language (the widget's lang): en or ko, stored with the device.
    expect((await post("/api/push/subscribe", { subscription: sub, url: "https://h.example/b", lang: "fr" })).status).toBe(400);
    expect((await post("/api/push/subscribe", { subscription: sub, url: "https://h.example/b", lang: "ko" })).status).toBe(201);
    expect(await user.pushTargets("ps-room")).toEqual([{ ...sub, url: "https://h.example/b", lang: "ko" }]);
    expect((await post("/api/push/subscribe", { subscription: sub, url: "https://h.example/b" })).status).toBe(201);
    expect((await api("/api/push/mutes/ps-room", { method: "PUT", key: t })).status).toBe(200);
    expect(await (await api("/api/push/mutes/ps-room", { key: t })).json()).toEqual({ room: "ps-room", muted: true });
    expect(await user.pushTargets("ps-room")).toEqual([]);
    expect(await user.pushTargets("another-room")).toHaveLength(1);
    expect(await (await api("/api/push/mutes/ps-room", { method: "DELETE", key: t })).json()).toEqual({ room: "ps-room", muted: false });
    expect(await user.pushTargets("ps-room")).toHaveLength(1);
    expect((await post("/api/push/unsubscribe", { endpoint: sub.endpoint })).status).toBe(200);
    expect(await user.pushTargets("ps-room")).toEqual([]);
    expect((await post("/api/calls/decline", { token: "x.y" })).status).toBe(401);
  });

  async function subscriber() {
    const pair = (await crypto.subtle.generateKey({ name: "ECDH", namedCurve: "P-256" }, true, ["deriveBits"])) as CryptoKeyPair;
    const raw = new Uint8Array((await crypto.subtle.exportKey("raw", pair.publicKey)) as ArrayBuffer);
    const b64 = (b: Uint8Array) =>
      btoa(String.fromCharCode(...b))
        .replace(/\+/g, "-")
        .replace(/\//g, "_")
        .replace(/=+$/, "");
    return {
      endpoint: `https://push.example.net/push/${crypto.randomUUID()}`,
      keys: { p256dh: b64(raw), auth: b64(crypto.getRandomValues(new Uint8Array(16))) },
    };
  }
});
