// Issue 7: what not every page needs is a chunk, fetched next to inapp-talk.js (cross-origin, with
// CORS) only by the pages that need it: the launcher layout, the Korean strings. And a Korean
// page never shows English first, not even for one frame: every state of the widget's shadow
// root is recorded from the moment it is attached.
import type { Page, Response } from "playwright-core";
import { describe, expect, it } from "vitest";
import { inject } from "vitest";
import { chat } from "../../widget/i18n/en/chat.ts";
import { launcher } from "../../widget/i18n/en/launcher.ts";
import { mintToken, uniqueRoom } from "./support/api.ts";
import { eventually, useBrowser, openWidget, WAIT_MS, type OpenOptions, type WidgetPage } from "./support/browser.ts";

const server = () => inject("serverOrigin");

const browser = useBrowser();

const HANGUL = /[\uac00-\ud7a3]/;

/** Every chunk request the page makes, with the CORS header of its answer. */
function recordChunks(page: Page): Array<{ url: string; status: number; cors: string | undefined }> {
  const chunks: Array<{ url: string; status: number; cors: string | undefined }> = [];
  page.on("response", (res: Response) => {
    if (res.url().includes("/chunks/")) chunks.push({ url: res.url(), status: res.status(), cors: res.headers()["access-control-allow-origin"] });
  });
  return chunks;
}

/**
 * Records every UI string (text, aria-label, placeholder, title) the widget's shadow root ever
 * holds: a MutationObserver callback runs after each render, before the browser paints it.
 */
const RECORD_UI_TEXT = () => {
  const seen = new Set<string>();
  (window as any).__uiText = seen;
  const attach = Element.prototype.attachShadow;
  Element.prototype.attachShadow = function (this: Element, init: ShadowRootInit) {
    const root = attach.call(this, init);
    if (this.localName === "inapp-talk") {
      const record = () =>
        root.querySelectorAll("*").forEach((el) => {
          if (el.closest('[part~="message"]')) return; // user content is not UI text
          for (const a of ["aria-label", "placeholder", "title"]) {
            const v = el.getAttribute(a);
            if (v) seen.add(v);
          }
          for (const n of el.childNodes) if (n.nodeType === Node.TEXT_NODE && n.textContent!.trim()) seen.add(n.textContent!.trim());
        });
      new MutationObserver(record).observe(root, { subtree: true, childList: true, characterData: true, attributes: true });
    }
    return root;
  };
};

async function open(o: Omit<OpenOptions, "room" | "token">): Promise<{ wp: WidgetPage; chunks: ReturnType<typeof recordChunks> }> {
  const room = uniqueRoom();
  const token = await mintToken(server(), { user: "alice", name: "Alice", rooms: [room] });
  let chunks: ReturnType<typeof recordChunks> = [];
  const wp = await openWidget(browser(), {
    room,
    token,
    ...o,
    beforeLoad: async (page) => {
      chunks = recordChunks(page);
      await page.addInitScript(RECORD_UI_TEXT);
    },
  });
  return { wp, chunks };
}

const chunkNames = (chunks: Array<{ url: string }>) => chunks.map((c) => new URL(c.url).pathname.replace(/-[\w-]{8}\.js$/, "")).sort();

/** English UI strings the widget could show (the static part of each, before any placeholder). */
const ENGLISH = Object.values({ ...chat, ...launcher })
  .map((s) => s.split("{")[0]!.trim())
  .filter((s) => s.length >= 3);

describe("lazily loaded parts", () => {
  it("an English inline widget fetches no chunk", async () => {
    const { wp, chunks } = await open({ attrs: { lang: "en" } });
    await wp.part("input").first().waitFor({ timeout: WAIT_MS });
    expect(chunks).toEqual([]);
    await wp.context.close();
  });

  it("the launcher layout in Korean fetches its chunk and both Korean string chunks from the widget's origin, with CORS", async () => {
    const { wp, chunks } = await open({ attrs: { lang: "ko", layout: "launcher", muted: "" } });
    await wp.part("launcher").first().waitFor({ state: "visible", timeout: WAIT_MS });
    await eventually(() => expect(chunkNames(chunks)).toEqual(["/chunks/ko-chat", "/chunks/ko-launcher", "/chunks/launcher"]));
    for (const c of chunks) {
      expect(new URL(c.url).origin).toBe(server());
      expect(c.status).toBe(200);
      expect(c.cors).toBe("*");
    }
    // Its strings came with it: the bubble is labelled in Korean.
    expect(await wp.part("launcher").first().getAttribute("aria-label")).toMatch(HANGUL);
    await wp.context.close();
  });

  for (const layout of ["inline", "launcher"]) {
    it(`lang=ko (${layout}) never shows an English UI string, from the first render on`, async () => {
      const { wp } = await open({ attrs: { lang: "ko", layout, muted: "" } });
      if (layout === "launcher") {
        await wp.part("launcher").first().click();
        await wp.part("input").first().waitFor({ state: "visible", timeout: WAIT_MS });
      }
      const seen: string[] = await wp.page.evaluate(() => [...(window as any).__uiText]);
      expect(seen.filter((s) => HANGUL.test(s)).length).toBeGreaterThan(3);
      expect(seen.filter((s) => ENGLISH.some((en) => s.includes(en)))).toEqual([]);
      await wp.context.close();
    });
  }
});
