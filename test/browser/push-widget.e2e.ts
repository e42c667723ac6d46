// Issue 12, the browser side of web push (widget + service worker), in real Chromium against
// `wrangler dev`. The server side has its own suite, push.e2e.ts.
//
// Real here: the widget and its permission flow (the permission is granted through the DevTools
// protocol, `Browser.grantPermissions`: headless Chromium denies a prompt at once), our service
// worker registered from /inapp-talk-sw.js on the host's origin, the chat server's push feature
// (it encrypts to the subscription's endpoint), the decrypted payload delivered to the worker with
// `ServiceWorker.deliverPushMessage`, the notifications it shows (`getNotifications()`), the
// decline request it sends and the call the widget answers.
// Injected: `PushManager.subscribe()`/`getSubscription()` return a subscription whose endpoint is a
// local push endpoint holding the private key (support/push-endpoint.ts) — Chromium here reaches
// no push service and a real `subscribe()` never settles. `notificationclick` cannot be produced
// through the DevTools protocol: the worker's click handler (`self.inappTalk.clickNotice`) is
// called in the real worker with the Notification it showed; `focus()`/`openWindow()` need a real
// click's user activation, so the no-tab case records the URL it would open.
// Persistent profiles: Chromium has no Push API in incognito contexts (what newContext() makes).
// Safari (declarative push, `window.pushManager`) cannot run here: that branch of the widget runs
// against an injected `window.pushManager`.
import type { BrowserContext, Worker } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { PROTOCOL_VERSION } from "../../protocol/index.ts";
import { mintToken, seedMessages, uniqueRoom } from "./support/api.ts";
import { eventually } from "./support/browser.ts";
import { unpack } from "./support/frames.ts";
import { startPushEndpoint, type PushEndpoint } from "./support/push-endpoint.ts";
import { alice, bob, fakePush, grant, host, hostUrl, openHost, part, profile, pushCalls, pushState, SCOPE, sendText, server } from "./support/push-page.ts";

/** Hands a payload to our worker's registration as the browser would on a push (DevTools protocol). */
async function deliver(ctx: BrowserContext, payload: unknown): Promise<void> {
  const page = ctx.pages()[0] ?? (await ctx.newPage());
  const cdp = await ctx.newCDPSession(page);
  const regs: Array<{ registrationId: string; scopeURL: string; isDeleted: boolean }> = [];
  const versions: Array<{ registrationId: string; status: string }> = [];
  cdp.on("ServiceWorker.workerRegistrationUpdated", (e) => regs.push(...e.registrations));
  cdp.on("ServiceWorker.workerVersionUpdated", (e) => versions.push(...e.versions));
  await cdp.send("ServiceWorker.enable");
  const id = await eventually(() => {
    const r = regs.filter((x) => x.scopeURL === SCOPE() && !x.isDeleted).at(-1);
    if (!r) throw new Error(`no registration at ${SCOPE()} (${JSON.stringify(regs)})`);
    // A push to a registration whose worker is not active yet is dropped by the browser, silently.
    const status = versions.filter((v) => v.registrationId === r.registrationId).at(-1)?.status;
    if (status !== "activated") throw new Error(`our worker is ${status ?? "unknown"}, not activated`);
    return r.registrationId;
  });
  await cdp.send("ServiceWorker.deliverPushMessage", { origin: host(), registrationId: id, data: JSON.stringify(payload) });
  await cdp.detach();
}

async function ourWorker(ctx: BrowserContext): Promise<Worker> {
  return eventually(() => {
    const w = ctx.serviceWorkers().find((x) => x.url().startsWith(`${host()}/inapp-talk-sw.js`));
    if (!w) throw new Error("our service worker is not running");
    return w;
  });
}

interface Shown {
  title: string;
  body: string;
  tag: string;
  data: any;
  requireInteraction: boolean;
  silent: boolean;
  actions: string[];
}

const shownNotifications = (w: Worker): Promise<Shown[]> =>
  w.evaluate(async () =>
    ((await (self as any).registration.getNotifications()) as any[]).map((n) => ({
      title: n.title,
      body: n.body,
      tag: n.tag,
      data: n.data,
      requireInteraction: n.requireInteraction,
      silent: n.silent,
      actions: (n.actions as Array<{ action: string }>).map((a) => a.action),
    })),
  );

