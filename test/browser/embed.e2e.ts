// Issue 2: the other ways a host embeds the widget — `token-url` (the host's own backend mints
// tokens, fetched with the host's cookies), `guest` in a public room, and the demo page.
import { describe, expect, it } from "vitest";
import { inject } from "vitest";
import { mintToken, uniqueRoom } from "./support/api.ts";
import { events, eventually, useBrowser, messageWithText, openWidget, send, shownMessages, waitForEvent, WAIT_MS } from "./support/browser.ts";

const server = () => inject("serverOrigin");

const browser = useBrowser();

const tokenUrl = (p: Record<string, string>) => `/token?${new URLSearchParams({ server: server(), ...p })}`;
const tokenHits = async (key: string) => ((await (await fetch(`${inject("hostOrigin")}/token-hits?key=${key}`)).json()) as { hits: number }).hits;

describe("token-url", () => {
  it("gets its token from the host's endpoint with the host's cookies and chats", async () => {
    const room = uniqueRoom();
    const key = `k-${room}`;
    const a = await openWidget(browser(), { room, attrs: { "token-url": tokenUrl({ user: "alice", name: "Alice", room, key }) } });
    expect(await tokenHits(key)).toBeGreaterThanOrEqual(1);
    const b = await openWidget(browser(), { room, attrs: { "token-url": tokenUrl({ user: "bob", name: "Bob", room, key: `${key}-b` }) } });
    await send(a, "via token-url");
    await messageWithText(b, "via token-url").waitFor({ timeout: WAIT_MS });
    expect(await messageWithText(b, "via token-url").getAttribute("data-author")).toBe("alice");
    await Promise.all([a.context.close(), b.context.close()]);
  });

  it("fetches a fresh token when the one it got has expired, and connects", async () => {
    const room = uniqueRoom();
    const key = `k-${room}`;
    const a = await openWidget(browser(), {
      room,
      waitReady: false,
      attrs: { "token-url": tokenUrl({ user: "alice", name: "Alice", room, key, expiredFirst: "1" }) },
    });
    await waitForEvent(a.page, "inapp-talk-ready", 60_000);
    expect(await tokenHits(key)).toBeGreaterThanOrEqual(2);
    await send(a, "after a stale token");
    await eventually(async () => expect(await messageWithText(a, "after a stale token").getAttribute("data-status")).toBe("sent"));
    await a.context.close();
  });
});

describe("token-url refresh", () => {
  it("re-fetches the token before it expires and keeps chatting after the first one has expired", async () => {
    const room = uniqueRoom();
    const key = `k-${room}`;
    const b = await openWidget(browser(), { room, token: await mintToken(server(), { user: "bob", name: "Bob", rooms: [room] }) });
    // The shortest token the API issues: 60 s.
    const a = await openWidget(browser(), { room, attrs: { "token-url": tokenUrl({ user: "alice", name: "Alice", room, key, ttl: "60" }) } });
    const tokens = async () =>
      ((await (await fetch(`${inject("hostOrigin")}/token-hits?key=${key}`)).json()) as { tokens: Array<{ at: number; exp: number }> }).tokens;
    const [first] = await tokens();
    await eventually(async () => expect((await tokens()).length).toBeGreaterThanOrEqual(2), 120_000);
    const second = (await tokens())[1]!;
    expect(second.at).toBeLessThan(first!.exp);

    // Past the first token's expiry: still connected (or reconnected with the fresh token) and chatting.
    const wait = first!.exp + 3_000 - Date.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    await send(a, "after the first token expired");
    await eventually(async () => expect(await messageWithText(a, "after the first token expired").getAttribute("data-status")).toBe("sent"), 60_000);
    await messageWithText(b, "after the first token expired").waitFor({ timeout: WAIT_MS });
    await send(b, "and bob answers");
    await messageWithText(a, "and bob answers").waitFor({ timeout: WAIT_MS });
    expect(await events(a.page, "inapp-talk-error")).toEqual([]);
    await Promise.all([a.context.close(), b.context.close()]);
  });
});

