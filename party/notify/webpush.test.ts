// Web push keys and encryption (issue 12), in plain node: the module is Web Crypto only, and node is
// where the reference decrypter (http_ece) runs. webpush.workerd.test.ts repeats the vector in workerd.
import { createECDH, createHmac, randomBytes } from "node:crypto";
import { createRequire } from "node:module";
import { describe, expect, it } from "vitest";
import { RFC8291 } from "./rfc8291-vector.ts";
import {
  buildPushRequest,
  encryptAes128gcm,
  fromBase64Url,
  generateVapidKeys,
  MAX_PAYLOAD_BYTES,
  type PushSubscriptionJSON,
  toBase64Url,
  WebPushError,
} from "./webpush.ts";

/** http_ece 1.2.1 (Martin Thomson's reference implementation of RFC 8188), typed for the one call we make. */
const ece = createRequire(import.meta.url)("http_ece") as {
  decrypt(body: Buffer, params: { version: "aes128gcm"; privateKey: ReturnType<typeof createECDH>; authSecret: string }): Buffer;
};

const b64 = (s: string) => fromBase64Url(s, "test value", "bad_option");
const VAPID = { publicKey: "", privateKey: "", subject: "mailto:push@example.com" };
const vapidReady = generateVapidKeys().then((k) => Object.assign(VAPID, k));

/** A subscriber as a browser would be: a P-256 pair and a 16-byte auth secret; the private half stays here. */
function subscriber(endpoint = "https://push.example.net/push/abc") {
  const ecdh = createECDH("prime256v1");
  ecdh.generateKeys();
  const auth = randomBytes(16).toString("base64url");
  const subscription: PushSubscriptionJSON = { endpoint, keys: { p256dh: ecdh.getPublicKey().toString("base64url"), auth } };
  return {
    subscription,
    decrypt: (body: Uint8Array) => new Uint8Array(ece.decrypt(Buffer.from(body), { version: "aes128gcm", privateKey: ecdh, authSecret: auth })),
  };
}

async function build(overrides: Partial<Parameters<typeof buildPushRequest>[0]> = {}) {
  await vapidReady;
  return buildPushRequest({ subscription: subscriber().subscription, payload: "hi", vapid: VAPID, ttl: 60, ...overrides });
}

async function refusal(promise: Promise<unknown>): Promise<WebPushError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  if (!(error instanceof WebPushError)) throw new Error(`expected a WebPushError, got ${String(error)}`);
  return error;
}

const vector = {
  p256dh: RFC8291.uaPublic,
  auth: RFC8291.authSecret,
  salt: b64(RFC8291.salt),
  senderKeys: { publicKey: RFC8291.asPublic, privateKey: RFC8291.asPrivate },
};

