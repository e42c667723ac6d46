// The pure parts of webhooks (signing, schedule, config, event shapes), in workerd: signatures are
// checked with the reference verifier `standardwebhooks`, not with our own code.
import { Webhook } from "standardwebhooks";
import { describe, expect, it } from "vitest";
import { webhookConfig } from "./config.ts";
import { callEnded, messageCreated, payload } from "./events.ts";
import { MAX_ATTEMPTS, nextDelay, parseRetryAfter, RETRY_SCHEDULE_MS } from "./schedule.ts";
import { newMessageId, secretBytes, signedHeaders, signingKey } from "./signing.ts";

const SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

describe("signing", () => {
  it("produces headers the reference library verifies, and a changed body does not verify", async () => {
    const key = await signingKey(secretBytes(SECRET)!);
    const body = JSON.stringify({ type: "message.created", timestamp: new Date().toISOString(), data: { text: "héllo 👋" } });
    const id = newMessageId();
    const headers = await signedHeaders(key, id, Math.floor(Date.now() / 1000), body);
    expect(headers["webhook-id"]).toBe(id);
    expect(headers["webhook-signature"]).toMatch(/^v1,[A-Za-z0-9+/]+=*$/);
    const wh = new Webhook(SECRET);
    expect(wh.verify(body, headers)).toEqual(JSON.parse(body));
    expect(() => wh.verify(body.replace("héllo", "hello"), headers)).toThrow();
    expect(() => new Webhook(`whsec_${btoa("another secret, 16+")}`).verify(body, headers)).toThrow();
    // Same bytes as the library's own signer.
    const ts = 1_700_000_000;
    expect((await signedHeaders(key, "msg_x", ts, body))["webhook-signature"]).toBe(wh.sign("msg_x", new Date(ts * 1000), body));
  });

  it("accepts only whsec_<base64> secrets of 16+ bytes", () => {
    expect(secretBytes(SECRET)?.length).toBe(24);
    expect(secretBytes("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")).toBeNull();
    expect(secretBytes("whsec_c2hvcnQ=")).toBeNull();
    expect(secretBytes("whsec_not base64!")).toBeNull();
    expect(secretBytes(undefined)).toBeNull();
  });

  it("gives every message its own id", () => {
    const ids = new Set(Array.from({ length: 100 }, newMessageId));
    expect(ids.size).toBe(100);
    for (const id of ids) expect(id).toMatch(/^msg_[0-9a-f]{32}$/);
  });
});

describe("schedule", () => {
  it("follows immediately, 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h with ±20 % jitter, then stops", () => {
    expect(RETRY_SCHEDULE_MS).toEqual([5e3, 3e5, 18e5, 72e5, 18e6, 36e6, 36e6]);
    expect(MAX_ATTEMPTS).toBe(8);
    for (let attempts = 1; attempts < MAX_ATTEMPTS; attempts++) {
      const step = RETRY_SCHEDULE_MS[attempts - 1]!;
      expect(nextDelay(attempts, 1, null, () => 0)).toBe(Math.round(step * 0.8));
      expect(nextDelay(attempts, 1, null, () => 1)).toBe(Math.round(step * 1.2));
    }
    expect(nextDelay(MAX_ATTEMPTS, 1, null)).toBeNull();
    expect(nextDelay(1, 0.001, null, () => 0.5)).toBe(5);
  });

  it("never retries earlier than Retry-After asked, up to 10 h", () => {
    expect(nextDelay(1, 1, 60_000, () => 0.5)).toBe(60_000);
    expect(nextDelay(3, 1, 60_000, () => 0.5)).toBe(30 * 60_000);
    expect(nextDelay(1, 1, 48 * 3600_000, () => 0.5)).toBe(10 * 3600_000);
    const now = Date.UTC(2026, 0, 1);
    expect(parseRetryAfter("120", now)).toBe(120_000);
    expect(parseRetryAfter(new Date(now + 30_000).toUTCString(), now)).toBe(30_000);
    expect(parseRetryAfter("soon", now)).toBeNull();
    expect(parseRetryAfter(null, now)).toBeNull();
  });
});

describe("config", () => {
  it("is off without URLs or with a bad secret, and skips URLs that are not http(s)", () => {
    const problems: string[] = [];
    expect(webhookConfig({})).toBeNull();
    expect(webhookConfig({ WEBHOOK_URLS: "https://a.example/h", WEBHOOK_SECRET: "plain" }, (p) => problems.push(p))).toBeNull();
    expect(problems[0]).toContain("WEBHOOK_SECRET");
    const c = webhookConfig({ WEBHOOK_URLS: " https://a.example/h, ftp://x, http://127.0.0.1:9/h ", WEBHOOK_SECRET: SECRET }, (p) => problems.push(p));
    expect(c?.urls).toEqual(["https://a.example/h", "http://127.0.0.1:9/h"]);
    expect(problems[1]).toContain("ftp://x");
    expect(c).toMatchObject({ scale: 1, timeoutMs: 15_000, outboxMax: 10_000 });
  });
});

describe("events", () => {
  const entry = { seq: 7, id: "call:c1", user: "a", name: "A", kind: "call", text: "Missed voice call", ts: 5 };
  const data = { callId: "c1", kind: "audio", caller: { user: "a", name: "A" }, callee: { user: "b", name: "B" }, durationMs: 0 };

  it("turns a stored call entry into call.ended, and a missed or busy one also into call.missed", () => {
    const missed = callEnded("r", { ...entry, data: { ...data, outcome: "missed" } });
    expect(missed.map((e) => e.type)).toEqual(["call.ended", "call.missed"]);
    expect(missed[0]!.data).toEqual({
      room: "r",
      call_id: "c1",
      kind: "audio",
      caller: data.caller,
      callee: data.callee,
      reason: "missed",
      duration_ms: 0,
      seq: 7,
      ts: 5,
    });
    expect(callEnded("r", { ...entry, data: { ...data, outcome: "busy" } }).map((e) => e.type)).toEqual(["call.ended", "call.missed"]);
    expect(callEnded("r", { ...entry, data: { ...data, outcome: "hangup", durationMs: 1234 } }).map((e) => [e.type, e.data])).toEqual([
      ["call.ended", expect.objectContaining({ reason: "hangup", duration_ms: 1234 })],
    ]);
    expect(callEnded("r", { ...entry, kind: "text" })).toEqual([]);
  });

  it("writes the Standard Webhooks payload shape", () => {
    const body = JSON.parse(payload(messageCreated("r", { ...entry, kind: "text", text: "hi" }), Date.UTC(2026, 0, 1)));
    expect(body).toEqual({
      type: "message.created",
      timestamp: "2026-01-01T00:00:00.000Z",
      data: { room: "r", seq: 7, id: "call:c1", kind: "text", user: "a", name: "A", text: "hi", ts: 5 },
    });
  });
});
