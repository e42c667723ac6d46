// Issue 9, real calls between two people in two browser contexts on a host page of another origin,
// against `wrangler dev` and the run's coturn, inside the loopback-only network namespace (run.mjs).
// A call rings the callee at once, media flows both ways (getCallStats(): inbound audio bytes and
// decoded video frames grow on both sides), a hang-up leaves both sides idle with every track
// stopped, and both histories show the call with its duration. The phases of `inapp-talk-call`
// are checked on each side.
import { describe, expect, inject, it } from "vitest";
import { transcript, uniqueRoom } from "./support/api.ts";
import {
  callEvents,
  closeAll,
  expectIdle,
  expectMediaFlowing,
  openCaller,
  phases,
  ring,
  shownPhase,
  trackStates,
  waitCallEntry,
  waitEnded,
  waitOnline,
  waitPhase,
} from "./support/calls.ts";
import { eventually, useBrowser } from "./support/browser.ts";

const server = () => inject("serverOrigin");
const browser = useBrowser();

describe("calls: a call from ring to hang-up", () => {
  for (const kind of ["video", "audio"] as const) {
    it(`${kind} call: rings at once, media both ways, hang-up → both idle, tracks stopped, a call entry with its duration on both sides`, async () => {
      const room = uniqueRoom("call");
      const [alice, bob] = await Promise.all([openCaller(browser(), room, "alice", "Alice"), openCaller(browser(), room, "bob", "Bob")]);
      try {
        await waitOnline(alice);
        await ring(alice, bob, kind);
        expect(await shownPhase(alice)).toBe("outgoing");
        expect(await shownPhase(bob)).toBe("incoming");
        await expect(bob.part("incoming-call").textContent()).resolves.toContain(kind === "video" ? "Incoming video call" : "Incoming voice call");
        // The callee's media is asked for only when they answer; the caller's (preview) at once.
        expect(await trackStates(bob)).toEqual([]);
        // The caller sees their own camera while it rings.
        if (kind === "video") {
          await eventually(async () => expect((await trackStates(alice)).map((t) => t.kind).sort()).toEqual(["audio", "video"]));
          await expect(alice.part("local-video").isVisible()).resolves.toBe(true);
        }

        await bob.part("accept").click();
        await waitPhase(alice, "connected");
        await waitPhase(bob, "connected");
        await expectMediaFlowing(alice, kind === "video");
        await expectMediaFlowing(bob, kind === "video");
        for (const wp of [alice, bob]) {
          const kinds = (await trackStates(wp)).map((t) => t.kind).sort();
          expect(kinds, `${wp.name}'s tracks`).toEqual(kind === "video" ? ["audio", "video"] : ["audio"]);
        }
        if (kind === "video") {
          for (const wp of [alice, bob]) await expect(wp.part("remote-video").isVisible()).resolves.toBe(true);
        }
        // The quality hint, from getStats(): a clean loopback path is "good", said in words too; the
        // pair is direct (host), so no relay-protected badge.
        for (const wp of [alice, bob]) {
          await eventually(async () => expect(await wp.part("call-quality").getAttribute("data-level")).toBe("good"));
          expect(await wp.part("call-quality").getAttribute("aria-label")).toBe("Connection: good");
          expect(await wp.part("relay-badge").count()).toBe(0);
        }

        // The callee hangs up one call, the caller the other: either side ends it for both.
        const hanger = kind === "video" ? alice : bob;
        await hanger.part("hangup").click();
        const [endA, endB] = [await waitEnded(alice), await waitEnded(bob)];
        for (const e of [endA, endB]) {
          expect(e).toMatchObject({ phase: "ended", reason: "hangup", kind });
          expect(e.durationMs).toBeGreaterThan(0);
        }
        expect(endA.callId).toBe(endB.callId);
        await expectIdle(alice);
        await expectIdle(bob);

        // History: the call with its duration, on both screens and in the transcript.
        const pattern = kind === "video" ? /Video call · \d+:\d\d/ : /Voice call · \d+:\d\d/;
        await waitCallEntry(alice, pattern);
        await waitCallEntry(bob, pattern);
        const entries = (await transcript(server(), room)).filter((m) => m.kind === "call");
        expect(entries).toHaveLength(1);
        expect(entries[0]!.data).toMatchObject({ callId: endA.callId, kind, outcome: "hangup", caller: { user: "alice" }, callee: { user: "bob" } });
        expect((entries[0]!.data as { durationMs: number }).durationMs).toBeGreaterThan(0);
      } finally {
        await closeAll(alice, bob);
      }
    });
  }

  it("inapp-talk-call: outgoing → connecting → connected → ended for the caller, incoming → … for the callee, one call id, the other person as peer", async () => {
    const room = uniqueRoom("call");
    const [alice, bob] = await Promise.all([openCaller(browser(), room, "alice", "Alice"), openCaller(browser(), room, "bob", "Bob")]);
    try {
      await waitOnline(alice);
      await ring(alice, bob, "video");
      await bob.part("accept-audio").click();
      await waitPhase(alice, "connected");
      await waitPhase(bob, "connected");
      // Answered with audio only: an audio call both ways.
      await expectMediaFlowing(alice, false);
      await expectMediaFlowing(bob, false);
      await bob.part("hangup").click();
      await waitEnded(alice);
      await waitEnded(bob);

      expect(await phases(alice)).toEqual(["outgoing", "connecting", "connected", "ended"]);
      expect(await phases(bob)).toEqual(["incoming", "connecting", "connected", "ended"]);
      const [ea, eb] = [await callEvents(alice), await callEvents(bob)];
      expect(new Set([...ea, ...eb].map((e) => e.callId)).size).toBe(1);
      for (const e of ea) expect(e.peer).toEqual({ user: "bob", name: "Bob" });
      for (const e of eb) expect(e.peer).toEqual({ user: "alice", name: "Alice" });
      // The ringing events carry the kind asked for; once answered with audio only, it is an audio call.
      expect(ea[0]!.kind).toBe("video");
      expect(eb[0]!.kind).toBe("video");
      expect(ea.at(-1)!.kind).toBe("audio");
      expect(eb.at(-1)!.kind).toBe("audio");
      for (const e of [...ea, ...eb]) {
        if (e.phase === "ended") expect(e).toMatchObject({ reason: "hangup" });
        else expect(e.reason).toBeUndefined();
      }
      await expectIdle(alice);
      await expectIdle(bob);
    } finally {
      await closeAll(alice, bob);
    }
  });
});
