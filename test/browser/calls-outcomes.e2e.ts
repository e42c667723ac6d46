// Issue 9: how calls end other than by a hang-up — declined, missed (the shared server's short ring
// timeout), cancelled, busy, the token's call cap (`limit`), answered in another tab, and a reload
// mid-call — each on both sides: the `ended` event with its reason, the screen, every track stopped,
// and the history entry.
import { describe, expect, inject, it } from "vitest";
import { transcript, uniqueRoom } from "./support/api.ts";
import { eventually, useBrowser, WAIT_MS } from "./support/browser.ts";
import {
  callEvents,
  closeAll,
  expectIdle,
  expectMediaFlowing,
  expectTracksStopped,
  media,
  openCaller,
  phases,
  ring,
  trackStates,
  waitCallEntry,
  waitEnded,
  waitOnline,
  waitPhase,
  type Caller,
} from "./support/calls.ts";

const server = () => inject("serverOrigin");
const browser = useBrowser();

async function pair(o: { call_seconds?: number } = {}): Promise<[string, Caller, Caller]> {
  const room = uniqueRoom("call");
  const [alice, bob] = await Promise.all([openCaller(browser(), room, "alice", "Alice", o), openCaller(browser(), room, "bob", "Bob", o)]);
  await waitOnline(alice);
  return [room, alice, bob];
}

async function outcomeInTranscript(room: string): Promise<unknown> {
  return eventually(async () => {
    const entries = (await transcript(server(), room)).filter((m) => m.kind === "call");
    expect(entries).toHaveLength(1);
    return (entries[0]!.data as { outcome: unknown }).outcome;
  });
}