describe("guests", () => {
  it("a guest in a demo- room is the same person after a reload", async () => {
    const room = uniqueRoom("demo");
    const g = await openWidget(browser(), { room, attrs: { guest: "", name: "Gina" } });
    await send(g, "guest says hi");
    const mine = messageWithText(g, "guest says hi");
    await eventually(async () => expect(await mine.getAttribute("data-status")).toBe("sent"));
    const author = await mine.getAttribute("data-author");
    expect(author).toBeTruthy();

    await g.ready(); // reload
    await eventually(async () => expect(await shownMessages(g)).toHaveLength(1));
    const [shown] = await shownMessages(g);
    expect(shown).toMatchObject({ author, status: "sent" });

    // Another browser is another guest.
    const h = await openWidget(browser(), { room, attrs: { guest: "", name: "Hank" } });
    await messageWithText(h, "guest says hi").waitFor({ timeout: WAIT_MS });
    await send(h, "hank here");
    await eventually(async () => expect(await messageWithText(h, "hank here").getAttribute("data-status")).toBe("sent"));
    expect(await messageWithText(h, "hank here").getAttribute("data-author")).not.toBe(author);
    await messageWithText(g, "hank here").waitFor({ timeout: WAIT_MS });
    await Promise.all([g.context.close(), h.context.close()]);
  });

  it("a guest in a room outside the guest prefix gets inapp-talk-error forbidden", async () => {
    const room = uniqueRoom("private");
    const g = await openWidget(browser(), { room, waitReady: false, attrs: { guest: "", name: "Gina" } });
    const err = await waitForEvent(g.page, "inapp-talk-error");
    expect(err.detail.code).toBe("forbidden");
    expect(await g.messages.count()).toBe(0);
    expect(await events(g.page, "inapp-talk-ready")).toEqual([]);
    await g.context.close();
  });
});

describe("demo page", () => {
  it("name → fresh demo- room with a share link and embed snippet; the link joins the same room from another browser", async () => {
    const ctxA = await browser().newContext({ locale: "en-US" });
    const a = await ctxA.newPage();
    await a.goto(`${server()}/`);
    await a.getByLabel("Your name").fill("Ada");
    await a.getByRole("button", { name: "Start chatting" }).click();
    const share = a.getByLabel("Share link");
    await eventually(async () => expect(await share.inputValue()).toMatch(/^https?:\/\//));
    const link = await share.inputValue();
    const widgetA = a.locator("inapp-talk");
    const room = await widgetA.getAttribute("room");
    expect(room).toMatch(/^demo-/);
    expect(link).toContain(room!);
    const snippet = (await a.locator("#snippet").textContent()) ?? "";
    expect(snippet).toContain("<inapp-talk");
    expect(snippet).toContain(room!);
    expect(snippet).toMatch(/<script type="module" src="https?:\/\/[^"]+\/inapp-talk\.js"><\/script>/);

    const ctxB = await browser().newContext({ locale: "en-US" });
    const b = await ctxB.newPage();
    await b.goto(link);
    const nameB = b.getByLabel("Your name");
    // The invited person may be asked for a name on the page or inside the widget.
    await eventually(async () => {
      const onPage = await nameB.isVisible();
      const inWidget = await b
        .locator("inapp-talk")
        .getByRole("textbox", { name: /your name/i })
        .isVisible()
        .catch(() => false);
      expect(onPage || inWidget).toBe(true);
    });
    if (await nameB.isVisible()) {
      await nameB.fill("Ben");
      await b
        .getByRole("button", { name: /start|join/i })
        .first()
        .click();
    } else {
      await b
        .locator("inapp-talk")
        .getByRole("textbox", { name: /your name/i })
        .fill("Ben");
      await b.locator("inapp-talk").getByRole("button", { name: /join/i }).click();
    }
    await eventually(async () => expect(await b.locator("inapp-talk").getAttribute("room")).toBe(room));

    const input = (p: typeof a) => p.locator("inapp-talk").locator('[part~="input"]');
    const msgs = (p: typeof a) => p.locator("inapp-talk").locator('[part~="message"]');
    await input(a).fill("hello from the demo");
    await a.locator("inapp-talk").locator('[part~="send"]').click();
    await msgs(b).filter({ hasText: "hello from the demo" }).waitFor({ timeout: WAIT_MS });
    await input(b).fill("hi Ada");
    await b.locator("inapp-talk").locator('[part~="send"]').click();
    await msgs(a).filter({ hasText: "hi Ada" }).waitFor({ timeout: WAIT_MS });
    await Promise.all([ctxA.close(), ctxB.close()]);
  });
});
