// Issue 13, webhooks: a real `wrangler dev` sends signed events to a local receiver that verifies each
// one with the reference library `standardwebhooks`. Retries keep their webhook-id and follow the
// (scaled) Standard Webhooks schedule, Retry-After is honoured, 410 stops, a restart between a failure
// and its retry still delivers, failures are listed and replayed through the deliveries API, and a
// dead endpoint does not slow acks. No browser: plain WebSockets and HTTP, all on 127.0.0.1.
import { randomBytes } from "node:crypto";
import { join } from "node:path";
import WebSocket from "ws";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PROTOCOL_VERSION } from "../../protocol/index.ts";
import { RETRY_SCHEDULE_MS } from "../../party/webhooks/schedule.ts";
import { DEV_API_KEY, mintToken, uniqueRoom } from "./support/api.ts";
import { eventually, userTmp } from "./support/browser.ts";
import { unpack } from "./support/frames.ts";
import { startReceiver, type Delivery, type Receiver } from "./support/webhook-receiver.ts";
import { freePort, startWrangler, type Wrangler } from "./support/wrangler.ts";

/** 5 s → 1 ms, 5 min → 60 ms, 30 min → 360 ms, 2 h → 1.44 s, 5 h → 3.6 s, 10 h → 7.2 s: all 8 attempts in ~20 s. */
const SCALE = 0.0002;
const TIMEOUT_SEC = 2;
const RING_SEC = 3;
const SECRET = `whsec_${randomBytes(24).toString("base64")}`;

let server: Wrangler;
let receiver: Receiver;
let http: string;

beforeAll(async () => {
  const dir = userTmp("webhooks");
  receiver = await startReceiver(SECRET, await freePort());
  server = await startWrangler({
    port: await freePort(),
    persistTo: join(dir, "state"),
    logDir: dir,
    name: "webhooks",
    vars: {
      WEBHOOK_URLS: `${receiver.url}/hooks`,
      WEBHOOK_SECRET: SECRET,
      WEBHOOK_RETRY_SCALE: String(SCALE),
      WEBHOOK_TIMEOUT_SEC: String(TIMEOUT_SEC),
      CALL_RING_TIMEOUT_SEC: String(RING_SEC),
    },
  });
  http = server.origin.replace("localhost", "127.0.0.1");
});
afterAll(async () => {
  await server?.stop();
  await receiver?.close();
});

const auth = { authorization: `Bearer ${DEV_API_KEY}`, "content-type": "application/json" };