describe("calls: every other way a call ends", () => {
  it("declined: the callee declines; both end `declined`, nothing left on, 'Declined voice call' on both", async () => {
    const [room, alice, bob] = await pair();
    try {
      await ring(alice, bob, "audio");
      await bob.part("decline").click();
      for (const wp of [alice, bob]) expect(await waitEnded(wp)).toMatchObject({ reason: "declined", kind: "audio" });
      expect(await phases(alice)).toEqual(["outgoing", "ended"]);
      expect(await phases(bob)).toEqual(["incoming", "ended"]);
      await expectIdle(alice);
      await expectIdle(bob);
      // The callee never answered: their camera and microphone were never asked for.
      expect(await trackStates(bob)).toEqual([]);
      await waitCallEntry(alice, /Declined voice call/);
      await waitCallEntry(bob, /Declined voice call/);
      expect(await outcomeInTranscript(room)).toBe("declined");
    } finally {
      await closeAll(alice, bob);
    }
  });

  it("missed: nobody answers within the ring timeout; both end `missed`, the caller's preview stops", async () => {
    const ringSec = inject("callRingSec");
    const [room, alice, bob] = await pair();
    try {
      await ring(alice, bob, "video");
      const [ea, eb] = [await waitEnded(alice, ringSec * 1000 + WAIT_MS), await waitEnded(bob, WAIT_MS)];
      expect(ea).toMatchObject({ reason: "missed", kind: "video" });
      expect(eb).toMatchObject({ reason: "missed", kind: "video" });
      // Ended by the room's ring timer, not by anything sooner: measured from when the caller's page
      // started the call (its own event clock), since the room's timer cannot start before that —
      // not from when this test saw it ring, which a busy machine delays by seconds.
      const startedAt = (await callEvents(alice)).find((e) => e.phase === "outgoing")!.at;
      expect(ea.at - startedAt).toBeGreaterThanOrEqual((ringSec - 1) * 1000);
      await expectIdle(alice);
      await expectIdle(bob);
      await waitCallEntry(alice, /Missed video call/);
      await waitCallEntry(bob, /Missed video call/);
      expect(await outcomeInTranscript(room)).toBe("missed");
    } finally {
      await closeAll(alice, bob);
    }
  });

  it("cancelled: the caller hangs up while it rings; the callee stops ringing, both end `cancelled`", async () => {
    const [room, alice, bob] = await pair();
    try {
      await ring(alice, bob, "video");
      await alice.part("hangup").click();
      for (const wp of [alice, bob]) expect(await waitEnded(wp)).toMatchObject({ reason: "cancelled" });
      await eventually(async () => expect(await bob.part("incoming-call").count()).toBe(0));
      await expectIdle(alice);
      await expectIdle(bob);
      await waitCallEntry(alice, /Cancelled video call/);
      await waitCallEntry(bob, /Cancelled video call/);
      expect(await outcomeInTranscript(room)).toBe("cancelled");
    } finally {
      await closeAll(alice, bob);
    }
  });

  it("busy: calling someone already in a call ends `busy` for the caller; the call in progress goes on untouched", async () => {
    const room = uniqueRoom("call");
    const [alice, bob, carol] = await Promise.all([
      openCaller(browser(), room, "alice", "Alice"),
      openCaller(browser(), room, "bob", "Bob"),
      openCaller(browser(), room, "carol", "Carol"),
    ]);
    try {
      // Three people online: the call buttons offer a list of whom to call.
      for (const wp of [alice, carol]) {
        await eventually(async () => expect(await wp.part("call-button").getAttribute("aria-haspopup")).toBe("true"));
      }
      await alice.part("call-button").click();
      await alice.part("call-picker").locator('button[data-user="bob"]').click();
      await bob.part("incoming-call").waitFor();
      await bob.part("accept").click();
      await waitPhase(alice, "connected");
      await waitPhase(bob, "connected");

      await carol.part("call-button").click();
      await carol.part("call-picker").locator('button[data-user="bob"]').click();
      await waitPhase(carol, "ended");
      expect(await carol.part("call-status").textContent()).toMatch(/busy/i);
      expect(await waitEnded(carol)).toMatchObject({ reason: "busy", peer: { user: "bob" } });
      await expectTracksStopped(carol);

      // Bob never rang for Carol, and the call with Alice still carries media both ways.
      expect(new Set((await callEvents(bob)).map((e) => e.callId)).size).toBe(1);
      expect(await bob.part("incoming-call").count()).toBe(0);
      await expectMediaFlowing(alice, false);
      await expectMediaFlowing(bob, false);
      expect(await phases(bob)).toEqual(["incoming", "connecting", "connected"]);
      await alice.part("hangup").click();
      await waitEnded(bob);
    } finally {
      await closeAll(alice, bob, carol);
    }
  });

  it("limit: a token with call_seconds 2 — the room ends the connected call `limit` on both sides after the cap", async () => {
    const [room, alice, bob] = await pair({ call_seconds: 2 });
    try {
      await ring(alice, bob, "audio");
      await bob.part("accept").click();
      await waitPhase(alice, "connected");
      // In its last minute a capped call shows how long is left (here: at once).
      await alice.part("call-countdown").waitFor();
      const [ea, eb] = [await waitEnded(alice), await waitEnded(bob)];
      for (const e of [ea, eb]) {
        expect(e).toMatchObject({ reason: "limit", kind: "audio" });
        expect(e.durationMs).toBeGreaterThanOrEqual(1900);
      }
      await expect(alice.part("call-status").textContent()).resolves.toMatch(/time limit/i);
      await expectIdle(alice);
      await expectIdle(bob);
      await waitCallEntry(alice, /Voice call · 0:0[2-9]/);
      expect(await outcomeInTranscript(room)).toBe("limit");
    } finally {
      await closeAll(alice, bob);
    }
  });

  it("answered elsewhere: both of the callee's tabs ring, the first accept wins, the other stops `answered_elsewhere`", async () => {
    const room = uniqueRoom("call");
    const [alice, bob1, bob2] = await Promise.all([
      openCaller(browser(), room, "alice", "Alice"),
      openCaller(browser(), room, "bob", "Bob"),
      openCaller(browser(), room, "bob", "Bob"),
    ]);
    try {
      await waitOnline(alice);
      await ring(alice, bob1, "video");
      await bob2.part("incoming-call").waitFor();
      await bob1.part("accept").click();
      expect(await waitEnded(bob2)).toMatchObject({ reason: "answered_elsewhere" });
      expect(await phases(bob2)).toEqual(["incoming", "ended"]);
      await expectIdle(bob2);
      expect(await trackStates(bob2)).toEqual([]);

      await waitPhase(alice, "connected");
      await waitPhase(bob1, "connected");
      await expectMediaFlowing(alice, true);
      await expectMediaFlowing(bob1, true);
      await bob1.part("hangup").click();
      await waitEnded(alice);
      await expectIdle(bob1);
      // The call, once, in the history of every tab.
      await waitCallEntry(bob2, /Video call · \d+:\d\d/);
    } finally {
      await closeAll(alice, bob1, bob2);
    }
  });

  it("a reload mid-call ends it for the other side at once (closed socket), and the reloaded tab is idle", async () => {
    const [room, alice, bob] = await pair();
    try {
      await ring(alice, bob, "video");
      await bob.part("accept").click();
      await waitPhase(alice, "connected");
      await expectMediaFlowing(alice, true);

      await bob.ready(); // reload
      // The room ends it when Bob's socket closes; an ICE failure would take ~30 s, well past this wait.
      expect(await waitEnded(alice, 10_000)).toMatchObject({ reason: "hangup" });
      await expectIdle(alice);
      expect(await media(bob)).toBeNull();
      expect(await bob.part("call-status").count()).toBe(0);
      expect(await callEvents(bob)).toEqual([]);
      await waitCallEntry(alice, /Video call · \d+:\d\d/);
      expect(await outcomeInTranscript(room)).toBe("hangup");
    } finally {
      await closeAll(alice, bob);
    }
  });
});
