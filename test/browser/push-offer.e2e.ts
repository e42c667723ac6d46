// Issue 12, the browser side of web push: what the widget does when the user says no, Safari's declarative
// path, and the worker script the chat server serves. Same setup as push-widget.e2e.ts (whose header says
// what is real and what is injected), each test with a profile of its own.
import { describe, expect, it } from "vitest";
import { mintToken, uniqueRoom } from "./support/api.ts";
import { startPushEndpoint } from "./support/push-endpoint.ts";
import { alice, fakePush, grant, hostUrl, openHost, part, profile, pushCalls, pushState, sendText, server } from "./support/push-page.ts";

describe("web push: blocked, Safari's declarative path, the demo's worker", () => {
  it("a denied prompt shows the state and how to undo it (site settings)", async () => {
    const endpoint = await startPushEndpoint();
    const ctx = await profile("denied");
    await fakePush(ctx, endpoint.subscription);
    const room = uniqueRoom("push");
    const page = await openHost(ctx, hostUrl(room, await mintToken(server(), { ...alice, rooms: [room] })));
    await pushState(page, "off");
    await sendText(page, "hi");
    // No grant: headless Chromium answers the prompt with "denied", as a user blocking it would.
    await part(page, "push-offer-accept").click();
    await pushState(page, "denied");
    expect(await pushCalls(page)).toMatchObject({ requestPermission: 1, subscribe: 0 });
    expect(await part(page, "push-button").getAttribute("data-state")).toBe("denied");
    await part(page, "push-button").click();
    expect(await part(page, "push-status").textContent()).toContain("open the site settings");
    expect(await part(page, "push-toggle").count()).toBe(0);
    await ctx.close();
    await endpoint.close();
  });

  it("'Not now' hides the offer for this room, also after a reload, and asks nothing", async () => {
    const endpoint = await startPushEndpoint();
    const ctx = await profile("not-now");
    await fakePush(ctx, endpoint.subscription);
    const room = uniqueRoom("push");
    const url = hostUrl(room, await mintToken(server(), { ...alice, rooms: [room] }));
    const page = await openHost(ctx, url);
    await pushState(page, "off");
    await sendText(page, "first");
    await part(page, "push-offer-dismiss").click();
    await part(page, "push-offer").waitFor({ state: "detached" });
    expect(await page.evaluate(() => document.querySelector("inapp-talk")!.shadowRoot!.activeElement?.getAttribute("part"))).toBe("input");
    await page.reload();
    await pushState(page, "off");
    await sendText(page, "second");
    // Stored (acked): the moment the offer would have come.
    await page.locator("inapp-talk").locator('[part~="message"][data-status="sent"]', { hasText: "second" }).waitFor();
    await new Promise((r) => setTimeout(r, 300));
    expect(await part(page, "push-offer").count()).toBe(0);
    expect(await pushCalls(page)).toMatchObject({ requestPermission: 0, subscribe: 0 });
    // The bell still offers it.
    expect(await part(page, "push-button").getAttribute("data-state")).toBe("off");
    await ctx.close();
    await endpoint.close();
  });

  it("window.pushManager (Safari 18.4+ declarative push): subscribes there, registers no worker", async () => {
    const endpoint = await startPushEndpoint();
    const ctx = await profile("declarative");
    await fakePush(ctx, endpoint.subscription, true);
    const room = uniqueRoom("push");
    const page = await openHost(ctx, hostUrl(room, await mintToken(server(), { ...alice, rooms: [room] }), { lang: "ko" }));
    await pushState(page, "off");
    await grant(ctx);
    await part(page, "push-button").click();
    expect(await part(page, "push-status").textContent()).toMatch(/[\uac00-\ud7a3]/);
    const posted = page.waitForRequest((r) => r.url() === `${server()}/api/push/subscribe`);
    await part(page, "push-toggle").click();
    const req = await posted;
    expect((await req.response())?.status()).toBe(201);
    // The page shows Korean: its notifications are written in Korean.
    expect(req.postDataJSON()).toMatchObject({ lang: "ko" });
    await pushState(page, "on");
    expect(await pushCalls(page)).toMatchObject({ subscribe: 1, on: "window" });
    expect(await page.evaluate(() => navigator.serviceWorker.getRegistrations().then((r) => r.length))).toBe(0);
    await ctx.close();
    await endpoint.close();
  });

  it("the chat server (and so the demo) serves the worker at /inapp-talk-sw.js as a classic script", async () => {
    const res = await fetch(`${server().replace("localhost", "127.0.0.1")}/inapp-talk-sw.js`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/javascript/);
    const text = await res.text();
    expect(text).toContain("notificationclick");
    expect(text).not.toMatch(/^\s*(import|export)\b/m);
  });
});
