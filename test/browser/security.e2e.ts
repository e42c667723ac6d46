// Issue 2: user text is text, links are only http(s), and a token that cannot work is reported
// through inapp-talk-error instead of a widget that silently retries.
import { describe, expect, it } from "vitest";
import { inject } from "vitest";
import { mintExpiredToken, mintToken, seedMessages, uniqueRoom } from "./support/api.ts";
import { events, eventually, useBrowser, messageWithText, openPair, openWidget, send, waitForEvent, WAIT_MS, type WidgetPage } from "./support/browser.ts";

const server = () => inject("serverOrigin");

const browser = useBrowser();

const pair = (room: string) =>
  openPair(
    browser(),
    room,
    (who) => mintToken(server(), { ...who, rooms: [room] }),
    { user: "mallory", name: "Mallory <b>" },
    { user: "victim", name: "Victim" },
  );

/** Elements the payloads would create if anything were parsed as HTML, anywhere on the page. */
const injected = (wp: WidgetPage) =>
  wp.page.evaluate(() => {
    const roots: Array<Document | ShadowRoot> = [document];
    for (let i = 0; i < roots.length; i++) {
      roots[i]!.querySelectorAll("*").forEach((el) => el.shadowRoot && roots.push(el.shadowRoot));
    }
    const hits: string[] = [];
    for (const root of roots) {
      root
        .querySelectorAll("#xss-img, xss-probe, marquee, iframe, [onerror], [onclick], [onmouseover], a[href^='javascript' i], a[href^='data' i]")
        .forEach((el) => hits.push(el.outerHTML.slice(0, 120)));
    }
    return { hits, flags: [(window as any).__xss1, (window as any).__xss2, (window as any).__xss3, (window as any).__xss4] };
  });

describe("user text renders as text", () => {
  it("markup and javascript: payloads show literally and inject nothing, for the reader and the sender", async () => {
    const room = uniqueRoom();
    const [a, b] = await pair(room);
    const payloads = [
      `<img id="xss-img" src="x" onerror="window.__xss1=1"><b>bold?</b>`,
      `<script>window.__xss2=1</script><xss-probe>probe</xss-probe><marquee>m</marquee>`,
      `javascript:window.__xss3=1`,
      `[click me](javascript:window.__xss4=1) <a href="javascript:window.__xss4=1">link</a> <iframe src="javascript:window.__xss4=1"></iframe>`,
    ];
    for (const p of payloads) await send(a, p);
    for (const wp of [a, b]) {
      for (const p of payloads) {
        await eventually(async () => expect(await messageWithText(wp, p).count()).toBe(1));
      }
    }
    for (const wp of [a, b]) {
      const r = await injected(wp);
      expect(r.hits).toEqual([]);
      expect(r.flags).toEqual([undefined, undefined, undefined, undefined]);
      // The javascript: text is not inside any link.
      const jsAnchors = await wp.messages.locator("a").evaluateAll((as) => as.map((x) => x.getAttribute("href") ?? ""));
      expect(jsAnchors.filter((h) => !/^https?:\/\//i.test(h))).toEqual([]);
      // Clicking the message text runs nothing either.
      await messageWithText(wp, "javascript:window.__xss3=1").click();
      expect((await injected(wp)).flags).toEqual([undefined, undefined, undefined, undefined]);
    }
    await Promise.all([a.context.close(), b.context.close()]);
  });

  it("http(s) links become anchors with rel=noopener noreferrer nofollow; other schemes stay text", async () => {
    const room = uniqueRoom();
    const [a, b] = await pair(room);
    await send(a, "see http://example.com/path?q=1&r=2 and https://example.org/x#frag for details");
    await send(a, "not links: ftp://example.com/file data:text/html,hi mailto:x@example.com");
    for (const wp of [a, b]) {
      const msg = messageWithText(wp, "see http://example.com");
      await msg.waitFor({ timeout: WAIT_MS });
      const anchors = await msg
        .locator("a")
        .evaluateAll((as) => as.map((x) => ({ href: x.getAttribute("href"), text: x.textContent, rel: (x.getAttribute("rel") ?? "").split(/\s+/).sort() })));
      expect(anchors).toEqual([
        { href: "http://example.com/path?q=1&r=2", text: "http://example.com/path?q=1&r=2", rel: ["nofollow", "noopener", "noreferrer"] },
        { href: "https://example.org/x#frag", text: "https://example.org/x#frag", rel: ["nofollow", "noopener", "noreferrer"] },
      ]);
      const other = messageWithText(wp, "not links:");
      await other.waitFor({ timeout: WAIT_MS });
      expect(await other.locator("a").count()).toBe(0);
    }
    await Promise.all([a.context.close(), b.context.close()]);
  });
});

describe("tokens that cannot work", () => {
  it("a token for another room yields inapp-talk-error forbidden and shows no messages", async () => {
    const room = uniqueRoom();
    const other = uniqueRoom();
    await seedMessages(server(), room, { user: "carol", name: "Carol" }, ["secret one", "secret two"]);
    const token = await mintToken(server(), { user: "eve", name: "Eve", rooms: [other] });
    const e = await openWidget(browser(), { room, token, waitReady: false });
    const err = await waitForEvent(e.page, "inapp-talk-error");
    expect(err).toMatchObject({ bubbles: true, composed: true });
    expect(err.detail.code).toBe("forbidden");
    expect(typeof err.detail.message).toBe("string");
    expect(err.detail.message.length).toBeGreaterThan(0);
    expect(await e.messages.count()).toBe(0);
    expect(await e.widget.evaluate((el) => el.shadowRoot?.textContent ?? "")).not.toContain("secret");
    expect(await events(e.page, "inapp-talk-ready")).toEqual([]);
    await e.context.close();
  });

  it("an expired token yields inapp-talk-error expired and shows no messages", async () => {
    const room = uniqueRoom();
    await seedMessages(server(), room, { user: "carol", name: "Carol" }, ["secret three"]);
    const token = await mintExpiredToken(server(), { user: "eve", name: "Eve", rooms: [room] });
    const e = await openWidget(browser(), { room, token, waitReady: false });
    const err = await waitForEvent(e.page, "inapp-talk-error");
    expect(err.detail.code).toBe("expired");
    expect(await e.messages.count()).toBe(0);
    expect(await e.widget.evaluate((el) => el.shadowRoot?.textContent ?? "")).not.toContain("secret");
    expect(await events(e.page, "inapp-talk-ready")).toEqual([]);
    await e.context.close();
  });

  it("a garbage token yields inapp-talk-error unauthorized", async () => {
    const room = uniqueRoom();
    const e = await openWidget(browser(), { room, token: "not.a.jwt", waitReady: false });
    const err = await waitForEvent(e.page, "inapp-talk-error");
    expect(err.detail.code).toBe("unauthorized");
    expect(await e.messages.count()).toBe(0);
    await e.context.close();
  });
});
