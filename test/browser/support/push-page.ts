/**
 * The host page of the web push browser suites (push-widget.e2e.ts, push-offer.e2e.ts): a non-incognito
 * Chromium profile (Chromium has no Push API in incognito contexts), the injected subscription that stands
 * in for a push service (see push-widget.e2e.ts's header), the demo host page with the widget, and the
 * widget's push parts and events.
 */
import { chromium, type BrowserContext, type Page } from "playwright-core";
import { inject } from "vitest";
import { CHROMIUM_ARGS, userTmp, waitForEvent, WAIT_MS } from "./browser.ts";
import type { FakeSubscription } from "./push-endpoint.ts";

export const server = () => inject("serverOrigin");
export const host = () => inject("hostOrigin");
export const alice = { user: "alice", name: "Alice" };
export const bob = { user: "bob", name: "Bob" };
export const SCOPE = () => `${host()}/inapp-talk-sw/`;

/** A fresh non-incognito Chromium profile. */
export async function profile(name: string): Promise<BrowserContext> {
  const ctx = await chromium.launchPersistentContext(userTmp(`push-${name}-${Date.now()}`), {
    executablePath: inject("chromiumPath"),
    args: CHROMIUM_ARGS,
    headless: true,
    viewport: { width: 1100, height: 800 },
    locale: "en-US",
  });
  ctx.setDefaultTimeout(WAIT_MS);
  return ctx;
}

/** Runs before every page script: counts permission requests and injects the subscription. */
const FAKE_PUSH = ({ sub, declarative }: { sub: FakeSubscription; declarative: boolean }) => {
  const w = window as any;
  const calls = { requestPermission: 0, subscribe: 0, unsubscribe: 0, keys: [] as string[], on: "" };
  w.__push = calls;
  const ask = Notification.requestPermission.bind(Notification);
  Notification.requestPermission = ((cb?: NotificationPermissionCallback) => {
    calls.requestPermission++;
    return ask(cb);
  }) as typeof Notification.requestPermission;
  const KEY = "__fakePushSubscribed";
  const make = () => ({
    endpoint: sub.endpoint,
    expirationTime: null,
    options: { userVisibleOnly: true },
    getKey: () => null,
    toJSON: () => ({ endpoint: sub.endpoint, expirationTime: null, keys: sub.keys }),
    unsubscribe: async () => {
      calls.unsubscribe++;
      localStorage.removeItem(KEY);
      return true;
    },
  });
  const manager = {
    async subscribe(this: unknown, o: PushSubscriptionOptionsInit) {
      calls.subscribe++;
      calls.on = this === w.pushManager ? "window" : "registration";
      const k = new Uint8Array(o.applicationServerKey as ArrayBuffer);
      calls.keys.push(
        btoa(String.fromCharCode(...k))
          .replace(/\+/g, "-")
          .replace(/\//g, "_")
          .replace(/=+$/, ""),
      );
      localStorage.setItem(KEY, "1");
      return make();
    },
    async getSubscription() {
      return localStorage.getItem(KEY) ? make() : null;
    },
  };
  if (declarative) w.pushManager = manager;
  else Object.assign(PushManager.prototype, manager);
};

export async function fakePush(ctx: BrowserContext, sub: FakeSubscription, declarative = false): Promise<void> {
  await ctx.addInitScript(FAKE_PUSH, { sub, declarative });
}

export const hostUrl = (room: string, token: string, attrs: Record<string, string> = {}) =>
  `${host()}/?o=${encodeURIComponent(JSON.stringify({ widgetOrigin: server(), attrs: { room, token, push: "", lang: "en", ...attrs } }))}`;

export async function openHost(ctx: BrowserContext, url: string): Promise<Page> {
  const page = await ctx.newPage();
  const logs: string[] = [];
  page.on("console", (m) => logs.push(`[${m.type()}] ${m.text()}`));
  (page as Page & { __logs?: string[] }).__logs = logs;
  await page.goto(url);
  await waitForEvent(page, "inapp-talk-ready");
  return page;
}

export const part = (page: Page, name: string) => page.locator("inapp-talk").locator(`[part~="${name}"]`);

/** Waits until the latest inapp-talk-push event says `state` (and `muted`, when given). */
export async function pushState(page: Page, state: string, muted?: boolean): Promise<void> {
  await page.waitForFunction(
    ([s, m]) => {
      const e = ((window as any).__events as Array<{ type: string; detail: any }>).filter((x) => x.type === "inapp-talk-push").at(-1);
      return e?.detail.state === s && (m === null || e.detail.muted === m);
    },
    [state, muted ?? null] as const,
  );
}

export const pushCalls = (page: Page) =>
  page.evaluate(() => (window as any).__push as { requestPermission: number; subscribe: number; unsubscribe: number; keys: string[]; on: string });

/**
 * Allows notifications for the host page, as a user answering the prompt would. Playwright's
 * grantPermissions sends the DevTools protocol's `Browser.grantPermissions` for its own browser
 * context id (the one Playwright tracks; a raw CDP call with the page's context id did not apply).
 */
export async function grant(ctx: BrowserContext): Promise<void> {
  await ctx.grantPermissions(["notifications"], { origin: host() });
}

export async function sendText(page: Page, text: string): Promise<void> {
  await part(page, "input").fill(text);
  await part(page, "send").click();
}
