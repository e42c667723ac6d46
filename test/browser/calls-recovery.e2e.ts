// Issue 10, calls that survive a broken path: a relay-only call through a coturn of this file's own
// (so stopping it disturbs no other test). Stopping coturn mid-call kills both TURN allocations —
// the path is gone, as when a network drops — and both sides show `reconnecting`; starting it again
// on the same port lets an ICE restart (done on the native RTCPeerConnection behind simple-peer,
// widget/calls/rtc/peer.ts) find a new path, and both sides are `connected` again with media
// flowing. Left down, the call ends `failed` after the recovery bound (20 s). A short TURN_TTL
// makes the widget renew its TURN credentials mid-call with an ICE restart: coturn sees each user
// allocate again under a new username (a new expiry), and the call never leaves `connected`.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { uniqueRoom } from "./support/api.ts";
import { eventually, userTmp, useBrowser, WAIT_MS } from "./support/browser.ts";
import { closeAll, expectIdle, expectMediaFlowing, openCaller, phases, ring, waitEnded, waitOnline, waitPhase, type Caller } from "./support/calls.ts";
import { startCoturn, type Coturn } from "./support/coturn.ts";
import { freePort, startWrangler, type Wrangler } from "./support/wrangler.ts";

const browser = useBrowser();
const SECRET = "recovery-turn-secret";
/** The widget renews credentials halfway through a TTL this short (widget/calls/rtc/ice.ts). */
const TTL_SEC = 16;

let turn: Coturn;
let server: Wrangler;
let dir: string;

beforeAll(async () => {
  dir = userTmp("calls-recovery");
  turn = await startCoturn({ secret: SECRET, dir: join(dir, "coturn"), relayPorts: [50_500, 50_599] });
  server = await startWrangler({
    port: await freePort(),
    persistTo: join(dir, "state"),
    logDir: dir,
    name: "calls-recovery",
    vars: { TURN_SECRET: SECRET, TURN_URLS: turn.url, STUN_URLS: "", TURN_TTL: String(TTL_SEC), CALL_RING_TIMEOUT_SEC: "20", CALL_CONNECT_TIMEOUT_SEC: "20" },
  });
});

afterAll(async () => {
  await server?.stop();
  await turn?.stop();
});

/** Usernames (`<expiry>:<user>`) coturn granted allocations to, in order. */
function allocations(): string[] {
  const log = readFileSync(turn.logFile, "utf8");
  return [...log.matchAll(/user <([^>]+)>: incoming packet ALLOCATE processed, success/g)].map((m) => m[1]!);
}

async function relayCall(tag: string): Promise<[Caller, Caller]> {
  const room = uniqueRoom(tag);
  const pair = await Promise.all([
    openCaller(browser(), room, `${tag}-alice`, "Alice", { widgetOrigin: server.origin, attrs: { privacy: "relay" } }),
    openCaller(browser(), room, `${tag}-bob`, "Bob", { widgetOrigin: server.origin }),
  ]);
  const [alice, bob] = pair;
  await waitOnline(alice);
  await ring(alice, bob, "audio");
  await bob.part("accept").click();
  await waitPhase(alice, "connected");
  await waitPhase(bob, "connected");
  for (const wp of pair) {
    expect((await expectMediaFlowing(wp, false)).selected).toEqual({ local: "relay", remote: "relay" });
    // Relay-only (Alice asked for it, so both sides): the relay-protected badge on both.
    await eventually(async () => expect(await wp.part("relay-badge").isVisible()).toBe(true));
  }
  return pair;
}

describe("a call whose path breaks", () => {
  it("shows `reconnecting` on both sides, and after an ICE restart is `connected` again with media flowing", async () => {
    let pair: [Caller, Caller] | undefined;
    try {
      pair = await relayCall("rec-ok");
      await turn.stop();
      for (const wp of pair) await waitPhase(wp, "reconnecting", WAIT_MS);
      await turn.start();
      for (const wp of pair) await waitPhase(wp, "connected", WAIT_MS);
      for (const wp of pair) {
        const m = await expectMediaFlowing(wp, false);
        expect(m.selected, `${wp.name}: the new pair is relayed too`).toEqual({ local: "relay", remote: "relay" });
        expect(await phases(wp), `${wp.name}'s inapp-talk-call phases`).toEqual(expect.arrayContaining(["connected", "reconnecting"]));
        const seq = await phases(wp);
        expect(seq.slice(seq.indexOf("reconnecting")), `${wp.name}: back to connected after reconnecting`).toEqual(["reconnecting", "connected"]);
      }
      await pair[0].part("hangup").click();
      await waitEnded(pair[1]);
      for (const wp of pair) await expectIdle(wp);
    } finally {
      await turn.start();
      await closeAll(...(pair ?? []));
    }
  });

  it("ends `failed` on both sides when the path does not come back within the bound", async () => {
    let pair: [Caller, Caller] | undefined;
    try {
      pair = await relayCall("rec-fail");
      const brokeAt = Date.now();
      await turn.stop();
      for (const wp of pair) await waitPhase(wp, "reconnecting", WAIT_MS);
      const ended = await Promise.all(pair.map((wp) => waitEnded(wp, 45_000)));
      for (const e of ended) expect(e.reason).toBe("failed");
      // The bound is 20 s from the first sign of trouble, which itself takes a few seconds to see.
      expect(Math.min(...ended.map((e) => e.at)) - brokeAt).toBeLessThan(40_000);
      for (const wp of pair) await expectIdle(wp);
    } finally {
      await turn.start();
      await closeAll(...(pair ?? []));
    }
  });

  it("renews TURN credentials before they expire, mid-call, without leaving `connected`", async () => {
    let pair: [Caller, Caller] | undefined;
    try {
      pair = await relayCall("rec-renew");
      const [alice, bob] = pair;
      const mine = (wp: Caller) => new Set(allocations().filter((u) => u.endsWith(`:${wp.user}`)));
      // Each side allocated under a second username (a later expiry) while the call went on.
      await eventually(
        () => {
          for (const wp of pair!) expect(mine(wp).size, `${wp.name}'s TURN usernames`).toBeGreaterThanOrEqual(2);
        },
        TTL_SEC * 1000 + WAIT_MS,
      );
      // Past the first credentials' expiry, media still flows and nobody saw the call waver.
      await new Promise((r) => setTimeout(r, 3_000));
      for (const wp of [alice, bob]) {
        await expectMediaFlowing(wp, false);
        expect(await phases(wp), `${wp.name}'s phases`).not.toContain("reconnecting");
      }
    } finally {
      await closeAll(...(pair ?? []));
    }
  });
});
