// Issue 2: the server stops and comes back (same port, same persisted state) in the middle of a
// conversation. Both widgets must reconnect by themselves, keep what was typed while the server
// was down visible as pending, send it once the server is back, and show every message once.
import { join } from "node:path";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mintToken, transcript, uniqueRoom } from "./support/api.ts";
import { eventually, launchBrowser, messageWithText, openWidget, send, shownMessages, userTmp, WAIT_MS, type WidgetPage } from "./support/browser.ts";
import { freePort, startWrangler, type Wrangler } from "./support/wrangler.ts";

let browser: Browser;
let server: Wrangler;

beforeAll(async () => {
  const dir = userTmp("restart");
  // A server of its own: stopping the shared one would break the other files.
  server = await startWrangler({ port: await freePort(), persistTo: join(dir, "state"), logDir: dir, name: "restart" });
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

/** Every message shown exactly once, with distinct increasing seqs, and all of them stored. */
async function expectExactly(wp: WidgetPage, texts: string[]) {
  const shown = await shownMessages(wp);
  expect(shown.map((m) => m.seq)).toEqual(texts.map((_, i) => i + 1));
  expect(new Set(shown.map((m) => m.seq)).size).toBe(shown.length);
  texts.forEach((t, i) => expect(shown[i]!.text).toContain(t));
  for (const t of texts) expect(await messageWithText(wp, t).count()).toBe(1);
}

describe("server restart mid-conversation", () => {
  it("both widgets resume, messages typed while down go pending → sent, nothing is duplicated or lost", async () => {
    const room = uniqueRoom("restart");
    const [ta, tb] = await Promise.all([
      mintToken(server.origin, { user: "alice", name: "Alice", rooms: [room] }),
      mintToken(server.origin, { user: "bob", name: "Bob", rooms: [room] }),
    ]);
    const [a, b] = await Promise.all([
      openWidget(browser, { room, token: ta, widgetOrigin: server.origin }),
      openWidget(browser, { room, token: tb, widgetOrigin: server.origin }),
    ]);

    await send(a, "before-1 alice");
    await messageWithText(b, "before-1 alice").waitFor({ timeout: WAIT_MS });
    await send(b, "before-2 bob");
    await messageWithText(a, "before-2 bob").waitFor({ timeout: WAIT_MS });
    await eventually(async () => expect(await messageWithText(b, "before-2 bob").getAttribute("data-status")).toBe("sent"));
    const statusOf = (wp: WidgetPage) =>
      wp
        .part("status")
        .first()
        .evaluate((el) => el.outerHTML);
    const statusBefore = await statusOf(a);

    await server.stop();

    // The status part tells the user the connection is gone.
    await eventually(async () => {
      expect(await statusOf(a)).not.toBe(statusBefore);
    });

    await send(a, "while-down alice");
    await send(b, "while-down bob");
    for (const [wp, text] of [
      [a, "while-down alice"],
      [b, "while-down bob"],
    ] as const) {
      const el = messageWithText(wp, text);
      await el.waitFor({ timeout: WAIT_MS });
      expect(await el.getAttribute("data-status")).toBe("pending");
      expect(await el.getAttribute("data-author")).toBe(wp === a ? "alice" : "bob");
      expect(await el.getAttribute("data-seq")).toBeNull();
    }

    await server.restart();

    // Both pending messages are sent and reach the other side; no one reloads anything.
    // The order of the two resends is up to the server; pin it from the transcript.
    await eventually(async () => expect(await messageWithText(a, "while-down alice").getAttribute("data-status")).toBe("sent"), 90_000);
    await eventually(async () => expect(await messageWithText(b, "while-down bob").getAttribute("data-status")).toBe("sent"), 90_000);
    await messageWithText(a, "while-down bob").waitFor({ timeout: 90_000 });
    await messageWithText(b, "while-down alice").waitFor({ timeout: 90_000 });

    // Live again in both directions; the last message is also a barrier for any late duplicates.
    await send(a, "after alice");
    await messageWithText(b, "after alice").waitFor({ timeout: WAIT_MS });
    await send(b, "after bob");
    await messageWithText(a, "after bob").waitFor({ timeout: WAIT_MS });
    await eventually(async () => expect(await messageWithText(b, "after bob").getAttribute("data-status")).toBe("sent"));

    const stored = await transcript(server.origin, room);
    const texts = stored.map((m) => m.text);
    expect(texts.slice(0, 2)).toEqual(["before-1 alice", "before-2 bob"]);
    expect([...texts.slice(2, 4)].sort()).toEqual(["while-down alice", "while-down bob"]);
    expect(texts.slice(4)).toEqual(["after alice", "after bob"]);
    expect(stored.map((m) => m.seq)).toEqual([1, 2, 3, 4, 5, 6]);

    await eventually(() => expectExactly(a, texts));
    await eventually(() => expectExactly(b, texts));

    // A reload after all that shows the same six messages: the acknowledged ones survived the restart.
    await a.ready();
    await eventually(() => expectExactly(a, texts));
    await Promise.all([a.context.close(), b.context.close()]);
  });
});
