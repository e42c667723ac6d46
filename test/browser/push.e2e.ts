// Web push, server side (issue 12), against `wrangler dev` with a local push service on 127.0.0.1
// that decrypts every push with the subscriber's private key (support/push-service.ts). No browser:
// the service worker side is tested elsewhere; here the rooms' sending, retries and pruning are.
// The server is this file's own (short PUSH_MIN_INTERVAL and ring windows; one test restarts it).
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEV_API_KEY, mintToken, uniqueRoom } from "./support/api.ts";
import { userTmp } from "./support/browser.ts";
import { startPushService, type Device, type PushService, type Received } from "./support/push-service.ts";
import { openRoomSocket } from "./support/room-socket.ts";
import { freePort, startWrangler, type Wrangler } from "./support/wrangler.ts";

const INTERVAL_SEC = 3;
const RING_SEC = 4;
const PUSH_RING_SEC = 6;
const TOPIC = /^[A-Za-z0-9_-]{1,32}$/;

let server: Wrangler;
let api: string;
let push: PushService;

beforeAll(async () => {
  const dir = userTmp("push");
  push = await startPushService();
  server = await startWrangler({
    port: await freePort(),
    persistTo: join(dir, "state"),
    logDir: dir,
    name: "push",
    vars: {
      PUSH_MIN_INTERVAL: String(INTERVAL_SEC),
      PUSH_ALLOW_HTTP: "true",
      CALL_RING_TIMEOUT_SEC: String(RING_SEC),
      CALL_PUSH_RING_TIMEOUT_SEC: String(PUSH_RING_SEC),
    },
  });
  api = server.origin.replace("//localhost:", "//127.0.0.1:");
});
afterAll(async () => {
  await server?.stop();
  await push?.close();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function call(path: string, init: { method?: string; token?: string; body?: unknown } = {}) {
  const res = await fetch(`${api}${path}`, {
    method: init.method ?? "GET",
    headers: { authorization: `Bearer ${init.token ?? DEV_API_KEY}`, "content-type": "application/json" },
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  });
  return { status: res.status, body: (await res.json().catch(() => null)) as any };
}

interface Person {
  user: string;
  name: string;
  token: string;
}

/** A room with a title and URL and these members (added by the host, so none has to connect first). */
async function room(names: string[], settings: { title?: string; url?: string } = {}) {
  const id = uniqueRoom("push");
  expect((await call(`/api/rooms/${id}`, { method: "PUT", body: settings })).status).toBe(200);
  const people: Record<string, Person> = {};
  for (const name of names) {
    const user = `${name.toLowerCase()}-${id.slice(-6)}`;
    expect((await call(`/api/rooms/${id}/members/${user}`, { method: "PUT", body: { name } })).status).toBe(200);
    people[name] = { user, name, token: await mintToken(server.origin, { user, name, rooms: [id] }) };
  }
  return { id, people };
}

async function subscribe(p: Person, url = "https://host.example/page", lang?: string): Promise<Device> {
  const device = push.device();
  const res = await call("/api/push/subscribe", { method: "POST", token: p.token, body: { subscription: device.subscription, url, lang } });
  expect(res).toEqual({ status: 201, body: { ok: true } });
  return device;
}

const of = (d: Device) => (all: Received[]) => all.filter((r) => r.device === d.id);

describe("web push for new messages", () => {
  it("an offline member gets one encrypted declarative push; the sender, a connected member and a muted member get none", async () => {
    const { id, people } = await room(["Alice", "Bob", "Carol", "Dave"], { title: "Order #42", url: "https://shop.example/orders/42" });
    const [Alice, Bob, Carol, Dave] = ["Alice", "Bob", "Carol", "Dave"].map((n) => people[n]!) as [Person, Person, Person, Person];
    const [a, b, c, d] = [await subscribe(Alice), await subscribe(Bob), await subscribe(Carol), await subscribe(Dave)];
    const carol = await openRoomSocket(server.origin, id, Carol.token);
    expect(await call(`/api/push/mutes/${id}`, { method: "PUT", token: Dave.token })).toEqual({ status: 200, body: { room: id, muted: true } });
    expect(await call(`/api/push/mutes/${id}`, { token: Dave.token })).toEqual({ status: 200, body: { room: id, muted: true } });

    const alice = await openRoomSocket(server.origin, id, Alice.token);
    await alice.say("Is the blue one still available?");
    const [got] = of(b)(await push.until((all) => of(b)(all).length >= 1, 15_000, "push to Bob"));
    expect(got).toMatchObject({ status: 201, vapid: true, urgency: "normal" });
    expect(got!.ttl).toBeGreaterThan(3600);
    expect(got!.topic).toMatch(TOPIC);
    expect(got!.payload).toEqual({
      web_push: 8030,
      notification: {
        title: "Order #42",
        body: "Alice: Is the blue one still available?",
        navigate: "https://shop.example/orders/42",
        tag: got!.topic,
        data: { room: id, kind: "message" },
      },
      mutable: true,
    });
    // Give the others every chance to be (wrongly) pushed before counting.
    await sleep(1500);
    expect(push.received(a.id)).toEqual([]);
    expect(push.received(c.id)).toEqual([]);
    expect(push.received(d.id)).toEqual([]);

    expect(await call(`/api/push/mutes/${id}`, { method: "DELETE", token: Dave.token })).toEqual({ status: 200, body: { room: id, muted: false } });
    await Promise.all([alice.close(), carol.close()]);
  });

  it("a burst becomes one push per interval: the first at once, the latest text after the interval", async () => {
    const { id, people } = await room(["Alice", "Bob"]);
    const bob = await subscribe(people.Bob!, "https://host.example/inbox");
    const alice = await openRoomSocket(server.origin, id, people.Alice!.token);
    for (let i = 1; i <= 5; i++) await alice.say(`burst ${i}`);
    const [first] = of(bob)(await push.until((all) => of(bob)(all).length >= 1, 15_000, "first push"));
    // No title: the sender is the title; no room URL: the page the device subscribed from.
    expect(first!.payload?.notification).toMatchObject({ title: "Alice", body: "burst 1", navigate: "https://host.example/inbox" });
    await sleep((INTERVAL_SEC * 1000) / 2);
    expect(push.received(bob.id)).toHaveLength(1);
    const [, second] = of(bob)(await push.until((all) => of(bob)(all).length >= 2, 15_000, "second push"));
    expect(second!.payload?.notification.body).toBe("burst 5");
    expect(second!.at - first!.at).toBeGreaterThanOrEqual(INTERVAL_SEC * 1000 - 200);
    expect(second!.topic).toBe(first!.topic);
    await sleep(INTERVAL_SEC * 1000 + 1000);
    expect(push.received(bob.id)).toHaveLength(2);
    await alice.close();
  });

  it("410 deletes the subscription; a device that still works keeps getting pushes", async () => {
    const { id, people } = await room(["Alice", "Bob"]);
    const gone = await subscribe(people.Bob!);
    const kept = await subscribe(people.Bob!);
    gone.script({ status: 410 });
    const alice = await openRoomSocket(server.origin, id, people.Alice!.token);
    await alice.say("first");
    await push.until((all) => of(gone)(all).length === 1 && of(kept)(all).length === 1, 15_000, "first pushes");
    await sleep(INTERVAL_SEC * 1000 + 200);
    await alice.say("second");
    await push.until((all) => of(kept)(all).length === 2, 15_000, "second push to the kept device");
    await sleep(1000);
    expect(push.received(gone.id).map((r) => r.status)).toEqual([410]);
    await alice.close();
  });

  it("429 with Retry-After is retried after the delay, once, with the same notification", async () => {
    const { id, people } = await room(["Alice", "Bob"]);
    const bob = await subscribe(people.Bob!);
    bob.script({ status: 429, retryAfter: "2" });
    const alice = await openRoomSocket(server.origin, id, people.Alice!.token);
    await alice.say("please retry me");
    const [refused, accepted] = of(bob)(await push.until((all) => of(bob)(all).length >= 2, 20_000, "retry"));
    expect([refused!.status, accepted!.status]).toEqual([429, 201]);
    expect(accepted!.at - refused!.at).toBeGreaterThanOrEqual(1900);
    expect(accepted!.payload).toEqual(refused!.payload);
    await sleep(3000);
    expect(push.received(bob.id)).toHaveLength(2);
    await alice.close();
  });

  it("subscribe validates its body and token; unsubscribe stops pushes", async () => {
    const { id, people } = await room(["Alice", "Bob"]);
    const device = push.device();
    const bad = await call("/api/push/subscribe", {
      method: "POST",
      token: people.Bob!.token,
      body: { subscription: { endpoint: "ftp://x/y", keys: device.subscription.keys }, url: "https://h.example/" },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe("invalid_request");
    const shortKey = await call("/api/push/subscribe", {
      method: "POST",
      token: people.Bob!.token,
      body: { subscription: { ...device.subscription, keys: { p256dh: "AAAA", auth: device.subscription.keys.auth } }, url: "https://h.example/" },
    });
    expect(shortKey.status).toBe(400);
    expect(
      (await call("/api/push/subscribe", { method: "POST", token: "nope", body: { subscription: device.subscription, url: "https://h.example/" } })).status,
    ).toBe(401);
    expect((await call(`/api/push/mutes/other-room`, { method: "PUT", token: people.Bob!.token })).status).toBe(403);

    const bob = await subscribe(people.Bob!);
    expect(await call("/api/push/unsubscribe", { method: "POST", token: people.Bob!.token, body: { endpoint: bob.subscription.endpoint } })).toEqual({
      status: 200,
      body: { ok: true },
    });
    const control = await subscribe(people.Bob!);
    const alice = await openRoomSocket(server.origin, id, people.Alice!.token);
    await alice.say("only the control device");
    await push.until((all) => of(control)(all).length === 1, 15_000, "push to the control device");
    await sleep(1000);
    expect(push.received(bob.id)).toEqual([]);
    await alice.close();
  });
});

describe("web push for calls", () => {
  it("a call to an offline member: a high-urgency ring push with Answer/Decline, then 'missed call' with the same topic and tag", async () => {
    const { id, people } = await room(["Alice", "Bob"], { url: "https://shop.example/chat" });
    const bob = await subscribe(people.Bob!);
    const alice = await openRoomSocket(server.origin, id, people.Alice!.token);
    const started = Date.now();
    alice.send({ type: "call_start", callId: "call-push-1", to: people.Bob!.user, kind: "video" });
    await alice.waitFor((f) => f.type === "call" && f.call.phase === "ringing", "ringing");
    const [ring] = of(bob)(await push.until((all) => of(bob)(all).length >= 1, 15_000, "ring push"));
    expect(ring).toMatchObject({ status: 201, vapid: true, urgency: "high" });
    expect(ring!.ttl).toBeGreaterThan(PUSH_RING_SEC - 3);
    expect(ring!.ttl).toBeLessThanOrEqual(PUSH_RING_SEC);
    expect(ring!.topic).toMatch(TOPIC);
    const n = ring!.payload?.notification;
    expect(n).toMatchObject({ title: "Alice", body: "Incoming video call", navigate: "https://shop.example/chat", tag: ring!.topic, requireInteraction: true });
    expect(n.actions.map((x: { action: string }) => x.action)).toEqual(["answer", "decline"]);
    expect(n.data).toMatchObject({ room: id, kind: "ring", call: "call-push-1" });
    expect(typeof n.data.declineToken).toBe("string");

    // Reached by push, the ring lasts the longer window, then ends missed.
    const ended = await alice.waitFor((f) => f.type === "call" && f.call.phase === "ended", "missed", 20_000);
    expect(ended.call.reason).toBe("missed");
    expect(Date.now() - started).toBeGreaterThanOrEqual(PUSH_RING_SEC * 1000 - 500);
    const [, missed] = of(bob)(await push.until((all) => of(bob)(all).length >= 2, 15_000, "missed-call push"));
    expect(missed!.topic).toBe(ring!.topic);
    expect(missed!.urgency).toBe("normal");
    expect(missed!.payload?.notification).toMatchObject({
      title: "Alice",
      body: "Missed video call",
      tag: ring!.topic,
      data: { room: id, kind: "missed", call: "call-push-1" },
    });
    await alice.close();
  });

  it("Decline from the notification ends the ring as declined; the token is single-call and cannot be forged", async () => {
    const { id, people } = await room(["Alice", "Bob"]);
    const bob = await subscribe(people.Bob!);
    const alice = await openRoomSocket(server.origin, id, people.Alice!.token);
    alice.send({ type: "call_start", callId: "call-push-2", to: people.Bob!.user, kind: "audio" });
    const [ring] = of(bob)(await push.until((all) => of(bob)(all).length >= 1, 15_000, "ring push"));
    const token: string = ring!.payload?.notification.data.declineToken;
    const forged = `${token.slice(0, token.lastIndexOf(".") + 1)}${"A".repeat(43)}`;
    expect((await call("/api/calls/decline", { method: "POST", body: { token: forged } })).status).toBe(401);
    expect(await call("/api/calls/decline", { method: "POST", body: { token } })).toEqual({ status: 200, body: { ok: true, declined: true } });
    const ended = await alice.waitFor((f) => f.type === "call" && f.call.phase === "ended", "declined");
    expect(ended.call.reason).toBe("declined");
    // Declined, not missed: the ring turns quietly into "Call declined" (same topic and tag), no missed-call push.
    const [, declined] = of(bob)(await push.until((all) => of(bob)(all).length >= 2, 15_000, "declined push"));
    expect(declined).toMatchObject({ status: 201, topic: ring!.topic, urgency: "high" });
    expect(declined!.payload?.notification).toMatchObject({
      body: "Call declined",
      tag: ring!.topic,
      silent: true,
      data: { kind: "declined", call: "call-push-2" },
    });
    await sleep(1500);
    expect(push.received(bob.id)).toHaveLength(2);
    expect(await call("/api/calls/decline", { method: "POST", body: { token } })).toEqual({ status: 200, body: { ok: true, declined: false } });
    await alice.close();
  });

  it("answered on one device: every device the ring reached gets 'Call answered' with the same topic and tag, quietly, in its language", async () => {
    const { id, people } = await room(["Alice", "Bob"]);
    // The phone's widget showed Korean when it subscribed; the laptop's English.
    const [phone, laptop] = [await subscribe(people.Bob!, undefined, "ko"), await subscribe(people.Bob!, undefined, "en")];
    const alice = await openRoomSocket(server.origin, id, people.Alice!.token);
    alice.send({ type: "call_start", callId: "call-push-4", to: people.Bob!.user, kind: "audio" });
    const rings = await push.until((all) => of(phone)(all).length >= 1 && of(laptop)(all).length >= 1, 15_000, "ring pushes");
    const topic = of(phone)(rings)[0]!.topic;
    expect(of(phone)(rings)[0]!.payload?.notification).toMatchObject({ body: "음성 통화 수신", lang: "ko", actions: [{ title: "받기" }, { title: "거절" }] });
    expect(of(laptop)(rings)[0]!.payload?.notification).toMatchObject({
      body: "Incoming call",
      lang: "en",
      actions: [{ title: "Answer" }, { title: "Decline" }],
    });
    // Bob opens the page from the ring (the room rings his new socket) and answers there.
    const bob = await openRoomSocket(server.origin, id, people.Bob!.token);
    await bob.waitFor((f) => f.type === "call" && f.call.phase === "ringing", "ringing on Bob's page");
    bob.send({ type: "call_accept", callId: "call-push-4" });
    await alice.waitFor((f) => f.type === "call" && f.call.phase === "connecting", "answered");
    const all = await push.until((got) => of(phone)(got).length >= 2 && of(laptop)(got).length >= 2, 15_000, "answered pushes");
    for (const [device, words] of [
      [phone, "통화를 받았습니다"],
      [laptop, "Call answered"],
    ] as const) {
      const [, answered] = of(device)(all);
      expect(answered).toMatchObject({ status: 201, vapid: true, urgency: "high", topic });
      expect(answered!.ttl).toBeLessThanOrEqual(60);
      const n = answered!.payload?.notification;
      expect(n).toMatchObject({ title: "Alice", body: words, tag: topic, silent: true, data: { room: id, kind: "answered", call: "call-push-4" } });
      expect(n.requireInteraction).toBeUndefined();
      expect(n.actions).toBeUndefined();
    }
    // Hung up after connecting: nothing more for the devices.
    bob.send({ type: "call_hangup", callId: "call-push-4" });
    await alice.waitFor((f) => f.type === "call" && f.call.phase === "ended", "ended");
    await sleep(1500);
    expect(push.received(phone.id)).toHaveLength(2);
    expect(push.received(laptop.id)).toHaveLength(2);
    await Promise.all([alice.close(), bob.close()]);
  });

  it("a call to an offline member without devices is refused at once, as before push", async () => {
    const { id, people } = await room(["Alice", "Bob"]);
    const alice = await openRoomSocket(server.origin, id, people.Alice!.token);
    alice.send({ type: "call_start", callId: "call-push-3", to: people.Bob!.user, kind: "audio" });
    const refusal = await alice.waitFor((f) => f.type === "error", "refusal");
    expect(refusal.code).toBe("callee_unavailable");
    await alice.close();
  });
});

describe("durable retries", () => {
  it("a restart of the server between a 503 and its retry still delivers exactly once", async () => {
    const { id, people } = await room(["Alice", "Bob"]);
    const bob = await subscribe(people.Bob!);
    // Long enough that the server is surely down when the retry falls due (stopping takes seconds).
    bob.script({ status: 503, retryAfter: "8" });
    const alice = await openRoomSocket(server.origin, id, people.Alice!.token);
    await alice.say("survive the restart");
    const [refusal] = of(bob)(await push.until((all) => of(bob)(all).length >= 1, 15_000, "the 503"));
    await alice.close();
    await server.stop();
    await sleep(Math.max(0, refusal!.at + 9000 - Date.now()));
    expect(push.received(bob.id).map((r) => r.status)).toEqual([503]);
    await server.restart();
    const [refused, accepted] = of(bob)(await push.until((all) => of(bob)(all).length >= 2, 30_000, "the retry after the restart"));
    expect([refused!.status, accepted!.status]).toEqual([503, 201]);
    expect(accepted!.payload?.notification.body).toBe("survive the restart");
    await sleep(3000);
    expect(push.received(bob.id).map((r) => r.status)).toEqual([503, 201]);
  });
});