/** The next push the endpoint receives matching `pred`. */
function received(endpoint: PushEndpoint, pred: (p: any) => boolean) {
  return eventually(() => {
    const r = endpoint.received.find((x) => pred(x.payload));
    if (!r) throw new Error(`no such push yet; received ${JSON.stringify(endpoint.received.map((x) => x.payload?.notification?.data))}`);
    return r;
  });
}

/** A member on a plain WebSocket (calls an offline user; no browser needed on that side). */
async function rawMember(room: string, who: { user: string; name: string }) {
  const token = await mintToken(server(), { ...who, rooms: [room] });
  const ws = new WebSocket(
    `${server().replace("http://localhost:", "ws://127.0.0.1:")}/parties/room/${room}?token=${encodeURIComponent(token)}&v=${PROTOCOL_VERSION}`,
  );
  const frames: any[] = [];
  ws.on("message", (d) => frames.push(...unpack(JSON.parse(String(d)))));
  await new Promise<void>((resolve, reject) => {
    ws.once("open", () => resolve());
    ws.once("error", reject);
  });
  const waitFor = (pred: (f: any) => boolean, what: string) =>
    eventually(() => {
      const f = frames.find(pred);
      if (!f) throw new Error(`no ${what}; frames: ${JSON.stringify(frames).slice(-600)}`);
      return f;
    });
  await waitFor((f) => f.type === "welcome", "welcome");
  return { frames, waitFor, send: (f: unknown) => ws.send(JSON.stringify(f)), close: () => ws.close() };
}

const callId = () => `cpush${Math.random().toString(36).slice(2, 12)}`;