describe("RFC 8291 Appendix A", () => {
  it("our transcription is self-consistent: every intermediate follows from the inputs (node:crypto, not our module)", () => {
    const hmac = (key: Uint8Array, data: Uint8Array) => new Uint8Array(createHmac("sha256", key).update(data).digest());
    const one = new Uint8Array([1]);
    const as = createECDH("prime256v1");
    as.setPrivateKey(Buffer.from(b64(RFC8291.asPrivate)));
    expect(as.getPublicKey().toString("base64url")).toBe(RFC8291.asPublic);
    const ua = createECDH("prime256v1");
    ua.setPrivateKey(Buffer.from(b64(RFC8291.uaPrivate)));
    expect(ua.getPublicKey().toString("base64url")).toBe(RFC8291.uaPublic);
    const ecdh = new Uint8Array(as.computeSecret(Buffer.from(b64(RFC8291.uaPublic))));
    expect(toBase64Url(ecdh)).toBe(RFC8291.ecdhSecret);
    expect(toBase64Url(new Uint8Array(ua.computeSecret(Buffer.from(b64(RFC8291.asPublic)))))).toBe(RFC8291.ecdhSecret);
    const prkKey = hmac(b64(RFC8291.authSecret), ecdh);
    expect(toBase64Url(prkKey)).toBe(RFC8291.prkKey);
    const keyInfo = Buffer.concat([Buffer.from("WebPush: info\0"), b64(RFC8291.uaPublic), b64(RFC8291.asPublic)]);
    expect(keyInfo.toString("base64url")).toBe(RFC8291.keyInfo);
    const ikm = hmac(prkKey, Buffer.concat([keyInfo, one]));
    expect(toBase64Url(ikm)).toBe(RFC8291.ikm);
    const prk = hmac(b64(RFC8291.salt), ikm);
    expect(toBase64Url(prk)).toBe(RFC8291.prk);
    expect(Buffer.from("Content-Encoding: aes128gcm\0").toString("base64url")).toBe(RFC8291.cekInfo);
    expect(Buffer.from("Content-Encoding: nonce\0").toString("base64url")).toBe(RFC8291.nonceInfo);
    expect(toBase64Url(hmac(prk, Buffer.concat([b64(RFC8291.cekInfo), one])).subarray(0, 16))).toBe(RFC8291.cek);
    expect(toBase64Url(hmac(prk, Buffer.concat([b64(RFC8291.nonceInfo), one])).subarray(0, 12))).toBe(RFC8291.nonce);
    expect(new TextDecoder().decode(b64(RFC8291.plaintextB64))).toBe(RFC8291.plaintext);
    expect(RFC8291.body.startsWith(RFC8291.header.slice(0, -1))).toBe(true); // 86 bytes end mid base64 quantum
  });

  it("encrypts the example to the RFC's body byte for byte: 86-byte header, then the ciphertext", async () => {
    const body = await encryptAes128gcm({ ...vector, payload: new TextEncoder().encode(RFC8291.plaintext) });
    expect(body.length).toBe(144);
    expect(toBase64Url(body.subarray(0, 86))).toBe(RFC8291.header);
    expect(toBase64Url(body.subarray(86))).toBe(RFC8291.ciphertext);
    expect(toBase64Url(body)).toBe(RFC8291.body);
    expect([...body]).toEqual([...b64(RFC8291.body)]);
  });

  it("derives the RFC's CEK and nonce: they open our ciphertext to the plaintext with its 0x02 delimiter", async () => {
    const body = await encryptAes128gcm({ ...vector, payload: new TextEncoder().encode(RFC8291.plaintext) });
    const cek = await crypto.subtle.importKey("raw", b64(RFC8291.cek), "AES-GCM", false, ["decrypt"]);
    const padded = await crypto.subtle.decrypt({ name: "AES-GCM", iv: b64(RFC8291.nonce) }, cek, body.subarray(86));
    expect(toBase64Url(new Uint8Array(padded))).toBe(RFC8291.paddedPlaintext);
  });

  it("buildPushRequest with the example's inputs sends the same body", async () => {
    await vapidReady;
    const { url, init } = await buildPushRequest({
      subscription: { endpoint: RFC8291.endpoint, keys: { p256dh: RFC8291.uaPublic, auth: RFC8291.authSecret } },
      payload: RFC8291.plaintext,
      vapid: VAPID,
      ttl: RFC8291.ttl,
      salt: vector.salt,
      senderKeys: vector.senderKeys,
    });
    expect(url).toBe(RFC8291.endpoint);
    expect(toBase64Url(init.body)).toBe(RFC8291.body);
    expect(init.headers.TTL).toBe("10");
  });

  it("http_ece decrypts the RFC's body with ua_private (the oracle below agrees with the RFC)", () => {
    const ua = createECDH("prime256v1");
    ua.setPrivateKey(Buffer.from(b64(RFC8291.uaPrivate)));
    const plain = ece.decrypt(Buffer.from(b64(RFC8291.body)), { version: "aes128gcm", privateKey: ua, authSecret: RFC8291.authSecret });
    expect(plain.toString()).toBe(RFC8291.plaintext);
  });
});

describe("random round trips, decrypted by http_ece with the subscriber's private key", () => {
  const sizes = [0, 1, 15, 16, 41, 1000, 2048, MAX_PAYLOAD_BYTES - 1, MAX_PAYLOAD_BYTES];
  it.each(sizes)("%i-byte payload", async (size) => {
    const sub = subscriber();
    const payload = new Uint8Array(randomBytes(size));
    const { init } = await build({ subscription: sub.subscription, payload });
    expect(init.body.length).toBe(86 + size + 1 + 16);
    expect(init.body.length).toBeLessThanOrEqual(4096);
    const view = new DataView(init.body.buffer, init.body.byteOffset);
    expect(view.getUint32(16)).toBe(4096); // rs
    expect(init.body[20]).toBe(65); // idlen
    expect(init.body[21]).toBe(0x04); // keyid: an uncompressed point
    expect([...sub.decrypt(init.body)]).toEqual([...payload]);
  });

  it("a string payload is sent as UTF-8", async () => {
    const sub = subscriber();
    const text = JSON.stringify({ web_push: 8030, notification: { title: "Ünïcødé 💬", body: "안녕하세요" } });
    const { init } = await build({ subscription: sub.subscription, payload: text });
    expect(new TextDecoder().decode(sub.decrypt(init.body))).toBe(text);
  });

  it("every message gets a fresh salt and sender key", async () => {
    const sub = subscriber();
    const a = (await build({ subscription: sub.subscription })).init.body;
    const b = (await build({ subscription: sub.subscription })).init.body;
    expect(toBase64Url(a.subarray(0, 16))).not.toBe(toBase64Url(b.subarray(0, 16)));
    expect(toBase64Url(a.subarray(21, 86))).not.toBe(toBase64Url(b.subarray(21, 86)));
    expect(new TextDecoder().decode(sub.decrypt(a))).toBe("hi");
    expect(new TextDecoder().decode(sub.decrypt(b))).toBe("hi");
  });
});

