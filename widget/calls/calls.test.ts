// The pure parts of calls: signal ordering, phase mapping, clock and countdown, history entries, ICE cache timing.
import { describe, expect, it } from "vitest";
import type { CallState } from "../../protocol/index.ts";
import { callEntryView, countdown, eventDetail, formatClock, peerOf, refusal, sidePhase } from "./format.ts";
import { canRelay, refreshAt } from "./rtc/ice.ts";
import { MAX_HELD_SIGNALS, SignalCounter, SignalOrder } from "./signal-order.ts";

describe("SignalOrder", () => {
  it("applies signals strictly in order of n, holding gaps until they fill", () => {
    const order = new SignalOrder<string>();
    expect(order.push(1, "b")).toEqual([]);
    expect(order.push(3, "d")).toEqual([]);
    expect(order.waiting).toBe(2);
    expect(order.push(0, "a")).toEqual(["a", "b"]);
    expect(order.push(2, "c")).toEqual(["c", "d"]);
    expect(order.push(4, "e")).toEqual(["e"]);
    expect(order.waiting).toBe(0);
  });

  it("drops duplicates, whether already applied or still held", () => {
    const order = new SignalOrder<string>();
    expect(order.push(0, "a")).toEqual(["a"]);
    expect(order.push(0, "a again")).toEqual([]);
    expect(order.push(2, "c")).toEqual([]);
    expect(order.push(2, "c again")).toEqual([]);
    expect(order.push(1, "b")).toEqual(["b", "c"]);
  });

  it("holds at most MAX_HELD_SIGNALS out of order", () => {
    const order = new SignalOrder<number>();
    for (let n = 1; n <= MAX_HELD_SIGNALS + 10; n++) order.push(n, n);
    expect(order.waiting).toBe(MAX_HELD_SIGNALS);
    expect(order.push(0, 0)).toHaveLength(MAX_HELD_SIGNALS + 1);
  });

  it("numbers outgoing signals 0, 1, 2… per call", () => {
    const c = new SignalCounter();
    expect([c.take(), c.take(), c.take()]).toEqual([0, 1, 2]);
  });
});

const call = (o: Partial<CallState> = {}): CallState => ({
  callId: "call-0001",
  kind: "video",
  caller: { user: "alice", name: "Alice" },
  callee: { user: "bob", name: "Bob" },
  phase: "ringing",
  relay: false,
  offerer: "alice",
  ...o,
});

describe("phases", () => {
  it("maps the room's ringing to outgoing for the caller and incoming for the callee; other phases as they are", () => {
    expect(sidePhase(call(), "alice")).toBe("outgoing");
    expect(sidePhase(call(), "bob")).toBe("incoming");
    for (const phase of ["connecting", "connected", "ended"] as const) {
      expect(sidePhase(call({ phase }), "alice")).toBe(phase);
      expect(sidePhase(call({ phase }), "bob")).toBe(phase);
    }
  });

  it("the peer is the other participant", () => {
    expect(peerOf(call(), "alice")).toEqual({ user: "bob", name: "Bob" });
    expect(peerOf(call(), "bob")).toEqual({ user: "alice", name: "Alice" });
  });
});

describe("inapp-talk-call detail", () => {
  it("names the other participant, and carries reason and duration only when ended", () => {
    expect(eventDetail(call(), "incoming", "bob")).toEqual({ phase: "incoming", callId: "call-0001", kind: "video", peer: { user: "alice", name: "Alice" } });
    const ended = call({ phase: "ended", reason: "declined", durationMs: 0 });
    expect(eventDetail(ended, "ended", "alice")).toEqual({
      phase: "ended",
      callId: "call-0001",
      kind: "video",
      peer: { user: "bob", name: "Bob" },
      reason: "declined",
      durationMs: 0,
    });
  });
});

describe("refusals", () => {
  it("a refused start or accept ends the call shown, with the room's refusal as the notice", () => {
    expect(refusal("callee_unavailable", true, true)).toEqual({ notice: "call.error.callee_unavailable", reason: "failed" });
    expect(refusal("call_not_allowed", false, true)).toBeNull();
    expect(refusal("already_answered", false, true)).toEqual({ notice: "call.error.already_answered", reason: "answered_elsewhere" });
    expect(refusal("call_not_found", false, true)?.reason).toBe("failed");
    expect(refusal("call_not_found", false, false)).toBeNull();
    expect(refusal("rate_limited", true, true)).toBeNull();
  });
});

describe("clock and countdown", () => {
  it("formats durations as m:ss and h:mm:ss", () => {
    expect(formatClock(0)).toBe("0:00");
    expect(formatClock(7_999)).toBe("0:07");
    expect(formatClock(252_000)).toBe("4:12");
    expect(formatClock(3_723_000)).toBe("1:02:03");
    expect(formatClock(-5)).toBe("0:00");
  });

  it("counts down only in the last minute, measured from when this side heard of the connection", () => {
    // The room's clock says connected at 1_000_000 with a 5-minute cap; ours heard it at 2_000 (skewed).
    const c = { connectedAt: 1_000_000, limitAt: 1_300_000 };
    expect(countdown(c, 2_000, 2_000)).toBeNull();
    expect(countdown(c, 2_000, 2_000 + 239_000)).toBeNull();
    expect(countdown(c, 2_000, 2_000 + 240_000)).toBe(60_000);
    expect(countdown(c, 2_000, 2_000 + 290_500)).toBe(9_500);
    expect(countdown(c, 2_000, 2_000 + 400_000)).toBe(0);
    expect(countdown({ connectedAt: 1 }, 0, 0)).toBeNull();
  });
});

describe("call history entries", () => {
  it("reads a connected call with its duration, others by outcome and kind", () => {
    expect(callEntryView({ kind: "audio", outcome: "hangup", durationMs: 252_000 })).toEqual({ key: "call.entry.voice", duration: "4:12", kind: "audio" });
    expect(callEntryView({ kind: "video", outcome: "limit", durationMs: 600_000 })).toEqual({ key: "call.entry.video", duration: "10:00", kind: "video" });
    expect(callEntryView({ kind: "video", outcome: "missed", durationMs: 0 })?.key).toBe("call.entry.missed.video");
    expect(callEntryView({ kind: "audio", outcome: "busy", durationMs: 0 })?.key).toBe("call.entry.missed.audio");
    expect(callEntryView({ kind: "audio", outcome: "declined" })?.key).toBe("call.entry.declined.audio");
    expect(callEntryView({ kind: "video", outcome: "cancelled" })?.key).toBe("call.entry.cancelled.video");
    expect(callEntryView({ kind: "video", outcome: "hangup", durationMs: 0 })?.key).toBe("call.entry.failed.video");
  });

  it("leaves data it does not understand to the entry's text", () => {
    expect(callEntryView(undefined)).toBeNull();
    expect(callEntryView({ kind: "hologram" })).toBeNull();
  });
});

describe("ICE servers", () => {
  it("are fetched again a few minutes before their TTL ends, or halfway through a short one", () => {
    expect(refreshAt(0, 86_400)).toBe(86_400_000 - 300_000);
    expect(refreshAt(1_000, 120)).toBe(1_000 + 60_000);
    expect(refreshAt(0, 0)).toBe(0);
  });

  it("relay-only needs a TURN URL", () => {
    expect(canRelay([{ urls: "stun:stun.example.com" }])).toBe(false);
    expect(canRelay([{ urls: ["stun:a", "turn:127.0.0.1:3478?transport=udp"] }])).toBe(true);
    expect(canRelay([{ urls: "turns:t.example.com" }])).toBe(true);
  });
});
