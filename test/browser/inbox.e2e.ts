// Issue 11: the inbox in real Chromium against `wrangler dev`. A seller with three buyers' rooms
// sees them newest first with the right counts; a buyer writes and that row moves to the top with
// its count, live; the seller opens it and reads, and the count clears here and in a second tab;
// back to the list; the launcher's badge carries the total; Korean; token-url asks per room; axe.
import { join } from "node:path";
import type { Page } from "playwright-core";
import { describe, expect, inject, it } from "vitest";
import { DEV_API_KEY, mintToken, seedMessages, uniqueRoom } from "./support/api.ts";
import { eventually, events, messageWithText, openWidget, useBrowser, type WidgetPage } from "./support/browser.ts";
import { REPO_ROOT } from "./support/paths.ts";

const server = () => inject("serverOrigin");
const browser = useBrowser();
const AXE = join(REPO_ROOT, "node_modules/axe-core/axe.min.js");

interface Market {
  seller: { user: string; name: string };
  buyers: Array<{ user: string; name: string; room: string }>;
  token: string;
}

async function putRoom(room: string, body: Record<string, unknown>): Promise<void> {
  const res = await fetch(`${server().replace("//localhost:", "//127.0.0.1:")}/api/rooms/${room}`, {
    method: "PUT",
    headers: { authorization: `Bearer ${DEV_API_KEY}`, "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`PUT /api/rooms/${room} answered ${res.status} ${await res.text()}`);
}

/**
 * A seller and three buyers, one room each (the host adds both members); buyer i writes i
 * messages, in order, so the newest activity is buyer 3's. The third room has a host title; the
 * others are named after the buyer (two members).
 */
async function market(): Promise<Market> {
  const id = Math.random().toString(36).slice(2, 8);
  const seller = { user: `seller-${id}`, name: "Sam Seller" };
  const buyers = [1, 2, 3].map((i) => ({ user: `buyer${i}-${id}`, name: `Buyer ${i}`, room: uniqueRoom(`inbox${i}`) }));
  for (const [i, b] of buyers.entries()) {
    await putRoom(b.room, {
      ...(i === 2 ? { title: "Order #3" } : {}),
      members: [
        { user: seller.user, name: seller.name },
        { user: b.user, name: b.name },
      ],
    });
    await seedMessages(
      server(),
      b.room,
      b,
      Array.from({ length: i + 1 }, (_, n) => `${b.name} asks ${n + 1}`),
    );
  }
  const token = await mintToken(server(), { ...seller, rooms: ["*"] });
  return { seller, buyers, token };
}

async function openInbox(m: Market, attrs: Record<string, string> = {}): Promise<WidgetPage> {
  const wp = await openWidget(browser(), { room: "", token: m.token, attrs: { inbox: "", lang: "en", muted: "", ...attrs }, waitReady: false });
  return wp;
}

interface Row {
  room: string;
  title: string;
  preview: string;
  unread: string | null;
}

function rows(wp: WidgetPage): Promise<Row[]> {
  return wp.part("conversation").evaluateAll((els) =>
    els.map((el) => ({
      room: el.getAttribute("data-room") ?? "",
      title: el.querySelector('[part~="conversation-title"]')?.textContent ?? "",
      preview: el.querySelector('[part~="conversation-preview"]')?.textContent ?? "",
      unread: el.querySelector('[part~="unread"]')?.textContent ?? null,
    })),
  );
}

const conversationEvents = async (page: Page) => (await events(page, "inapp-talk-conversation")).map((e) => e.detail.room as string | null);

async function seriousViolations(page: Page): Promise<string[]> {
  await page.addScriptTag({ path: AXE });
  const violations: Array<{ id: string; impact: string | null; nodes: Array<{ target: unknown }> }> = await page.evaluate(
    async () => (await (window as any).axe.run(document, { resultTypes: ["violations"] })).violations,
  );
  return violations.filter((v) => v.impact === "serious" || v.impact === "critical").map((v) => `${v.id}: ${JSON.stringify(v.nodes.map((n) => n.target))}`);
}

describe("inbox", () => {
  it("lists the seller's conversations newest first, with titles, previews and unread counts; a buyer's message moves its row to the top live", async () => {
    const m = await market();
    const [b1, b2, b3] = m.buyers as [Market["buyers"][0], Market["buyers"][0], Market["buyers"][0]];
    const wp = await openInbox(m);
    await eventually(async () =>
      expect(await rows(wp)).toEqual([
        { room: b3.room, title: "Order #3", preview: "Buyer 3: Buyer 3 asks 3", unread: "3" },
        { room: b2.room, title: "Buyer 2", preview: "Buyer 2: Buyer 2 asks 2", unread: "2" },
        { room: b1.room, title: "Buyer 1", preview: "Buyer 1: Buyer 1 asks 1", unread: "1" },
      ]),
    );
    expect(await conversationEvents(wp.page)).toEqual([null]);
    await eventually(async () => expect((await events(wp.page, "inapp-talk-unread")).at(-1)?.detail).toEqual({ count: 6 }));

    await seedMessages(server(), b1.room, b1, ["Is it still available?"]);
    await eventually(async () =>
      expect((await rows(wp)).map((r) => [r.room, r.unread, r.preview])).toEqual([
        [b1.room, "2", "Buyer 1: Is it still available?"],
        [b3.room, "3", "Buyer 3: Buyer 3 asks 3"],
        [b2.room, "2", "Buyer 2: Buyer 2 asks 2"],
      ]),
    );
    await eventually(async () => expect((await events(wp.page, "inapp-talk-unread")).at(-1)?.detail).toEqual({ count: 7 }));
    // Screen readers hear it too.
    expect(await wp.widget.locator('.sr-only[aria-live="polite"]').textContent()).toContain("Buyer 1: 2 unread");
    await wp.context.close();
  });

  it("opening a conversation reads it: its count clears here and in a second tab; back returns to the list", async () => {
    const m = await market();
    const b2 = m.buyers[1]!;
    const [a, b] = await Promise.all([openInbox(m), openInbox(m)]);
    const row = (wp: WidgetPage) => wp.part("conversation").and(wp.page.locator(`[data-room="${b2.room}"]`));
    await eventually(async () => expect(await row(b).locator('[part~="unread"]').textContent()).toBe("2"));

    await row(a).click();
    await messageWithText(a, "Buyer 2 asks 2").waitFor();
    expect(await a.part("inbox").count()).toBe(0);
    expect(await a.part("header").locator(".title").textContent()).toBe("Buyer 2");
    // Read here (on screen, tab visible) → the user's object → every inbox of the seller.
    await eventually(async () => expect(await row(b).getAttribute("data-unread")).toBe("0"));
    expect(await row(b).locator('[part~="unread"]').count()).toBe(0);

    await a.part("back").click();
    await eventually(async () => expect(await row(a).getAttribute("data-unread")).toBe("0"));
    expect(await row(a).locator('[part~="unread"]').count()).toBe(0);
    // Focus returns to the row just left, so a keyboard user keeps their place.
    expect(await a.page.evaluate(() => (document.querySelector("inapp-talk")!.shadowRoot!.activeElement as HTMLElement | null)?.dataset.room)).toBe(b2.room);
    expect(await conversationEvents(a.page)).toEqual([null, b2.room, null]);
    await eventually(async () => expect((await events(b.page, "inapp-talk-unread")).at(-1)?.detail).toEqual({ count: 4 }));
    await Promise.all([a.context.close(), b.context.close()]);
  });

  it("room + inbox opens that conversation first; the keyboard moves through the list and Enter opens a row", async () => {
    const m = await market();
    const [b1, , b3] = m.buyers;
    const wp = await openInbox(m, { room: b1!.room });
    await messageWithText(wp, "Buyer 1 asks 1").waitFor();
    expect(await conversationEvents(wp.page)).toEqual([b1!.room]);

    await wp.part("back").press("Enter");
    await eventually(async () => expect(await wp.part("conversation").count()).toBe(3));
    const focused = () => wp.page.evaluate(() => (document.querySelector("inapp-talk")!.shadowRoot!.activeElement as HTMLElement | null)?.dataset.room);
    await eventually(async () => expect(await focused()).toBe(b1!.room));
    // One tab stop in the list.
    expect(await wp.part("conversation").evaluateAll((els) => els.map((el) => el.getAttribute("tabindex")))).toEqual(["-1", "-1", "0"]);
    await wp.page.keyboard.press("Home");
    expect(await focused()).toBe(b3!.room);
    await wp.page.keyboard.press("ArrowDown");
    await wp.page.keyboard.press("End");
    expect(await focused()).toBe(b1!.room);
    await wp.page.keyboard.press("ArrowUp");
    await wp.page.keyboard.press("ArrowUp");
    expect(await focused()).toBe(b3!.room);
    await wp.page.keyboard.press("Enter");
    await messageWithText(wp, "Buyer 3 asks 3").waitFor();
    expect(await conversationEvents(wp.page)).toEqual([b1!.room, null, b3!.room]);
    await wp.context.close();
  });

  it("launcher: the badge and inapp-talk-unread carry the total across conversations", async () => {
    const m = await market();
    const wp = await openInbox(m, { layout: "launcher" });
    await eventually(async () => expect(await wp.part("badge").textContent()).toBe("6"));
    expect(await wp.part("launcher").getAttribute("aria-label")).toBe("Open chat, 6 unread");
    await seedMessages(server(), m.buyers[0]!.room, m.buyers[0]!, ["One more"]);
    await eventually(async () => expect(await wp.part("badge").textContent()).toBe("7"));
    await eventually(async () => expect((await events(wp.page, "inapp-talk-unread")).at(-1)?.detail).toEqual({ count: 7 }));
    await wp.part("launcher").click();
    await wp.part("conversation").first().waitFor({ state: "visible" });
    expect(await seriousViolations(wp.page)).toEqual([]);
    await wp.context.close();
  });

  it("Korean: the list's own words are Korean, from the inbox chunk and its Korean strings only", async () => {
    const m = await market();
    const chunks: string[] = [];
    const wp = await openWidget(browser(), {
      room: "",
      token: m.token,
      attrs: { inbox: "", lang: "ko", muted: "" },
      waitReady: false,
      beforeLoad: async (page) =>
        page.on("response", (r) => r.url().includes("/chunks/") && chunks.push(new URL(r.url()).pathname.replace(/-[\w-]{8}\.js$/, ""))),
    });
    await eventually(async () => expect(await wp.part("conversation").count()).toBe(3));
    expect(chunks.sort()).toEqual(["/chunks/inbox", "/chunks/ko-chat", "/chunks/ko-inbox"]);
    expect(await wp.part("header").locator(".title").textContent()).toBe("대화 목록");
    const first = wp.part("conversation").first();
    expect(await first.textContent()).toContain("읽지 않은 메시지 3개");
    await wp.part("conversation").nth(1).click();
    await wp.part("back").waitFor();
    expect(await wp.part("back").getAttribute("aria-label")).toBe("대화 목록으로 돌아가기");
    await wp.context.close();
  });

  it("token-url: one URL gives the inbox's token, and with room=<id> each conversation's", async () => {
    const m = await market();
    const b2 = m.buyers[1]!;
    const tokenUrl = `/token?${new URLSearchParams({ server: server(), user: m.seller.user, name: m.seller.name, key: `inbox-${b2.room}` })}`;
    const wp = await openWidget(browser(), { room: "", attrs: { inbox: "", lang: "en", "token-url": tokenUrl }, waitReady: false });
    await eventually(async () => expect(await wp.part("conversation").count()).toBe(3));
    // The host's endpoint mints a token naming only the room asked for: the room admits it.
    await wp
      .part("conversation")
      .and(wp.page.locator(`[data-room="${b2.room}"]`))
      .click();
    await messageWithText(wp, "Buyer 2 asks 2").waitFor();
    expect(await events(wp.page, "inapp-talk-error")).toEqual([]);
    await wp.context.close();
  });

  it("axe: no serious or critical violations in the list and in a conversation, light and dark", async () => {
    const m = await market();
    for (const theme of ["light", "dark"]) {
      const wp = await openInbox(m, { theme });
      await eventually(async () => expect(await wp.part("conversation").count()).toBe(3));
      expect(await seriousViolations(wp.page)).toEqual([]);
      await wp.part("conversation").first().click();
      await messageWithText(wp, "Buyer 3 asks 3").waitFor();
      expect(await seriousViolations(wp.page)).toEqual([]);
      await wp.context.close();
    }
  });

  it("demo seller view: three buyers' conversations with counts; a buyer writing from another tab moves theirs to the top; the URL follows the open conversation", async () => {
    const context = await browser().newContext({ locale: "en-US" });
    const seller = await context.newPage();
    await seller.goto(`${server()}/?seller&lang=en`);
    const rowsOf = (page: Page) =>
      page
        .locator('inapp-talk [part~="conversation"]')
        .evaluateAll((els) =>
          els.map((el) => [el.querySelector('[part~="conversation-title"]')?.textContent, el.querySelector('[part~="unread"]')?.textContent ?? null]),
        );
    await eventually(async () =>
      expect(await rowsOf(seller)).toEqual([
        ["Vintage camera", "3"],
        ["Joon", "2"],
        ["Mina", "1"],
      ]),
    );
    // Mina's side, in another tab of the same browser (the demo keeps the shop in localStorage).
    const buyer = await context.newPage();
    await buyer.goto(`${server()}/?buyer=1&lang=en`);
    await buyer.locator('inapp-talk [part="input"]').fill("Can I pick it up tonight?");
    await buyer.locator('inapp-talk [part="send"]').click();
    await eventually(async () => expect((await rowsOf(seller))[0]).toEqual(["Mina", "2"]));
    await seller.locator('inapp-talk [part~="conversation"]').first().click();
    await seller.locator('inapp-talk [part~="message"]', { hasText: "Can I pick it up tonight?" }).waitFor();
    await eventually(() => expect(new URL(seller.url()).searchParams.get("chat")).toMatch(/^demo-shop-/));
    await context.close();
  });
});
