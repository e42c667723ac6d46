// The same module inside workerd, where rooms will send pushes: its Web Crypto (JWK import, ECDH, HKDF,
// AES-GCM, ECDSA) must give the RFC 8291 vector byte for byte and a VAPID JWT that jose verifies.
// The reference decrypter (http_ece) needs node; those round trips are in webpush.test.ts.
import { importJWK, jwtVerify } from "jose";
import { describe, expect, it } from "vitest";
import { RFC8291 } from "./rfc8291-vector.ts";
import { buildPushRequest, fromBase64Url, generateVapidKeys, toBase64Url } from "./webpush.ts";

describe("web push in workerd", () => {
  it("reproduces RFC 8291 Appendix A and signs a VAPID JWT that jose verifies", async () => {
    const vapid = { ...(await generateVapidKeys()), subject: "mailto:push@example.com" };
    const { url, init } = await buildPushRequest({
      subscription: { endpoint: RFC8291.endpoint, keys: { p256dh: RFC8291.uaPublic, auth: RFC8291.authSecret } },
      payload: RFC8291.plaintext,
      vapid,
      ttl: RFC8291.ttl,
      salt: fromBase64Url(RFC8291.salt, "salt", "bad_option"),
      senderKeys: { publicKey: RFC8291.asPublic, privateKey: RFC8291.asPrivate },
    });
    expect(toBase64Url(init.body)).toBe(RFC8291.body);

    const jwt = /^vapid t=([^,]+), k=/.exec(init.headers.Authorization ?? "")?.[1] ?? "";
    const point = fromBase64Url(vapid.publicKey, "k", "bad_option");
    const key = await importJWK({ kty: "EC", crv: "P-256", x: toBase64Url(point.subarray(1, 33)), y: toBase64Url(point.subarray(33)) }, "ES256");
    const { payload } = await jwtVerify(jwt, key, { algorithms: ["ES256"], audience: new URL(url).origin });
    expect(payload.sub).toBe("mailto:push@example.com");
    expect(new Request(url, init).method).toBe("POST");
  });

  it("random messages encrypt (fresh salt and sender key from workerd's generateKey)", async () => {
    const receiver = { ...(await generateVapidKeys()) };
    const { init } = await buildPushRequest({
      subscription: { endpoint: "https://push.example.net/p", keys: { p256dh: receiver.publicKey, auth: RFC8291.authSecret } },
      payload: "x".repeat(3993),
      vapid: { ...(await generateVapidKeys()), subject: "https://example.com" },
      ttl: 60,
    });
    expect(init.body.length).toBe(4096);
    expect(toBase64Url(init.body.subarray(21, 86))).not.toBe(RFC8291.asPublic);
  });
});
