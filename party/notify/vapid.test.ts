// VAPID (RFC 8292) in plain node: the JWT we sign by hand is verified with jose.
import { decodeProtectedHeader, importJWK, jwtVerify } from "jose";
import { describe, expect, it } from "vitest";
import { buildPushRequest, fromBase64Url, generateVapidKeys, toBase64Url, vapidAuthorization, WebPushError } from "./webpush.ts";

const b64 = (s: string) => fromBase64Url(s, "test value", "bad_option");
const VAPID = { publicKey: "", privateKey: "", subject: "mailto:push@example.com" };
const vapidReady = generateVapidKeys().then((k) => Object.assign(VAPID, k));
/** Any valid subscription: VAPID does not look at its keys. */
const P256DH = "BCVxsr7N_eNgVRqvHtD0zTZsEc6-VV-JvLexhqUzORcxaOzi6-AYWXvTBHm4bjyPjs7Vd8pZGH6SRpkNtoIAiw4";
const AUTH = "BTBZMqHH6r4Tts7J_aSIgg";

async function refusal(promise: Promise<unknown>): Promise<WebPushError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  if (!(error instanceof WebPushError)) throw new Error(`expected a WebPushError, got ${String(error)}`);
  return error;
}

describe("VAPID (RFC 8292)", () => {
  const publicJwk = async (publicKey: string) => {
    const p = b64(publicKey);
    return importJWK({ kty: "EC", crv: "P-256", x: toBase64Url(p.subarray(1, 33)), y: toBase64Url(p.subarray(33)) }, "ES256");
  };
  const parse = (authorization: string) => {
    const m = /^vapid t=([\w-]+\.[\w-]+\.[\w-]+), k=([\w-]+)$/.exec(authorization);
    if (!m) throw new Error(`not a vapid header: ${authorization}`);
    return { jwt: m[1]!, k: m[2]! };
  };

  it("the Authorization header carries a JWT that jose verifies: ES256, aud = the endpoint's origin, exp ≤ now + 24 h, sub set; k = our public key", async () => {
    const before = Math.floor(Date.now() / 1000);
    await vapidReady;
    const { init } = await buildPushRequest({
      subscription: { endpoint: "https://fcm.googleapis.com/fcm/send/abc:def?x=1", keys: { p256dh: P256DH, auth: AUTH } },
      payload: "hi",
      vapid: VAPID,
      ttl: 60,
    });
    const { jwt, k } = parse(init.headers.Authorization!);
    expect(k).toBe(VAPID.publicKey);
    expect(decodeProtectedHeader(jwt)).toEqual({ typ: "JWT", alg: "ES256" });
    const { payload } = await jwtVerify(jwt, await publicJwk(k), { algorithms: ["ES256"], audience: "https://fcm.googleapis.com" });
    expect(payload.sub).toBe("mailto:push@example.com");
    expect(payload.exp).toBeLessThanOrEqual(Math.floor(Date.now() / 1000) + 24 * 3600);
    // Default lifetime 12 h.
    expect(payload.exp! - before).toBeGreaterThanOrEqual(12 * 3600);
    expect(payload.exp! - before).toBeLessThanOrEqual(12 * 3600 + 2);
    expect(Object.keys(payload).sort()).toEqual(["aud", "exp", "sub"]);
  });

  it("aud keeps a non-default port and drops path and query; a wrong audience fails verification", async () => {
    await vapidReady;
    const { jwt } = parse(await vapidAuthorization("https://push.example.net:8443/p/q?r=1", VAPID));
    const key = await publicJwk(VAPID.publicKey);
    const { payload } = await jwtVerify(jwt, key, { algorithms: ["ES256"], audience: "https://push.example.net:8443" });
    expect(payload.aud).toBe("https://push.example.net:8443");
    await expect(jwtVerify(jwt, key, { audience: "https://push.example.net" })).rejects.toThrow();
  });

  it("exp = now + expiresIn, up to exactly 24 h; longer is refused", async () => {
    await vapidReady;
    const now = Date.UTC(2026, 0, 1);
    const { jwt } = parse(await vapidAuthorization("https://push.example.net/x", VAPID, { now, expiresIn: 24 * 3600 }));
    const { payload } = await jwtVerify(jwt, await publicJwk(VAPID.publicKey), { currentDate: new Date(now) });
    expect(payload.exp).toBe(now / 1000 + 24 * 3600);
    for (const expiresIn of [24 * 3600 + 1, 0, -5, 1.5]) {
      expect((await refusal(vapidAuthorization("https://push.example.net/x", VAPID, { expiresIn }))).code).toBe("bad_option");
    }
  });

  it("reuses a signed JWT for its push service for half its lifetime, then signs a fresh one", async () => {
    await vapidReady;
    const t0 = Date.UTC(2031, 0, 1);
    const at = (ms: number, endpoint = "https://push.reuse.example/a") => vapidAuthorization(endpoint, VAPID, { now: t0 + ms, expiresIn: 3600 });
    const first = await at(0);
    expect(await at(1800_000, "https://push.reuse.example/other-device")).toBe(first);
    const later = await at(1801_000);
    expect(later).not.toBe(first);
    expect(await at(0, "https://other-push.reuse.example/a")).not.toBe(first);
    const claims = (h: string) => JSON.parse(new TextDecoder().decode(fromBase64Url(h.slice("vapid t=".length).split(".")[1]!)));
    expect(claims(later).exp).toBe((t0 + 1801_000) / 1000 + 3600);
  });

  it("the subject must be mailto: or https:", async () => {
    await vapidReady;
    for (const subject of ["mailto:ops@example.com", "https://example.com/contact"]) {
      await expect(vapidAuthorization("https://push.example.net/x", { ...VAPID, subject })).resolves.toMatch(/^vapid t=/);
    }
    for (const subject of ["ops@example.com", "http://example.com", "mailto:", ""]) {
      expect((await refusal(vapidAuthorization("https://push.example.net/x", { ...VAPID, subject }))).code).toBe("bad_vapid");
    }
  });

  it("a private key that is not the public key's is refused before any push (it would be a 403 everywhere)", async () => {
    await vapidReady;
    const other = await generateVapidKeys();
    const mismatched = { ...VAPID, privateKey: other.privateKey };
    expect((await refusal(vapidAuthorization("https://push.example.net/x", mismatched))).message).toMatch(/not the 32-byte scalar d/);
    expect((await refusal(vapidAuthorization("https://push.example.net/x", { ...VAPID, privateKey: "short" }))).code).toBe("bad_vapid");
    expect((await refusal(vapidAuthorization("https://push.example.net/x", { ...VAPID, publicKey: other.privateKey }))).code).toBe("bad_vapid");
    // The good pair still works after the failures (nothing bad was cached).
    await expect(vapidAuthorization("https://push.example.net/x", VAPID)).resolves.toMatch(/^vapid t=/);
  });

  it("generateVapidKeys gives a 65-byte uncompressed point and a 32-byte scalar, different each time", async () => {
    const a = await generateVapidKeys();
    const b = await generateVapidKeys();
    expect(b64(a.publicKey).length).toBe(65);
    expect(b64(a.publicKey)[0]).toBe(0x04);
    expect(b64(a.privateKey).length).toBe(32);
    expect(a.publicKey).not.toBe(b.publicKey);
    const { jwt } = parse(await vapidAuthorization("https://push.example.net/x", { ...a, subject: "https://example.com" }));
    await expect(jwtVerify(jwt, await publicJwk(a.publicKey))).resolves.toBeTruthy();
  });
});