async function hostApi(method: string, path: string, body?: unknown): Promise<{ status: number; json: any }> {
  const res = await fetch(`${http}${path}`, { method, headers: auth, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  return { status: res.status, json: text ? JSON.parse(text) : null };
}

/** A member's socket on `on` (default: this file's server), sending frames and collecting what the room sends back. */
async function connect(
  room: string,
  user: string,
  on: { origin: string; http: string } = { origin: server.origin, http },
): Promise<{ frames: any[]; send(f: unknown): void; close(): void; ack(id: string): Promise<any> }> {
  const token = await mintToken(on.origin, { user, name: `${user} name`, rooms: [room] });
  const ws = new WebSocket(`${on.http.replace("http", "ws")}/parties/room/${room}?token=${encodeURIComponent(token)}&v=${PROTOCOL_VERSION}`);
  const frames: any[] = [];
  ws.on("message", (data) => frames.push(...unpack(JSON.parse(String(data)))));
  await new Promise<void>((resolve, reject) => {
    ws.once("open", () => resolve());
    ws.once("error", reject);
  });
  await eventually(() => expect(frames.some((f) => f.type === "welcome")).toBe(true), 10_000);
  return {
    frames,
    send: (f) => ws.send(JSON.stringify(f)),
    close: () => ws.close(),
    ack: (id) =>
      eventually(() => frames.find((f) => (f.type === "ack" || f.type === "error") && f.id === id) ?? Promise.reject(new Error(`no ack for ${id}`)), 10_000),
  };
}

const byId = (ds: Delivery[], id: string) => ds.filter((d) => d.id === id);

describe("webhooks", () => {
  it("every event type arrives signed (verified by standardwebhooks) with the documented data", async () => {
    const room = uniqueRoom("wh-events");
    expect((await hostApi("PUT", `/api/rooms/${room}/members/bob`, { name: "Bob" })).status).toBe(200);
    const alice = await connect(room, "alice");
    const bob = await connect(room, "bob");
    alice.send({ type: "send", id: "msg-0001", text: "hello <b>bob</b>" });
    const ack = await alice.ack("msg-0001");
    expect(ack.type).toBe("ack");
    // A call bob does not answer: it rings RING_SEC, then ends missed.
    alice.send({ type: "call_start", callId: "call-0001", to: "bob", kind: "video" });
    await eventually(() => expect(receiver.forRoom(room).some((d) => d.type === "call.missed")).toBe(true), 20_000);
    expect((await hostApi("DELETE", `/api/rooms/${room}/members/bob`)).status).toBeLessThan(300);
    await eventually(() => expect(receiver.forRoom(room).some((d) => d.type === "member.removed")).toBe(true));
    alice.close();
    bob.close();

    const got = receiver.forRoom(room);
    const one = (type: string) => {
      const list = got.filter((d) => d.type === type);
      expect(list, type).toHaveLength(1);
      return list[0]!.data;
    };
    expect(receiver.invalid).toEqual([]);
    expect(got.every((d) => d.path === "/hooks")).toBe(true);
    // bob by the host API; alice by her first join.
    // Deliveries run concurrently: compare them in a fixed order.
    const joined = got
      .filter((d) => d.type === "member.joined")
      .map((d) => d.data)
      .sort((a, b) => String(a.user).localeCompare(String(b.user)));
    expect(joined).toEqual([
      { room, user: "alice", name: "alice name", by: "self" },
      { room, user: "bob", name: "Bob", by: "host" },
    ]);
    // Bob's own connection renamed him to his token's name; that is the name he leaves with.
    expect(one("member.removed")).toEqual({ room, user: "bob", name: "bob name", by: "host" });
    const texts = got.filter((d) => d.type === "message.created").map((d) => d.data);
    expect(texts[0]).toEqual({ room, seq: ack.seq, id: "msg-0001", kind: "text", user: "alice", name: "alice name", text: "hello <b>bob</b>", ts: ack.ts });
    const started = one("call.started");
    expect(started).toMatchObject({
      room,
      call_id: "call-0001",
      kind: "video",
      caller: { user: "alice", name: "alice name" },
      callee: { user: "bob", name: "bob name" },
    });
    expect(started.ring_until).toBeGreaterThan(Number(started.ts));
    const ended = one("call.ended");
    expect(ended).toMatchObject({ room, call_id: "call-0001", kind: "video", reason: "missed", duration_ms: 0 });
    expect(one("call.missed")).toEqual(ended);
    // The call's history entry is a message too.
    expect(texts.map((t) => t.kind)).toEqual(["text", "call"]);
    // One delivery per event, each with its own id.
    expect(new Set(got.map((d) => d.id)).size).toBe(got.length);
  });

  it("a failing endpoint gets the same webhook-id again on the schedule, and Retry-After is honoured", async () => {
    const room = uniqueRoom("wh-retry");
    // Three failures, then a 503 asking for 2 s, then success.
    receiver.on(room, (_d, previous) => {
      const n = previous.filter((p) => p.type === "member.joined").length;
      if (n < 3) return { status: 500 };
      if (n === 3) return { status: 503, headers: { "retry-after": "2" } };
      return { status: 200 };
    });
    expect((await hostApi("PUT", `/api/rooms/${room}/members/carol`, { name: "Carol" })).status).toBe(200);
    await eventually(() => expect(receiver.forRoom(room).filter((d) => d.status === 200)).toHaveLength(1), 20_000);
    const attempts = receiver.forRoom(room);
    expect(attempts).toHaveLength(5);
    expect(new Set(attempts.map((a) => a.id)).size).toBe(1);
    const gaps = attempts.slice(1).map((a, i) => a.at - attempts[i]!.at);
    // Each gap is at least its scheduled step minus the 20 % jitter; after the 503, at least 2 s.
    for (const [i, gap] of gaps.slice(0, 3).entries()) expect(gap, `gap ${i + 1}`).toBeGreaterThanOrEqual(RETRY_SCHEDULE_MS[i]! * SCALE * 0.8 - 5);
    expect(gaps[3]).toBeGreaterThanOrEqual(1990);
    expect(gaps[3]).toBeLessThan(2000 + RETRY_SCHEDULE_MS[3]! * SCALE * 1.2 + 3000);
    // A fresh timestamp per attempt: every attempt verified above, none older than a few seconds.
    for (const a of attempts) expect(Math.abs(a.timestamp * 1000 - a.at)).toBeLessThan(5000);
  });

  it("410 stops retrying that message; it is listed as failed and a replay delivers it with the same id", async () => {
    const room = uniqueRoom("wh-gone");
    let gone = true;
    receiver.on(room, () => ({ status: gone ? 410 : 204 }));
    expect((await hostApi("PUT", `/api/rooms/${room}/members/dave`, { name: "Dave" })).status).toBe(200);
    const failed = await eventually(async () => {
      const { json } = await hostApi("GET", "/api/webhooks/deliveries?status=failed&limit=200");
      const mine = json.deliveries.filter((d: any) => d.room === room);
      expect(mine).toHaveLength(1);
      return mine[0];
    }, 20_000);
    const attempts = receiver.forRoom(room);
    expect(attempts).toHaveLength(1);
    expect(failed).toMatchObject({ id: attempts[0]!.id, status: "failed", type: "member.joined", attempts: 1, url: `${receiver.url}/hooks` });
    expect(failed.last_error).toContain("HTTP 410");
    expect(failed.payload).toMatchObject({ type: "member.joined", data: { room, user: "dave", name: "Dave", by: "host" } });
    // Nothing more arrives for it.
    await new Promise((r) => setTimeout(r, 1500));
    expect(receiver.forRoom(room)).toHaveLength(1);

    gone = false;
    const replay = await hostApi("POST", `/api/webhooks/deliveries/${failed.id}/retry`);
    expect(replay.status).toBe(200);
    expect(replay.json).toMatchObject({ delivered: true, delivery: { id: failed.id, status: "delivered", attempts: 2 } });
    const after = receiver.forRoom(room);
    expect(after).toHaveLength(2);
    expect(after[1]!.id).toBe(failed.id);
    expect(after[1]!.data).toEqual(after[0]!.data);
    const { json } = await hostApi("GET", "/api/webhooks/deliveries?status=failed&limit=200");
    expect(json.deliveries.some((d: any) => d.id === failed.id)).toBe(false);
  });

  it("the deliveries API needs the key and answers bad input with codes", async () => {
    expect((await fetch(`${http}/api/webhooks/deliveries?status=failed`)).status).toBe(401);
    expect((await hostApi("GET", "/api/webhooks/deliveries?status=lost")).json.error.code).toBe("invalid_request");
    expect((await hostApi("POST", "/api/webhooks/deliveries/msg_nope/retry")).status).toBe(404);
  });

  it("after the last scheduled attempt fails the delivery is listed with its last error", async () => {
    const room = uniqueRoom("wh-dead");
    receiver.on(room, () => ({ status: 500 }));
    expect((await hostApi("PUT", `/api/rooms/${room}/members/erin`, { name: "Erin" })).status).toBe(200);
    const failed = await eventually(async () => {
      const { json } = await hostApi("GET", "/api/webhooks/deliveries?status=failed&limit=200");
      const mine = json.deliveries.filter((d: any) => d.room === room);
      expect(mine).toHaveLength(1);
      return mine[0];
    }, 45_000);
    expect(failed.attempts).toBe(RETRY_SCHEDULE_MS.length + 1);
    expect(failed.last_error).toContain("HTTP 500: receiver says 500");
    const attempts = receiver.forRoom(room);
    expect(attempts).toHaveLength(RETRY_SCHEDULE_MS.length + 1);
    expect(byId(attempts, failed.id)).toHaveLength(attempts.length);
  }, 90_000);

  it("a slow endpoint does not slow acks; its timed-out attempt is retried with the same id", async () => {
    const room = uniqueRoom("wh-slow");
    // Every first attempt hangs past the timeout (2 s); the retry is answered at once.
    receiver.on(room, (d, previous) => (previous.some((p) => p.id === d.id) ? { status: 204 } : { status: 204, delayMs: 4000 }));
    const frank = await connect(room, "frank");
    const latencies: number[] = [];
    for (let i = 0; i < 10; i++) {
      const t0 = performance.now();
      frank.send({ type: "send", id: `slow-000${i}`, text: `slow ${i}` });
      expect((await frank.ack(`slow-000${i}`)).type).toBe("ack");
      latencies.push(performance.now() - t0);
    }
    frank.close();
    // Acks do not wait for webhooks: each well under the endpoint's 4 s hang and the 2 s timeout.
    expect(Math.max(...latencies)).toBeLessThan(1000);
    await eventually(() => {
      const texts = receiver.forRoom(room).filter((d) => d.type === "message.created");
      const ids = [...new Set(texts.map((d) => d.id))];
      expect(ids).toHaveLength(10);
      for (const id of ids) expect(byId(texts, id).length).toBeGreaterThanOrEqual(2);
    }, 30_000);
  });

  it("a restart of the server between a failure and its retry still delivers, with the same id", async () => {
    const room = uniqueRoom("wh-restart");
    let down = true;
    receiver.on(room, () => ({ status: down ? 500 : 204 }));
    expect((await hostApi("PUT", `/api/rooms/${room}/members/gina`, { name: "Gina" })).status).toBe(200);
    // Five failures (the last retry gap is then 3.6 s ± 20 %): stop the server in that gap.
    await eventually(() => expect(receiver.forRoom(room).length).toBeGreaterThanOrEqual(5), 20_000);
    await server.stop();
    const stoppedAt = Date.now();
    const before = receiver.forRoom(room).length;
    down = false;
    await new Promise((r) => setTimeout(r, 4000));
    await server.restart();
    const ok = await eventually(() => {
      const hit = receiver.forRoom(room).find((d) => d.status === 204);
      expect(hit).toBeDefined();
      return hit!;
    }, 30_000);
    expect(before).toBe(5);
    expect(ok.at).toBeGreaterThan(stoppedAt);
    expect(new Set(receiver.forRoom(room).map((d) => d.id)).size).toBe(1);
    expect(receiver.invalid).toEqual([]);
  }, 90_000);

  it("a call's ringing event expires with the ring: no attempts after it, nothing listed as failed", async () => {
    const room = uniqueRoom("wh-ring");
    receiver.on(room, (d) => ({ status: d.type === "call.started" ? 500 : 204 }));
    expect((await hostApi("PUT", `/api/rooms/${room}/members/ivan`, { name: "Ivan" })).status).toBe(200);
    const hana = await connect(room, "hana");
    const ivan = await connect(room, "ivan");
    hana.send({ type: "call_start", callId: "ring-0001", to: "ivan", kind: "audio" });
    await eventually(() => expect(receiver.forRoom(room).some((d) => d.type === "call.missed")).toBe(true), 20_000);
    const ringUntil = Number(receiver.forRoom(room).find((d) => d.type === "call.started")!.data.ring_until);
    await new Promise((r) => setTimeout(r, 4000));
    const started = receiver.forRoom(room).filter((d) => d.type === "call.started");
    // Retried while it rang (schedule: 1 ms, 60 ms, 360 ms, 1.44 s …), never after.
    expect(started.length).toBeGreaterThanOrEqual(3);
    for (const s of started) expect(s.at).toBeLessThanOrEqual(ringUntil + 100);
    const { json } = await hostApi("GET", "/api/webhooks/deliveries?status=failed&limit=200");
    expect(json.deliveries.filter((d: any) => d.room === room)).toEqual([]);
    hana.close();
    ivan.close();
  });
});

// notification.fallback through a real room, its durable timer and the user objects, to the real
// receiver. Its own server: a short FALLBACK_AFTER would add fallbacks to the rooms of the tests above.
describe("notification.fallback", () => {
  const AFTER_SEC = 1.5;
  const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
  let fb: Wrangler;
  let fbHttp: string;

  beforeAll(async () => {
    const dir = userTmp("webhooks-fallback");
    fb = await startWrangler({
      port: await freePort(),
      persistTo: join(dir, "state"),
      logDir: dir,
      name: "webhooks-fallback",
      vars: { WEBHOOK_URLS: `${receiver.url}/hooks`, WEBHOOK_SECRET: SECRET, WEBHOOK_RETRY_SCALE: String(SCALE), FALLBACK_AFTER: String(AFTER_SEC) },
    });
    fbHttp = fb.origin.replace("localhost", "127.0.0.1");
  });
  afterAll(async () => {
    await fb?.stop();
  });

  it("one fallback, a window after the message, for the member who was away and did not read; none for one looking or one who read", async () => {
    const room = uniqueRoom("wh-fallback");
    const put = (path: string, body: unknown) =>
      fetch(`${fbHttp}${path}`, { method: "PUT", headers: auth, body: JSON.stringify(body) }).then((r) => expect(r.status).toBe(200));
    await put(`/api/rooms/${room}`, { title: "Order #7", url: "https://shop.example/orders/7" });
    for (const user of ["bob", "carol", "dave"]) await put(`/api/rooms/${room}/members/${user}`, { name: user.toUpperCase() });
    const open = (user: string) => connect(room, user, { origin: fb.origin, http: fbHttp });
    const alice = await open("alice");
    const carol = await open("carol");
    const sent = Date.now();
    alice.send({ type: "send", id: "msg-fb-1", text: "Is the blue one still available?" });
    const ack = await eventually(() => alice.frames.find((f) => f.type === "ack") ?? Promise.reject(new Error("no ack")), 10_000);
    // dave comes by and reads it within the window, then leaves.
    const dave = await open("dave");
    dave.send({ type: "read", seq: ack.seq });
    await eventually(() => expect(dave.frames.some((f) => f.type === "reads" && f.reads.some((r: any) => r.user === "dave" && r.seq === ack.seq))).toBe(true));
    dave.close();

    await eventually(() => expect(receiver.forRoom(room).some((d) => d.type === "notification.fallback")).toBe(true), 15_000);
    const first = receiver.forRoom(room).find((d) => d.type === "notification.fallback")!;
    expect(first.at - sent).toBeGreaterThanOrEqual(AFTER_SEC * 1000 - 100);
    expect(first.data).toEqual({
      user: "bob",
      room,
      title: "Order #7",
      sender: { user: "alice", name: "alice name" },
      preview: "Is the blue one still available?",
      url: "https://shop.example/orders/7",
      reason: "no_subscription",
      entries: 1,
      seq: ack.seq,
      kind: "text",
    });
    // Nothing more: not twice for bob, nothing for carol (looking) or dave (read in time).
    await sleep(AFTER_SEC * 1000 + 1000);
    expect(receiver.forRoom(room).filter((d) => d.type === "notification.fallback")).toHaveLength(1);
    expect(receiver.invalid).toEqual([]);
    alice.close();
    carol.close();
  });
});
