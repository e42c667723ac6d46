// Issues 2 and 4: one user loses the network (no close frames, no FIN: the bytes just stop).
// The others see them leave; what they type meanwhile stays pending; when the network is back
// they resume, send it, receive what they missed, and nothing is duplicated.
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { inject } from "vitest";
import { mintToken, transcript, uniqueRoom } from "./support/api.ts";
import { eventually, launchBrowser, messageWithText, openWidget, send, shownMessages, WAIT_MS } from "./support/browser.ts";
import { startFlakyProxy, type FlakyNetwork } from "./support/proxy.ts";
import { freePort } from "./support/wrangler.ts";

let browser: Browser;
let net: FlakyNetwork;
const server = () => inject("serverOrigin");

beforeAll(async () => {
  browser = await launchBrowser();
  net = await startFlakyProxy(await freePort(), Number(new URL(server()).port));
});
afterAll(async () => {
  await browser?.close();
  await net?.close();
});

const presenceText = (wp: Awaited<ReturnType<typeof openWidget>>) =>
  wp
    .part("presence")
    .evaluateAll((els) =>
      els.map((e) => [e.textContent, ...[e, ...e.querySelectorAll("*")].map((x) => x.getAttribute("aria-label") ?? "")].join(" ")).join(" "),
    );

describe("network loss", () => {
  it("others see the user leave; both sides resume without loss or duplicates when it comes back", async () => {
    const room = uniqueRoom("net");
    const [ta, tb] = await Promise.all([
      mintToken(server(), { user: "alice", name: "Alice", rooms: [room] }),
      mintToken(server(), { user: "bob", name: "Bob", rooms: [room] }),
    ]);
    const a = await openWidget(browser, { room, token: ta });
    // Bob reaches the server (script, API and socket) only through the flaky network.
    const b = await openWidget(browser, { room, token: tb, widgetOrigin: `http://localhost:${net.port}` });
    await eventually(async () => expect(await presenceText(a)).toContain("Bob"));
    await send(a, "before the loss");
    await messageWithText(b, "before the loss").waitFor({ timeout: WAIT_MS });

    net.cut();
    // Only heartbeats can tell: Alice sees Bob leave.
    await eventually(async () => expect(await presenceText(a)).not.toContain("Bob"), 120_000);

    await send(b, "typed by bob while offline");
    const bobs = messageWithText(b, "typed by bob while offline");
    await bobs.waitFor({ timeout: WAIT_MS });
    expect(await bobs.getAttribute("data-status")).toBe("pending");
    await send(a, "sent by alice while bob was away");
    await eventually(async () => expect(await messageWithText(a, "sent by alice while bob was away").getAttribute("data-status")).toBe("sent"));

    net.restore();
    await eventually(async () => expect(await bobs.getAttribute("data-status")).toBe("sent"), 120_000);
    await messageWithText(b, "sent by alice while bob was away").waitFor({ timeout: 120_000 });
    await messageWithText(a, "typed by bob while offline").waitFor({ timeout: WAIT_MS });
    await eventually(async () => expect(await presenceText(a)).toContain("Bob"));

    // Barrier, then exactly the stored messages on both sides.
    await send(a, "all good?");
    await messageWithText(b, "all good?").waitFor({ timeout: WAIT_MS });
    const stored = (await transcript(server(), room)).map((m) => m.text);
    expect(stored).toHaveLength(4);
    expect(new Set(stored)).toEqual(new Set(["before the loss", "typed by bob while offline", "sent by alice while bob was away", "all good?"]));
    for (const wp of [a, b]) {
      await eventually(async () => {
        const shown = await shownMessages(wp);
        expect(shown.map((m) => m.seq)).toEqual([1, 2, 3, 4]);
        stored.forEach((t, i) => expect(shown[i]!.text).toContain(t));
      });
    }
    await Promise.all([a.context.close(), b.context.close()]);
  });
});
