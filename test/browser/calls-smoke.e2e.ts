// A smoke test of the widget's calls (the full call matrix, relay through coturn and the benchmark
// are the calls e2e suite's). Two people in a room: a video call rings, is accepted, media flows
// both ways (getCallStats: inbound audio bytes and decoded video frames grow), hangs up; both
// sides end, every track stopped, and the call is in the history. WebRTC needs a loopback-only
// network namespace here (../shared/TOOLCHAIN.md): run this file with
//   unshare -n sh -c 'ip link set lo up && exec "$@"' netns npm run test:browser -- test/browser/calls-smoke.e2e.ts
// Outside one (no candidates can pair) it is skipped.
import { networkInterfaces } from "node:os";
import type { Page } from "playwright-core";
import { describe, expect, inject, it } from "vitest";
import { mintToken, uniqueRoom } from "./support/api.ts";
import { eventually, openWidget, useBrowser, WAIT_MS, type WidgetPage } from "./support/browser.ts";

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

async function open(room: string, user: string, name: string): Promise<WidgetPage> {
  const token = await mintToken(inject("serverOrigin"), { user, name, rooms: [room] });
  return openWidget(browser(), { room, token, beforeLoad: (page) => page.addInitScript(RECORD) });
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
});
