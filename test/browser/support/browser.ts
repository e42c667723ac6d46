// Real Chromium (Debian's, via playwright-core) and the page-level vocabulary of the tests:
// open a host page as some user, read the widget's messages through its public parts and data-*
// attributes, type and send like a user does, and wait for the widget's public events.
import { chromium, type Browser, type BrowserContext, type Locator, type Page } from "playwright-core";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, inject } from "vitest";
import { CHROMIUM_ARGS as BASE_ARGS, CHROMIUM_MEDIA_ARGS } from "../../../scripts/find-browser.mjs";
import type { HostPageOptions } from "./host-server.ts";

export const CHROMIUM_ARGS = [...BASE_ARGS, ...CHROMIUM_MEDIA_ARGS];

/** Generous: these are waits for something to happen, never a speed requirement. */
export const WAIT_MS = 30_000;

/** One Chromium per test file: launched before its tests, closed after them. Call at module level. */
export function useBrowser(): () => Browser {
  let browser: Browser | undefined;
  beforeAll(async () => {
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
  });
  return () => {
    if (!browser) throw new Error("the browser is launched in beforeAll");
    return browser;
  };
}

export async function launchBrowser(): Promise<Browser> {
  const executablePath = inject("chromiumPath");
  return chromium.launch({ executablePath, args: CHROMIUM_ARGS, headless: true });
}

export interface WidgetPage {
  page: Page;
  context: BrowserContext;
  widget: Locator;
  /** `[part~=message]` elements inside the widget's shadow DOM. */
  messages: Locator;
  part(name: string): Locator;
  /** Loads (or reloads) the host page and waits for `inapp-talk-ready`. */
  ready(): Promise<void>;
}

export interface OpenOptions {
  room: string;
  token?: string;
  attrs?: Record<string, string>;
  widgetOrigin?: string;
  viewport?: { width: number; height: number };
  htmlLang?: string;
  css?: string;
  locale?: string;
  colorScheme?: "light" | "dark";
  /** Wait for inapp-talk-ready (default true). */
  waitReady?: boolean;
  /** Runs on the new page before the host page loads (init scripts, request or WebSocket routes). */
  beforeLoad?: (page: Page) => Promise<unknown>;
}

/** A user in their own browser context (own cookies and localStorage) on the host page. */
/** Two users in one room, each in their own browser context, both widgets ready. */
export async function openPair(
  browser: Browser,
  room: string,
  mint: (who: { user: string; name: string }) => Promise<string>,
  a: { user: string; name: string },
  b: { user: string; name: string },
): Promise<[WidgetPage, WidgetPage]> {
  const [ta, tb] = await Promise.all([mint(a), mint(b)]);
  return Promise.all([openWidget(browser, { room, token: ta }), openWidget(browser, { room, token: tb })]);
}

export async function openWidget(browser: Browser, o: OpenOptions): Promise<WidgetPage> {
  const context = await browser.newContext({
    viewport: o.viewport ?? { width: 1100, height: 800 },
    locale: o.locale ?? "en-US",
    colorScheme: o.colorScheme ?? "light",
  });
  context.setDefaultTimeout(WAIT_MS);
  const page = await context.newPage();
  await o.beforeLoad?.(page);
  const logs: string[] = [];
  page.on("console", (m) => logs.push(`[${m.type()}] ${m.text()}`));
  page.on("pageerror", (e) => logs.push(`[pageerror] ${e.message}`));
  (page as Page & { __logs?: string[] }).__logs = logs;
  const host: HostPageOptions = {
    widgetOrigin: o.widgetOrigin ?? inject("serverOrigin"),
    attrs: { room: o.room, ...(o.token ? { token: o.token } : {}), ...o.attrs },
    htmlLang: o.htmlLang,
    css: o.css,
  };
  const url = `${inject("hostOrigin")}/?o=${encodeURIComponent(JSON.stringify(host))}`;
  const widget = page.locator("inapp-talk");
  const wp: WidgetPage = {
    page,
    context,
    widget,
    messages: widget.locator('[part~="message"]'),
    part: (name) => widget.locator(`[part~="${name}"]`),
    ready: async () => {
      if (page.url() === url) await page.reload();
      else await page.goto(url);
      await waitForEvent(page, "inapp-talk-ready");
    },
  };
  if (o.waitReady === false) await page.goto(url);
  else await wp.ready();
  return wp;
}

export interface RecordedEvent {
  type: string;
  detail: any;
  bubbles: boolean;
  composed: boolean;
  messagesShown: number;
}

