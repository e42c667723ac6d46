// A smoke test of the widget's calls (the full call matrix, relay through coturn and the benchmark
// are the calls e2e suite's). Two people in a room: a video call rings, is accepted, media flows
// both ways (getCallStats: inbound audio bytes and decoded video frames grow), hangs up; both
// sides end, every track stopped, and the call is in the history. WebRTC needs a loopback-only
// network namespace here (../shared/TOOLCHAIN.md): run this file with
//   unshare -n sh -c 'ip link set lo up && exec "$@"' netns npm run test:browser -- test/browser/calls-smoke.e2e.ts
// Outside one (no candidates can pair) it is skipped.
import { networkInterfaces } from "node:os";
import { join } from "node:path";
import type { Page, WebSocketRoute } from "playwright-core";
import { describe, expect, inject, it } from "vitest";
import { mintToken, uniqueRoom } from "./support/api.ts";
import { eventually, openWidget, userTmp, useBrowser, WAIT_MS, type OpenOptions, type WidgetPage } from "./support/browser.ts";
import { REPO_ROOT } from "./support/paths.ts";
import { freePort, startWrangler } from "./support/wrangler.ts";

const loopbackOnly = Object.entries(networkInterfaces()).every(([name, addrs]) => name === "lo" || (addrs ?? []).every((a) => a.internal));

const browser = useBrowser();

/** Records inapp-talk-call events and every track getUserMedia hands out (to check they stop). */
const RECORD = () => {
  const w = window as any;
  w.__calls = [];
  w.__tracks = [];
  document.addEventListener("inapp-talk-call", (e) => w.__calls.push((e as CustomEvent).detail));
  const gum = navigator.mediaDevices.getUserMedia.bind(navigator.mediaDevices);
  navigator.mediaDevices.getUserMedia = async (c) => {
    const s = await gum(c);
    w.__tracks.push(...s.getTracks());
    return s;
  };
};

const phases = (p: Page): Promise<string[]> => p.evaluate(() => (window as any).__calls.map((d: { phase: string }) => d.phase));

async function open(room: string, user: string, name: string, o: Partial<OpenOptions> = {}): Promise<WidgetPage> {
  const token = await mintToken(inject("serverOrigin"), { user, name, rooms: [room] });
  return openWidget(browser(), {
    room,
    token,
    ...o,
    beforeLoad: async (page) => {
      await page.addInitScript(RECORD);
      await o.beforeLoad?.(page);
    },
  });
}

/**
 * Swaps the room's call_signal frames pairwise on their way into the page (n=1 before n=0, n=3
 * before n=2…), as the runtime may; a lone held one follows after 300 ms.
 */
function reorderSignals(page: Page, log: string[]): Promise<void> {
  return page.routeWebSocket(/\/parties\/room\//, (ws: WebSocketRoute) => {
    const room = ws.connectToServer();
    let held: string | null = null;
    room.onMessage((message) => {
      if (typeof message !== "string" || !message.includes('"type":"call_signal"')) {
        if (typeof message === "string" && message.includes('"type":"call"')) log.push(`call frame ${Date.now()}`);
        return ws.send(message);
      }
      if (held === null) {
        held = message;
        const mine = message;
        setTimeout(() => {
          if (held !== mine) return;
          ws.send(mine);
          held = null;
        }, 300);
        return;
      }
      ws.send(message);
      ws.send(held);
      log.push("swapped");
      held = null;
    });
  });
}

/** axe-core's serious and critical violations on the page. */
async function axe(wp: WidgetPage): Promise<string[]> {
  await wp.page.addScriptTag({ path: join(REPO_ROOT, "node_modules/axe-core/axe.min.js") });
  const violations: Array<{ id: string; impact: string | null; nodes: Array<{ target: unknown }> }> = await wp.page.evaluate(
    async () => (await (window as any).axe.run(document, { resultTypes: ["violations"] })).violations,
  );
  return violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => `${v.impact} ${v.id} ${JSON.stringify(v.nodes.map((n) => n.target))}`);
}

