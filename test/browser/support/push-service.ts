// A push service on 127.0.0.1 standing in for FCM / Mozilla autopush / Apple: it hands out
// subscriptions whose private keys it keeps (as a browser would), answers each POST with a scripted
// status (201 unless told otherwise: 410, 429 + Retry-After, 503 …), checks the VAPID JWT with jose
// and really decrypts the aes128gcm body with the subscriber's private key through http_ece — so a
// test sees exactly what a browser would show.
import { createECDH, randomBytes } from "node:crypto";
import { createServer, type IncomingMessage, type Server } from "node:http";
import { createRequire } from "node:module";
import { importJWK, jwtVerify } from "jose";

const ece = createRequire(import.meta.url)("http_ece") as {
  decrypt(body: Buffer, params: { version: "aes128gcm"; privateKey: ReturnType<typeof createECDH>; authSecret: string }): Buffer;
};

export interface Subscription {
  endpoint: string;
  keys: { p256dh: string; auth: string };
}

/** One POST the service received, decrypted. */
export interface Received {
  device: string;
  /** What the service answered. */
  status: number;
  at: number;
  ttl: number;
  urgency: string | null;
  topic: string | null;
  /** The VAPID JWT verified against the `k=` key with `aud` = this service's origin. */
  vapid: boolean;
  /** The decrypted body parsed as JSON (null when it did not decrypt or parse). */
  payload: Record<string, any> | null;
}

export interface Reply {
  status: number;
  retryAfter?: string;
}

export interface Device {
  id: string;
  subscription: Subscription;
  /** Answers the next requests with these replies, in order (then 201 again). */
  script(...replies: Reply[]): void;
}

export interface PushService {
  origin: string;
  device(): Device;
  received(device?: string): Received[];
  /** Resolves with the received requests once `pred` holds, or throws after `timeoutMs`. */
  until(pred: (all: Received[]) => boolean, timeoutMs?: number, what?: string): Promise<Received[]>;
  close(): Promise<void>;
}

function body(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => resolve(Buffer.concat(chunks)));
    req.on("error", reject);
  });
}

async function verifyVapid(header: string | undefined, origin: string): Promise<boolean> {
  const m = /^vapid t=([^,\s]+),\s*k=([A-Za-z0-9_-]+)$/.exec(header ?? "");
  if (!m) return false;
  try {
    const point = Buffer.from(m[2]!, "base64url");
    const jwk = { kty: "EC", crv: "P-256", x: point.subarray(1, 33).toString("base64url"), y: point.subarray(33).toString("base64url") };
    const { payload } = await jwtVerify(m[1]!, await importJWK(jwk, "ES256"), { audience: origin });
    return typeof payload.sub === "string" && typeof payload.exp === "number" && payload.exp <= Date.now() / 1000 + 24 * 3600;
  } catch {
    return false;
  }
}

export async function startPushService(): Promise<PushService> {
  const devices = new Map<string, { ecdh: ReturnType<typeof createECDH>; auth: string; replies: Reply[] }>();
  const log: Received[] = [];
  const waiters = new Set<() => void>();
  let origin = "";

  const server: Server = createServer(async (req, res) => {
    const id = /^\/push\/([a-z0-9]+)$/.exec(req.url ?? "")?.[1];
    const device = id ? devices.get(id) : undefined;
    const raw = await body(req);
    if (!id || !device || req.method !== "POST") {
      res.writeHead(404).end();
      return;
    }
    const reply = device.replies.shift() ?? { status: 201 };
    let payload: Record<string, any> | null = null;
    try {
      if (req.headers["content-encoding"] === "aes128gcm") {
        payload = JSON.parse(ece.decrypt(raw, { version: "aes128gcm", privateKey: device.ecdh, authSecret: device.auth }).toString("utf8"));
      }
    } catch {
      payload = null;
    }
    log.push({
      device: id,
      status: reply.status,
      at: Date.now(),
      ttl: Number(req.headers.ttl),
      urgency: (req.headers.urgency as string | undefined) ?? null,
      topic: (req.headers.topic as string | undefined) ?? null,
      vapid: await verifyVapid(req.headers.authorization, origin),
      payload,
    });
    for (const w of waiters) w();
    res.writeHead(reply.status, reply.retryAfter === undefined ? {} : { "Retry-After": reply.retryAfter }).end();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  if (address === null || typeof address === "string") throw new Error("push service has no port");
  origin = `http://127.0.0.1:${address.port}`;

  return {
    origin,
    device() {
      const id = randomBytes(8).toString("hex");
      const ecdh = createECDH("prime256v1");
      ecdh.generateKeys();
      const auth = randomBytes(16).toString("base64url");
      const state = { ecdh, auth, replies: [] as Reply[] };
      devices.set(id, state);
      return {
        id,
        subscription: { endpoint: `${origin}/push/${id}`, keys: { p256dh: ecdh.getPublicKey().toString("base64url"), auth } },
        script: (...replies) => state.replies.push(...replies),
      };
    },
    received: (device) => log.filter((r) => device === undefined || r.device === device),
    async until(pred, timeoutMs = 20_000, what = "pushes") {
      const deadline = Date.now() + timeoutMs;
      while (!pred(log)) {
        const left = deadline - Date.now();
        if (left <= 0)
          throw new Error(
            `push service: no ${what} within ${timeoutMs} ms; received ${JSON.stringify(log.map((r) => ({ ...r, payload: r.payload?.notification?.body })))}`,
          );
        await new Promise<void>((resolve) => {
          const done = () => {
            waiters.delete(done);
            resolve();
          };
          waiters.add(done);
          setTimeout(done, Math.min(left, 250));
        });
      }
      return [...log];
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
