// A stand-in for a browser's push service on 127.0.0.1: Chromium here has no push service, so the
// test gives the widget a subscription whose keys it made itself, receives what the chat server
// sends to it, and decrypts it (http_ece, RFC 8291) with the subscriber's private key. The
// decrypted JSON is then delivered to the real service worker through the DevTools protocol.
import { createECDH, randomBytes } from "node:crypto";
import { createServer } from "node:http";
import { createRequire } from "node:module";
import { freePort } from "./wrangler.ts";

const ece = createRequire(import.meta.url)("http_ece") as {
  decrypt(body: Buffer, params: { version: "aes128gcm"; privateKey: ReturnType<typeof createECDH>; authSecret: string }): Buffer;
};

export interface FakeSubscription {
  endpoint: string;
  keys: { p256dh: string; auth: string };
}

export interface PushEndpoint {
  subscription: FakeSubscription;
  /** Decrypted payloads received so far, oldest first, with the Urgency header. */
  received: Array<{ payload: any; urgency: string | null }>;
  close(): Promise<void>;
}

export async function startPushEndpoint(): Promise<PushEndpoint> {
  const ecdh = createECDH("prime256v1");
  ecdh.generateKeys();
  const auth = randomBytes(16).toString("base64url");
  const received: PushEndpoint["received"] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      try {
        const plain = ece.decrypt(Buffer.concat(chunks), { version: "aes128gcm", privateKey: ecdh, authSecret: auth });
        received.push({ payload: JSON.parse(plain.toString("utf8")), urgency: req.headers.urgency?.toString() ?? null });
        res.writeHead(201).end();
      } catch (err) {
        res.writeHead(400).end(String(err));
      }
    });
  });
  const port = await freePort();
  await new Promise<void>((r) => server.listen(port, "127.0.0.1", r));
  return {
    subscription: {
      endpoint: `http://127.0.0.1:${port}/push/${randomBytes(6).toString("hex")}`,
      keys: { p256dh: ecdh.getPublicKey().toString("base64url"), auth },
    },
    received,
    close: () => new Promise((r) => server.close(() => r())),
  };
}