describe("web push in the browser (push attribute, service worker)", () => {
  const room = uniqueRoom("push");
  let endpoint: PushEndpoint;
  let ctx: BrowserContext;
  let aliceToken: string;
  let pageUrl: string;
  /** A real ring payload from the chat server, reused to show a ring for a call that rings in a tab. */
  let ringPayload: any;

  beforeAll(async () => {
    endpoint = await startPushEndpoint();
    ctx = await profile("flow");
    await fakePush(ctx, endpoint.subscription);
    await seedMessages(server(), room, bob, ["Is it still for sale?"]);
    aliceToken = await mintToken(server(), { ...alice, rooms: [room] });
    pageUrl = hostUrl(room, aliceToken);
  });

  afterAll(async () => {
    await ctx?.close();
    await endpoint?.close();
  });

  it("asks nothing on load; after the user's message it offers, in context; the click asks, registers the narrow worker and posts the subscription", async () => {
    const page = await openHost(ctx, pageUrl);
    await pushState(page, "off");
    expect(await pushCalls(page)).toMatchObject({ requestPermission: 0, subscribe: 0 });
    expect(await page.evaluate(() => navigator.serviceWorker.getRegistrations().then((r) => r.length))).toBe(0);
    expect(await part(page, "push-offer").count()).toBe(0);
    expect(await part(page, "push-button").getAttribute("data-state")).toBe("off");

    await sendText(page, "Hello, is the price firm?");
    const offer = part(page, "push-offer");
    await offer.waitFor();
    expect(await offer.locator("p").textContent()).toBe("Get notified when Bob answers");
    expect(await pushCalls(page)).toMatchObject({ requestPermission: 0, subscribe: 0 });

    await grant(ctx);
    const posted = page.waitForRequest((r) => r.url() === `${server()}/api/push/subscribe` && r.method() === "POST");
    await part(page, "push-offer-accept").click();
    const req = await posted;
    expect((await req.response())?.status()).toBe(201);
    expect(req.headers().authorization).toBe(`Bearer ${aliceToken}`);
    expect(req.postDataJSON()).toEqual({
      subscription: { endpoint: endpoint.subscription.endpoint, expirationTime: null, keys: endpoint.subscription.keys },
      url: pageUrl,
      lang: "en",
    });
    await pushState(page, "on", false);
    await offer.waitFor({ state: "detached" });
    // The offer is gone: keyboard focus went to the bell, and a screen reader hears the outcome.
    await eventually(async () =>
      expect(await page.evaluate(() => document.querySelector("inapp-talk")!.shadowRoot!.activeElement?.getAttribute("part"))).toBe("push-button"),
    );
    expect(await page.locator("inapp-talk").locator("[data-push-said]").textContent()).toContain("Notifications are on for this device");

    const { publicKey } = (await (await fetch(`${server().replace("localhost", "127.0.0.1")}/api/push/key`)).json()) as { publicKey: string };
    expect(await pushCalls(page)).toMatchObject({ requestPermission: 1, subscribe: 1, keys: [publicKey], on: "registration" });
    const regs = await page.evaluate(async () =>
      (await navigator.serviceWorker.getRegistrations()).map((r) => ({ scope: r.scope, script: r.active?.scriptURL })),
    );
    expect(regs).toEqual([{ scope: SCOPE(), script: `${host()}/inapp-talk-sw.js?server=${encodeURIComponent(server())}` }]);
    // The narrow scope controls no page: a host's own worker keeps its pages.
    expect(await page.evaluate(() => navigator.serviceWorker.controller)).toBeNull();
    expect(await part(page, "push-button").getAttribute("data-state")).toBe("on");
    await page.close();
  });

  it("while the user is away the chat server pushes to that subscription; the worker shows it, and the next message replaces it (same tag)", async () => {
    // Alice's tab just closed: write once the room has seen her leave (pushes go only to members who are away).
    const writer = await rawMember(room, bob);
    await eventually(() => {
      const snapshot = writer.frames.find((f) => f.type === "presence");
      const online = new Set<string>((snapshot?.online ?? []).map((p: { user: string }) => p.user));
      for (const f of writer.frames) if (f.type === "presence_diff") for (const u of f.left) online.delete(u);
      if (!snapshot || online.has(alice.user)) throw new Error("alice still online");
    });
    writer.send({ type: "send", id: "away_msg_1", text: "Yes, 20 000 won, firm." });
    await writer.waitFor((f) => f.type === "ack" && f.id === "away_msg_1", "ack");
    writer.close();
    const first = await received(endpoint, (p) => p?.notification?.body?.includes("20 000 won"));
    expect(first.payload).toMatchObject({ web_push: 8030, notification: { navigate: pageUrl, data: { room, kind: "message" } } });
    await deliver(ctx, first.payload);
    const worker = await ourWorker(ctx);
    const shown = await eventually(async () => {
      const n = await shownNotifications(worker);
      if (n.length !== 1) throw new Error(`notifications: ${JSON.stringify(n)}`);
      return n[0]!;
    });
    expect(shown).toMatchObject({
      title: first.payload.notification.title,
      body: first.payload.notification.body,
      tag: first.payload.notification.tag,
      actions: [],
    });
    expect(shown.data).toEqual({ room, kind: "message", navigate: pageUrl });

    // A second push with the same tag replaces it (crafted from the real one: the server waits PUSH_MIN_INTERVAL between pushes).
    const next = structuredClone(first.payload);
    next.notification.body = "Bob: still there?";
    await deliver(ctx, next);
    await eventually(async () => expect((await shownNotifications(worker)).map((n) => n.body)).toEqual(["Bob: still there?"]));

    // Not ours (another payload a host's worker might get): ignored by our listeners.
    await deliver(ctx, { web_push: 8030, notification: { title: "x", navigate: "javascript:alert(1)", tag: "t", data: { room, kind: "message" } } });
    await deliver(ctx, { hello: "world" });
    await new Promise((r) => setTimeout(r, 500));
    expect((await shownNotifications(worker)).map((n) => n.body)).toEqual(["Bob: still there?"]);
    await worker.evaluate(async () => ((await (self as any).registration.getNotifications()) as Notification[]).forEach((n) => n.close()));
  });

  it("a call to the away user rings by push (Answer/Decline, high urgency); Decline in the worker posts the token and the caller sees 'declined'", async () => {
    const caller = await rawMember(room, bob);
    const id = callId();
    caller.send({ type: "call_start", callId: id, to: alice.user, kind: "audio" });
    const ring = await received(endpoint, (p) => p?.notification?.data?.call === id && p.notification.data.kind === "ring");
    expect(ring.urgency).toBe("high");
    await deliver(ctx, ring.payload);
    const worker = await ourWorker(ctx);
    const shown = await eventually(async () => {
      const n = (await shownNotifications(worker)).find((x) => x.data?.call === id);
      if (!n) throw new Error("no ring shown");
      return n;
    });
    expect(shown).toMatchObject({ requireInteraction: true, actions: ["answer", "decline"], data: { kind: "ring", room, call: id } });
    // The worker knows the chat server from its registration URL.
    expect(await worker.evaluate(() => (self as any).inappTalk.parts().server)).toBe(server());

    await worker.evaluate(async (call) => {
      const t = (self as any).inappTalk;
      const n = ((await (self as any).registration.getNotifications()) as Notification[]).find((x) => (x.data as any)?.call === call)!;
      await t.clickNotice(n, "decline", t.parts());
    }, id);
    const ended = await caller.waitFor((f) => f.type === "call" && f.call.callId === id && f.call.phase === "ended", "the call's end");
    expect(ended.call.reason).toBe("declined");
    expect((await shownNotifications(worker)).filter((n) => n.data?.call === id)).toEqual([]);
    caller.close();
  });

  it("a ring the caller gives up on turns into 'Missed call' under the same tag", async () => {
    const caller = await rawMember(room, bob);
    const id = callId();
    caller.send({ type: "call_start", callId: id, to: alice.user, kind: "video" });
    const ring = await received(endpoint, (p) => p?.notification?.data?.call === id && p.notification.data.kind === "ring");
    await deliver(ctx, ring.payload);
    const worker = await ourWorker(ctx);
    await eventually(async () => expect((await shownNotifications(worker)).map((n) => n.data?.kind)).toEqual(["ring"]));
    caller.send({ type: "call_hangup", callId: id });
    const missed = await received(endpoint, (p) => p?.notification?.data?.call === id && p.notification.data.kind === "missed");
    expect(missed.payload.notification.tag).toBe(ring.payload.notification.tag);
    await deliver(ctx, missed.payload);
    await eventually(async () =>
      expect(await shownNotifications(worker)).toEqual([
        expect.objectContaining({
          tag: ring.payload.notification.tag,
          requireInteraction: false,
          actions: [],
          data: expect.objectContaining({ kind: "missed" }),
        }),
      ]),
    );
    await worker.evaluate(async () => ((await (self as any).registration.getNotifications()) as Notification[]).forEach((n) => n.close()));
    caller.close();
  });

  it("a ring answered elsewhere (another device or tab) turns quietly into 'Call answered' under the same tag", async () => {
    const caller = await rawMember(room, bob);
    const id = callId();
    caller.send({ type: "call_start", callId: id, to: alice.user, kind: "audio" });
    const ring = await received(endpoint, (p) => p?.notification?.data?.call === id && p.notification.data.kind === "ring");
    await deliver(ctx, ring.payload);
    const worker = await ourWorker(ctx);
    await eventually(async () => expect((await shownNotifications(worker)).map((n) => n.data?.kind)).toEqual(["ring"]));
    // Alice answers on another device: a socket of hers that the room rings on join.
    const other = await rawMember(room, alice);
    await other.waitFor((f) => f.type === "call" && f.call.callId === id && f.call.phase === "ringing", "ringing elsewhere");
    other.send({ type: "call_accept", callId: id });
    const answered = await received(endpoint, (p) => p?.notification?.data?.call === id && p.notification.data.kind === "answered");
    await deliver(ctx, answered.payload);
    await eventually(async () =>
      expect(await shownNotifications(worker)).toEqual([
        expect.objectContaining({
          body: "Call answered",
          tag: ring.payload.notification.tag,
          requireInteraction: false,
          silent: true,
          actions: [],
          data: expect.objectContaining({ kind: "answered", call: id }),
        }),
      ]),
    );
    await worker.evaluate(async () => ((await (self as any).registration.getNotifications()) as Notification[]).forEach((n) => n.close()));
    other.send({ type: "call_hangup", callId: id });
    caller.close();
    other.close();
  });

  it("Answer: with no tab open the worker opens the page with the answer hint; the page opened that way answers the ringing call", async () => {
    const caller = await rawMember(room, bob);
    const id = callId();
    caller.send({ type: "call_start", callId: id, to: alice.user, kind: "audio" });
    const ring = await received(endpoint, (p) => p?.notification?.data?.call === id && p.notification.data.kind === "ring");
    ringPayload = ring.payload;
    await deliver(ctx, ring.payload);
    const worker = await ourWorker(ctx);
    await eventually(async () => expect((await shownNotifications(worker)).some((n) => n.data?.call === id)).toBe(true));
    // openWindow needs a real click's user activation: record what it would open.
    const opened = await worker.evaluate(async (call) => {
      const t = (self as any).inappTalk;
      const n = ((await (self as any).registration.getNotifications()) as Notification[]).find((x) => (x.data as any)?.call === call)!;
      let url = "";
      const clients = {
        matchAll: (o: unknown) => (self as any).clients.matchAll(o),
        openWindow: async (u: string) => {
          url = u;
          return null;
        },
      };
      await t.clickNotice(n, "answer", { ...t.parts(), clients });
      return url;
    }, id);
    expect(opened).toBe(`${pageUrl}#inapp-talk-answer=${id}`);

    const page = await openHost(ctx, opened);
    const accepted = await caller.waitFor((f) => f.type === "call" && f.call.callId === id && f.call.phase !== "ringing", "the call answered");
    expect(accepted.call.phase).not.toBe("ended");
    // The hint is used once and leaves the URL.
    await eventually(async () => expect(await page.evaluate(() => location.hash)).toBe(""));
    caller.send({ type: "call_hangup", callId: id });
    await page.close();
    caller.close();
  });

  it("Answer with the page already open in a tab: the worker finds the tab (uncontrolled), tells it, and the ringing widget answers", async () => {
    const page = await openHost(ctx, pageUrl);
    const caller = await rawMember(room, bob);
    const id = callId();
    caller.send({ type: "call_start", callId: id, to: alice.user, kind: "audio" });
    // The tab is connected, so the room rings it directly (no push): the notification is the real ring payload for this call.
    await part(page, "incoming-call").waitFor();
    const ring = structuredClone(ringPayload);
    ring.notification.data.call = id;
    await deliver(ctx, ring);
    const worker = await ourWorker(ctx);
    await eventually(async () => expect((await shownNotifications(worker)).some((n) => n.data?.call === id)).toBe(true));
    await worker.evaluate(async (call) => {
      const t = (self as any).inappTalk;
      const n = ((await (self as any).registration.getNotifications()) as Notification[]).find((x) => (x.data as any)?.call === call)!;
      await t.clickNotice(n, "answer", t.parts());
    }, id);
    const accepted = await caller.waitFor((f) => f.type === "call" && f.call.callId === id && f.call.phase !== "ringing", "the call answered");
    expect(accepted.call.phase).not.toBe("ended");
    expect(await page.evaluate(() => location.hash)).toBe("");
    caller.send({ type: "call_hangup", callId: id });
    await page.close();
    caller.close();
  });

  it("the bell's panel: the state in words, mute this conversation (kept by the server), keyboard only; then turn off on this device", async () => {
    const page = await openHost(ctx, pageUrl);
    await pushState(page, "on", false);
    const bell = part(page, "push-button");
    await bell.focus();
    await page.keyboard.press("Enter");
    const panel = part(page, "push-panel");
    await panel.waitFor();
    expect(await bell.getAttribute("aria-expanded")).toBe("true");
    expect(await part(page, "push-status").textContent()).toContain("Notifications are on for this device");
    // Focus moved into the panel; the mute toggle is reachable by Tab.
    const mute = part(page, "push-mute");
    await mute.focus();
    await page.keyboard.press("Enter");
    await pushState(page, "on", true);
    expect(await mute.getAttribute("aria-pressed")).toBe("true");
    expect(await bell.getAttribute("data-state")).toBe("muted");
    const muted = await fetch(`${server().replace("localhost", "127.0.0.1")}/api/push/mutes/${room}`, { headers: { authorization: `Bearer ${aliceToken}` } });
    expect(await muted.json()).toEqual({ room, muted: true });
    await page.keyboard.press("Enter");
    await pushState(page, "on", false);
    expect(await mute.getAttribute("aria-pressed")).toBe("false");

    await page.keyboard.press("Escape");
    await panel.waitFor({ state: "detached" });
    expect(await page.evaluate(() => document.querySelector("inapp-talk")!.shadowRoot!.activeElement?.getAttribute("part"))).toBe("push-button");

    await page.keyboard.press("Enter");
    const off = page.waitForRequest((r) => r.url() === `${server()}/api/push/unsubscribe` && r.method() === "POST");
    await part(page, "push-toggle").click();
    const req = await off;
    expect((await req.response())?.status()).toBe(200);
    expect(req.postDataJSON()).toEqual({ endpoint: endpoint.subscription.endpoint });
    await pushState(page, "off");
    expect(await pushCalls(page)).toMatchObject({ unsubscribe: 1 });
    expect(await part(page, "push-status").textContent()).toContain("Notifications are off");
    await page.close();
  });
});