export function events(page: Page, type?: string): Promise<RecordedEvent[]> {
  return page.evaluate((t) => (window as any).__events.filter((e: RecordedEvent) => !t || e.type === t), type);
}

/** Waits until an event of `type` (matching `pred`, evaluated in the page) has been recorded. */
export async function waitForEvent(page: Page, type: string, timeout = WAIT_MS): Promise<RecordedEvent> {
  try {
    await page.waitForFunction((t) => (window as any).__events?.some((e: RecordedEvent) => e.type === t), type, { timeout });
  } catch (err) {
    const got = await page.evaluate(() => JSON.stringify((window as any).__events ?? null)).catch(() => "?");
    const logs = ((page as Page & { __logs?: string[] }).__logs ?? []).slice(-15).join("\n  ");
    throw new Error(`no ${type} event within ${timeout} ms; events so far: ${got}\n  page console:\n  ${logs}`, { cause: err });
  }
  return (await events(page, type))[0]!;
}

export interface ShownMessage {
  author: string | null;
  seq: number | null;
  status: string | null;
  text: string;
}

/** What the widget shows, read through the public part/data-* surface. */
export function shownMessages(wp: WidgetPage): Promise<ShownMessage[]> {
  return wp.messages.evaluateAll((els) =>
    els.map((el) => ({
      author: el.getAttribute("data-author"),
      seq: el.hasAttribute("data-seq") ? Number(el.getAttribute("data-seq")) : null,
      status: el.getAttribute("data-status"),
      text: el.textContent ?? "",
    })),
  );
}

/** The message element showing `text` (exactly one is expected). */
export const messageWithText = (wp: WidgetPage, text: string) => wp.messages.filter({ hasText: text });

/** Types into the input part and presses the send part, like a user. */
export async function send(wp: WidgetPage, text: string): Promise<void> {
  const input = wp.part("input");
  await input.click();
  await input.fill(text);
  await wp.part("send").click();
}

/**
 * Retries `check` until it stops throwing (or rethrows its last error after `timeout`): a wait
 * for the widget to reach a state, never a bound on how fast it gets there.
 */
export async function eventually<T>(check: () => Promise<T> | T, timeout = WAIT_MS): Promise<T> {
  const deadline = Date.now() + timeout;
  for (;;) {
    try {
      return await check();
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

/**
 * Records every data-status value each message element takes, from now on, keyed by the message
 * text, so "pending then sent" can be checked without racing the ack.
 */
export async function recordStatuses(wp: WidgetPage): Promise<void> {
  await wp.page.evaluate(() => {
    const log: Array<{ text: string; status: string | null }> = [];
    (window as any).__statusLog = log;
    const seen = (el: Element) => log.push({ text: el.textContent ?? "", status: el.getAttribute("data-status") });
    const visit = (node: Node) => {
      if (!(node instanceof Element)) return;
      if (node.matches('[part~="message"]')) seen(node);
      node.querySelectorAll('[part~="message"]').forEach(seen);
      if (node.shadowRoot) watch(node.shadowRoot);
      node.querySelectorAll("*").forEach((d) => d.shadowRoot && watch(d.shadowRoot));
    };
    const watched = new WeakSet<Node>();
    const watch = (root: Node) => {
      if (watched.has(root)) return;
      watched.add(root);
      new MutationObserver((records) => {
        for (const r of records) {
          if (r.type === "attributes" && r.target instanceof Element && r.target.matches('[part~="message"]')) seen(r.target);
          r.addedNodes.forEach(visit);
        }
      }).observe(root, { subtree: true, childList: true, attributes: true, attributeFilter: ["data-status", "part"] });
    };
    const host = document.querySelector("inapp-talk")!;
    watch(host.shadowRoot!);
    host.shadowRoot!.querySelectorAll("*").forEach((d) => d.shadowRoot && watch(d.shadowRoot));
  });
}

export function statusHistory(wp: WidgetPage, text: string): Promise<Array<string | null>> {
  return wp.page.evaluate((t) => {
    const out: Array<string | null> = [];
    for (const e of (window as any).__statusLog as Array<{ text: string; status: string | null }>) {
      if (e.text.includes(t) && out[out.length - 1] !== e.status) out.push(e.status);
    }
    return out;
  }, text);
}

export function userTmp(...parts: string[]): string {
  const dir = join(inject("tmpDir"), ...parts);
  mkdirSync(dir, { recursive: true });
  return dir;
}