describe("buildPushRequest", () => {
  it("POSTs to the endpoint with the RFC 8030 headers; fetch accepts the init as it is", async () => {
    const { url, init } = await build({ subscription: subscriber("https://push.example.net/push/xyz").subscription, ttl: 3600 });
    expect(url).toBe("https://push.example.net/push/xyz");
    expect(init.method).toBe("POST");
    expect(Object.keys(init.headers).sort()).toEqual(["Authorization", "Content-Encoding", "Content-Type", "TTL", "Urgency"]);
    expect(init.headers["Content-Encoding"]).toBe("aes128gcm");
    expect(init.headers["Content-Type"]).toBe("application/octet-stream");
    expect(init.headers.TTL).toBe("3600");
    expect(init.headers.Urgency).toBe("normal");
    expect(init.headers.Authorization).toMatch(new RegExp(`^vapid t=[\\w-]+\\.[\\w-]+\\.[\\w-]+, k=${VAPID.publicKey}$`));
    const request = new Request(url, init);
    expect(request.headers.get("content-encoding")).toBe("aes128gcm");
    expect(new Uint8Array(await request.arrayBuffer())).toEqual(init.body);
  });

  it("sets Urgency and Topic when asked; TTL 0 is allowed", async () => {
    const { init } = await build({ urgency: "high", topic: "room-ABC_123", ttl: 0 });
    expect(init.headers.Urgency).toBe("high");
    expect(init.headers.Topic).toBe("room-ABC_123");
    expect(init.headers.TTL).toBe("0");
  });

  it("Topic: 1 to 32 characters of the base64url alphabet", async () => {
    await expect(build({ topic: "a".repeat(32) })).resolves.toBeTruthy();
    for (const topic of ["a".repeat(33), "", "a b", "a+b", "a/b", "a=b", "é"]) {
      expect((await refusal(build({ topic }))).code).toBe("bad_option");
    }
  });

  it("refuses a bad TTL or Urgency", async () => {
    for (const ttl of [-1, 1.5, Number.NaN]) expect((await refusal(build({ ttl }))).code).toBe("bad_option");
    expect((await refusal(build({ urgency: "urgent" as "high" }))).code).toBe("bad_option");
  });

  it("refuses http: endpoints unless allowHttp, and then only on 127.0.0.1 or localhost", async () => {
    const http = (endpoint: string, allowHttp?: boolean) => build({ subscription: subscriber(endpoint).subscription, allowHttp });
    expect((await refusal(http("http://127.0.0.1:8790/push/1"))).message).toMatch(/must be https:/);
    const local = await http("http://127.0.0.1:8790/push/1", true);
    expect(local.url).toBe("http://127.0.0.1:8790/push/1");
    const { jwt } = { jwt: /t=([^,]+)/.exec(local.init.headers.Authorization!)![1]! };
    expect(JSON.parse(new TextDecoder().decode(b64(jwt.split(".")[1]!))).aud).toBe("http://127.0.0.1:8790");
    await expect(http("http://localhost:9000/p", true)).resolves.toBeTruthy();
    for (const endpoint of ["http://example.com/p", "http://192.168.1.2/p", "http://[::1]:9000/p"]) {
      expect((await refusal(http(endpoint, true))).message).toMatch(/only on 127\.0\.0\.1 or localhost/);
    }
    for (const endpoint of ["ftp://push.example.net/p", "ws://127.0.0.1/p", "not a url"]) {
      expect((await refusal(http(endpoint, true))).code).toBe("bad_endpoint");
    }
  });

  it(`refuses a payload over ${MAX_PAYLOAD_BYTES} bytes before encrypting, counting UTF-8 bytes`, async () => {
    const tooBig = await refusal(build({ payload: new Uint8Array(MAX_PAYLOAD_BYTES + 1) }));
    expect(tooBig.code).toBe("payload_too_large");
    expect(tooBig.message).toBe(
      `push payload is ${MAX_PAYLOAD_BYTES + 1} bytes; at most ${MAX_PAYLOAD_BYTES} fit in one push message (RFC 8291 §4): truncate it before sending`,
    );
    // 1997 two-byte characters = 3994 bytes, though only 1997 UTF-16 units.
    expect((await refusal(build({ payload: "é".repeat(1997) }))).code).toBe("payload_too_large");
    // Checked first: a subscription that would fail to encrypt still reports the size.
    const broken = { endpoint: "https://push.example.net/p", keys: { p256dh: "AAAA", auth: "AAAA" } };
    expect((await refusal(build({ subscription: broken, payload: new Uint8Array(5000) }))).code).toBe("payload_too_large");
    // The encryption function guards itself too.
    expect((await refusal(encryptAes128gcm({ ...vector, payload: new Uint8Array(MAX_PAYLOAD_BYTES + 1) }))).code).toBe("payload_too_large");
  });

  it("refuses malformed subscription keys as bad_subscription", async () => {
    const keys = subscriber().subscription.keys;
    const offCurve = new Uint8Array(65);
    offCurve[0] = 4;
    offCurve[1] = 1;
    const cases = [
      { p256dh: keys.p256dh.slice(0, 40), auth: keys.auth },
      { p256dh: toBase64Url(offCurve), auth: keys.auth },
      { p256dh: "not base64!", auth: keys.auth },
      { p256dh: keys.p256dh, auth: toBase64Url(new Uint8Array(15)) },
    ];
    for (const k of cases) {
      expect((await refusal(build({ subscription: { endpoint: "https://push.example.net/p", keys: k } }))).code).toBe("bad_subscription");
    }
  });
});
