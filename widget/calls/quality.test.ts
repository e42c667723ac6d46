import { describe, expect, it } from "vitest";
import { readQuality } from "./quality.ts";

/** A getStats()-shaped report: a transport naming its selected pair, the pair, candidates, inbound RTP. */
function report(o: { rtt?: number; localType?: string; received?: number; lost?: number; frames?: number; dropped?: number }) {
  return [
    { id: "T1", type: "transport", selectedCandidatePairId: "CP1" },
    { id: "CP1", type: "candidate-pair", localCandidateId: "L1", remoteCandidateId: "R1", currentRoundTripTime: o.rtt ?? 0.02, state: "succeeded" },
    { id: "CP2", type: "candidate-pair", localCandidateId: "L2", remoteCandidateId: "R1", currentRoundTripTime: 2, state: "failed" },
    { id: "L1", type: "local-candidate", candidateType: o.localType ?? "host" },
    { id: "L2", type: "local-candidate", candidateType: "relay" },
    { id: "R1", type: "remote-candidate", candidateType: "host" },
    { id: "IA", type: "inbound-rtp", kind: "audio", packetsReceived: o.received ?? 1000, packetsLost: o.lost ?? 0 },
    { id: "IV", type: "inbound-rtp", kind: "video", packetsReceived: 0, packetsLost: 0, framesReceived: o.frames ?? 0, framesDropped: o.dropped ?? 0 },
  ];
}

describe("call quality hint", () => {
  it("is good on a fast, clean path, and reads the selected pair only (not a failed one)", () => {
    const first = readQuality(report({}), null);
    expect(first).toMatchObject({ level: "good", relayed: false, rttMs: 20, lossPct: null });
    const next = readQuality(report({ received: 1100 }), first.counters);
    expect(next).toMatchObject({ level: "good", lossPct: 0 });
  });

  it("says relayed when the selected pair runs through TURN", () => {
    expect(readQuality(report({ localType: "relay" }), null).relayed).toBe(true);
  });

  it("drops to fair and poor with round-trip time, loss over the last interval, or dropped frames", () => {
    expect(readQuality(report({ rtt: 0.3 }), null).level).toBe("fair");
    expect(readQuality(report({ rtt: 0.6 }), null).level).toBe("poor");
    const base = readQuality(report({}), null).counters;
    // 5 lost of 100 in the interval: fair; 20 of 100: poor. Loss before the interval does not count.
    expect(readQuality(report({ received: 1095, lost: 5 }), base).level).toBe("fair");
    expect(readQuality(report({ received: 1080, lost: 20 }), base).level).toBe("poor");
    const earlier = readQuality(report({ received: 1080, lost: 20 }), base).counters;
    expect(readQuality(report({ received: 1180, lost: 20 }), earlier).level).toBe("good");
    const frames = readQuality(report({ frames: 100 }), null).counters;
    expect(readQuality(report({ frames: 150, dropped: 25 }), frames).level).toBe("poor");
  });
});
