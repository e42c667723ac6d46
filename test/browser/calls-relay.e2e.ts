// Issue 9, relay-only calls through the real coturn the run started (global-setup.ts): with
// `privacy="relay"` on one side, or a token with `relay: true`, both peers use TURN only — the
// selected candidate pair is relay→relay on both sides, every local candidate is a relay one, and
// no host (or server-reflexive) candidate ever crosses the room in a `call_signal` frame, so neither
// side learns the other's address. With a TURN_SECRET that coturn does not share (a server of its
// own), the call ends `failed`, with a message, within the connect timeout.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { uniqueRoom } from "./support/api.ts";
import { eventually, userTmp, useBrowser, WAIT_MS } from "./support/browser.ts";
import {
  closeAll,
  expectIdle,
  expectMediaFlowing,
  media,
  openCaller,
  ring,
  waitCallEntry,
  waitEnded,
  waitOnline,
  waitPhase,
  type Caller,
} from "./support/calls.ts";
import { candidateType } from "./support/rtc.ts";
import { freePort, startWrangler, type Wrangler } from "./support/wrangler.ts";

const browser = useBrowser();

/** Every ICE candidate line in the call_signal frames a page sent or received. */
function recordSignalCandidates(page: Page, into: { sent: string[]; received: string[] }) {
  page.on("websocket", (ws) => {
    const take = (list: string[]) => (f: { payload: string | Buffer }) => {
      const text = String(f.payload);
      if (!text.includes('"call_signal"')) return;
      // Candidates travel on their own (trickle) and inside SDP (a=candidate lines).
      for (const m of text.matchAll(/candidate:[^"\\]*/g)) list.push(m[0]);
    };
    ws.on("framesent", take(into.sent));
    ws.on("framereceived", take(into.received));
  });
}

/** Usernames coturn granted an allocation to, from its log. */
function allocatedUsers(): string[] {
  const log = readFileSync(join(inject("tmpDir"), "coturn-shared", "turn.log"), "utf8");
  return [...log.matchAll(/user <([^>]+)>: incoming packet ALLOCATE processed, success/g)].map((m) => m[1]!.replace(/^\d+:/, ""));
}

describe("relay-only calls through coturn", () => {
  const cases = [
    { what: 'privacy="relay" on the caller only', caller: { attrs: { privacy: "relay" } }, callee: {}, kind: "video" as const },
    { what: "a callee token with relay: true", caller: {}, callee: { relay: true }, kind: "audio" as const },
  ];
  for (const [i, c] of cases.entries()) {
    it(`${c.what}: both selected pairs relay→relay, only relay candidates, none other in any call_signal; the UI says relay-protected`, async () => {
      const room = uniqueRoom("relay");
      const frames = { alice: { sent: [] as string[], received: [] as string[] }, bob: { sent: [] as string[], received: [] as string[] } };
      const [alice, bob] = await Promise.all([
        openCaller(browser(), room, `relay${i}-alice`, "Alice", { ...c.caller, beforeLoad: async (p) => recordSignalCandidates(p, frames.alice) }),
        openCaller(browser(), room, `relay${i}-bob`, "Bob", { ...c.callee, beforeLoad: async (p) => recordSignalCandidates(p, frames.bob) }),
      ]);
      try {
        await waitOnline(alice);
        await ring(alice, bob, c.kind);
        await bob.part("accept").click();
        await waitPhase(alice, "connected");
        await waitPhase(bob, "connected");
        for (const wp of [alice, bob]) {
          const m = await expectMediaFlowing(wp, c.kind === "video");
          expect(m.selected, `${wp.name}'s selected candidate pair`).toEqual({ local: "relay", remote: "relay" });
          expect(new Set(m.localTypes), `${wp.name}'s local candidates`).toEqual(new Set(["relay"]));
          expect(new Set(m.remoteTypes), `${wp.name}'s remote candidates`).toEqual(new Set(["relay"]));
          expect(await wp.widget.getByText("Relay-protected").isVisible(), `${wp.name}: relay-protected shown`).toBe(true);
        }
        // What crossed the room: relay candidates only, and the frames were seen (the check is not empty).
        for (const [who, f] of Object.entries(frames)) {
          expect(f.sent.length, `${who}: candidates sent`).toBeGreaterThan(0);
          expect(f.received.length, `${who}: candidates received`).toBeGreaterThan(0);
          const types = new Set([...f.sent, ...f.received].map(candidateType));
          expect(types, `${who}: candidate types in call_signal frames`).toEqual(new Set(["relay"]));
        }
        // And they really went through our coturn, with each user's own credentials.
        await eventually(() => expect(allocatedUsers()).toEqual(expect.arrayContaining([alice.user, bob.user])));

        await alice.part("hangup").click();
        await waitEnded(bob);
        await expectIdle(alice);
        await expectIdle(bob);
      } finally {
        await closeAll(alice, bob);
      }
    });
  }
});

describe("relay-only with a TURN secret coturn does not know", () => {
  const connectSec = 5;
  let wrong: Wrangler;
  beforeAll(async () => {
    const dir = userTmp("wrong-turn-secret");
    wrong = await startWrangler({
      port: await freePort(),
      persistTo: join(dir, "state"),
      logDir: dir,
      name: "wrong-turn-secret",
      vars: { TURN_SECRET: "not-the-coturn-secret", TURN_URLS: inject("turnUrl"), CALL_RING_TIMEOUT_SEC: "20", CALL_CONNECT_TIMEOUT_SEC: String(connectSec) },
    });
  });
  afterAll(async () => {
    await wrong?.stop();
  });

  it("the call ends `failed` on both sides within the connect timeout, with a message, nothing left on", async () => {
    const room = uniqueRoom("relay-bad");
    let alice: Caller | undefined;
    let bob: Caller | undefined;
    try {
      [alice, bob] = await Promise.all([
        openCaller(browser(), room, "walice", "Alice", { widgetOrigin: wrong.origin, attrs: { privacy: "relay" } }),
        openCaller(browser(), room, "wbob", "Bob", { widgetOrigin: wrong.origin }),
      ]);
      await waitOnline(alice);
      await ring(alice, bob, "video");
      const acceptedAt = Date.now();
      await bob.part("accept").click();
      const [ea, eb] = [await waitEnded(alice, connectSec * 1000 + WAIT_MS), await waitEnded(bob)];
      for (const e of [ea, eb]) expect(e).toMatchObject({ reason: "failed", kind: "video" });
      // The spec's bound: the room's connect timer (or an earlier ICE failure) ends it, not a later one.
      expect(ea.at - acceptedAt).toBeLessThanOrEqual((connectSec + 5) * 1000);
      for (const wp of [alice, bob]) {
        await expect(wp.part("call-status").getAttribute("data-phase")).resolves.toBe("ended");
        expect(await wp.part("call-status").textContent(), `${wp.name}: why it ended`).toMatch(/could not connect/i);
        expect(await media(wp)).toBeNull();
        await expectIdle(wp);
        await waitCallEntry(wp, /Failed video call/);
      }
    } finally {
      await closeAll(alice, bob);
    }
  });
});