/** Inbound audio bytes and decoded video frames of the current call, from the element's getCallStats(). */
function media(wp: WidgetPage): Promise<{ audioBytes: number; videoFrames: number } | null> {
  return wp.page.evaluate(async () => {
    const stats: RTCStatsReport | null = await (document.querySelector("inapp-talk") as any).getCallStats();
    if (!stats) return null;
    let audioBytes = 0;
    let videoFrames = 0;
    stats.forEach((s: any) => {
      if (s.type !== "inbound-rtp") return;
      if (s.kind === "audio") audioBytes += s.bytesReceived ?? 0;
      if (s.kind === "video") videoFrames += s.framesDecoded ?? 0;
    });
    return { audioBytes, videoFrames };
  });
}

describe.skipIf(!loopbackOnly)("calls (smoke)", () => {
  it("a video call rings, connects with media both ways, hangs up into a history entry with every track stopped", async () => {
    const room = uniqueRoom();
    const alice = await open(room, "alice", "Alice");
    const bob = await open(room, "bob", "Bob");

    await alice.part("video-call-button").click();
    await expect(alice.part("call-status").getAttribute("data-phase")).resolves.toBe("outgoing");
    await bob.part("incoming-call").waitFor();
    await expect(bob.part("incoming-call").textContent()).resolves.toContain("Incoming video call");
    await bob.part("accept").click();

    for (const wp of [alice, bob]) {
      await eventually(async () => expect(await wp.part("call-status").getAttribute("data-phase")).toBe("connected"));
      await eventually(async () => {
        const m = await media(wp);
        expect(m?.audioBytes).toBeGreaterThan(0);
        expect(m?.videoFrames).toBeGreaterThan(3);
      });
    }
    expect(await axe(alice)).toEqual([]);
    expect(await phases(alice.page)).toEqual(["outgoing", "connecting", "connected"]);
    expect(await phases(bob.page)).toEqual(["incoming", "connecting", "connected"]);

    await alice.part("hangup").click();
    for (const wp of [alice, bob]) {
      await eventually(async () => expect(await wp.part("call-status").getAttribute("data-phase")).toBe("ended"));
      const last = await wp.page.evaluate(() => (window as any).__calls.at(-1));
      expect(last).toMatchObject({ phase: "ended", reason: "hangup", kind: "video" });
      expect(last.durationMs).toBeGreaterThan(0);
      expect(await wp.page.evaluate(() => (window as any).__tracks.map((t: MediaStreamTrack) => t.readyState))).toEqual(["ended", "ended"]);
      await eventually(async () => expect(await wp.messages.filter({ hasText: /Video call · \d+:\d\d/ }).count()).toBe(1), WAIT_MS);
      expect(await media(wp)).toBeNull();
    }
  });

  it("launcher layout on a 375 px phone, in Korean: the panel opens to ring, axe-clean; a declined voice call ends on both sides", async () => {
    const room = uniqueRoom();
    const phone = { viewport: { width: 375, height: 667 }, attrs: { layout: "launcher", lang: "ko", muted: "" } };
    const alice = await open(room, "alice", "Alice", { attrs: { lang: "ko" } });
    const bob = await open(room, "bob", "Bob", phone);

    await alice.part("call-button").click();
    await bob.part("incoming-call").waitFor();
    expect(await bob.widget.getAttribute("open")).not.toBeNull();
    await expect(bob.part("incoming-call").textContent()).resolves.toContain("음성 통화 수신");
    expect(await bob.part("accept-audio").count()).toBe(0);
    expect(await axe(bob)).toEqual([]);
    expect(await axe(alice)).toEqual([]);

    await bob.part("decline").focus();
    await bob.page.keyboard.press("Enter");
    for (const wp of [alice, bob]) {
      await eventually(async () => expect(await wp.part("call-status").textContent()).toContain("통화 종료 · 거절됨"));
      expect(await wp.page.evaluate(() => (window as any).__calls.at(-1))).toMatchObject({ phase: "ended", reason: "declined", kind: "audio" });
      await eventually(async () => expect(await wp.messages.filter({ hasText: "거절된 음성 통화" }).count()).toBe(1));
    }
    expect(await phases(alice.page)).toEqual(["outgoing", "ended"]);
    expect(await phases(bob.page)).toEqual(["incoming", "ended"]);
  });

  it("with several others online, a call button opens the picker; the caller can cancel while it rings", async () => {
    const room = uniqueRoom();
    const alice = await open(room, "alice", "Alice");
    const bob = await open(room, "bob", "Bob");
    const carol = await open(room, "carol", "Carol");

    await eventually(async () => expect(await alice.part("presence").locator("li").count()).toBe(2));
    await alice.part("video-call-button").click();
    const picker = alice.part("call-picker");
    await expect(picker.locator("button[data-user]").evaluateAll((els) => els.map((e) => [e.getAttribute("data-user"), e.textContent]))).resolves.toEqual([
      ["bob", "Bob"],
      ["carol", "Carol"],
    ]);
    await picker.locator('button[data-user="carol"]').click();
    await carol.part("incoming-call").waitFor();
    expect(await carol.part("accept-audio").count()).toBe(1);
    await eventually(async () => expect(await alice.part("local-video").isVisible()).toBe(true));
    expect(await bob.part("incoming-call").count()).toBe(0);

    await alice.part("hangup").click();
    await eventually(async () => expect(await carol.part("call-status").getAttribute("data-phase")).toBe("ended"));
    expect(await carol.page.evaluate(() => (window as any).__calls.at(-1))).toMatchObject({
      phase: "ended",
      reason: "cancelled",
      peer: { user: "alice", name: "Alice" },
    });
    await eventually(async () =>
      expect(await alice.page.evaluate(() => (window as any).__tracks.map((t: MediaStreamTrack) => t.readyState))).toEqual(["ended", "ended"]),
    );
  });

  it('privacy="relay" without a TURN server configured: says relay-protected, and ends failed at once with a message instead of hanging', async () => {
    // The shared server has the run's coturn (global-setup.ts): this one has no TURN at all. Both
    // read TOKEN_SECRET from .dev.vars, so the shared server's tokens work here.
    const dir = userTmp("no-turn");
    const noTurn = await startWrangler({ port: await freePort(), persistTo: join(dir, "state"), logDir: dir, name: "no-turn" });
    try {
      const room = uniqueRoom();
      const alice = await open(room, "alice", "Alice", { attrs: { privacy: "relay" }, widgetOrigin: noTurn.origin });
      const bob = await open(room, "bob", "Bob", { widgetOrigin: noTurn.origin });
      await alice.part("call-button").click();
      // Said while it rings on both sides: once accepted, relay-only without TURN fails at once.
      for (const wp of [alice, bob]) await eventually(async () => expect(await wp.part("call").textContent()).toContain("Relay-protected"));
      await bob.part("accept").click();
      for (const wp of [alice, bob]) {
        await eventually(async () => expect(await wp.part("call-status").textContent()).toContain("Call ended · Could not connect"), 10_000);
        expect(await wp.page.evaluate(() => (window as any).__calls.at(-1))).toMatchObject({ phase: "ended", reason: "failed" });
      }
      await Promise.all([alice.context.close(), bob.context.close()]);
    } finally {
      await noTurn.stop();
    }
  });

  it("a ring that arrives while the calls chunk is still loading is held and replayed; signals delivered out of order are applied in order", async () => {
    const room = uniqueRoom();
    const log: string[] = [];
    const alice = await open(room, "alice", "Alice");
    const bob = await open(room, "bob", "Bob", {
      beforeLoad: async (page) => {
        await reorderSignals(page, log);
        await page.route(/\/chunks\/calls-/, async (route) => {
          await new Promise((r) => setTimeout(r, 2500));
          log.push(`chunk ${Date.now()}`);
          await route.continue();
        });
      },
    });
    await alice.part("call-button").click();
    await bob.part("incoming-call").waitFor();
    const callAt = Number(log.find((l) => l.startsWith("call frame"))!.split(" ")[2]);
    const chunkAt = Number(log.find((l) => l.startsWith("chunk"))!.split(" ")[1]);
    expect(callAt).toBeLessThan(chunkAt);
    await bob.part("accept").click();
    for (const wp of [alice, bob]) {
      await eventually(async () => expect((await media(wp))?.audioBytes).toBeGreaterThan(0));
    }
    expect(log).toContain("swapped");
    expect(await phases(bob.page)).toEqual(["incoming", "connecting", "connected"]);
    await bob.part("hangup").click();
    await eventually(async () => expect(await alice.part("call-status").getAttribute("data-phase")).toBe("ended"));
  });
});
