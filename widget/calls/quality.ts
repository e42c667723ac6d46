/**
 * A network-quality hint from getStats(): round-trip time of the selected candidate pair, packet loss
 * and dropped video frames over the last interval, as three levels a person can read at a glance —
 * and whether the selected pair runs through TURN (the "relay-protected" badge, privacy mode or not).
 * Counters are cumulative in getStats(), so each reading compares with the previous one.
 */
export type QualityLevel = "good" | "fair" | "poor";

export interface QualityCounters {
  packetsReceived: number;
  packetsLost: number;
  framesReceived: number;
  framesDropped: number;
}

export interface QualityReading {
  level: QualityLevel;
  /** The selected pair's local or remote candidate is a relay one. */
  relayed: boolean;
  rttMs: number | null;
  lossPct: number | null;
  counters: QualityCounters;
}

/** Thresholds (round trip, loss, dropped frames) past which a call feels worse; from common VoIP guidance. */
const FAIR = { rttMs: 250, lossPct: 2, droppedPct: 10 };
const POOR = { rttMs: 500, lossPct: 8, droppedPct: 30 };

type Stat = Record<string, unknown> & { type: string; id: string };
const num = (v: unknown): number => (typeof v === "number" && Number.isFinite(v) ? v : 0);

/** Reads one getStats() report against the previous reading's counters. */
export function readQuality(report: Iterable<Stat> | Map<string, Stat>, previous: QualityCounters | null): QualityReading {
  const stats = [...(report instanceof Map ? report.values() : report)];
  const byId = new Map(stats.map((s) => [s.id, s]));
  const transport = stats.find((s) => s.type === "transport" && typeof s.selectedCandidatePairId === "string");
  const pair =
    (transport && byId.get(transport.selectedCandidatePairId as string)) ??
    stats.find((s) => s.type === "candidate-pair" && (s.selected === true || (s.nominated === true && s.state === "succeeded")));
  const local = pair && byId.get(pair.localCandidateId as string);
  const remote = pair && byId.get(pair.remoteCandidateId as string);
  const relayed = local?.candidateType === "relay" || remote?.candidateType === "relay";
  const rttMs = pair && typeof pair.currentRoundTripTime === "number" ? pair.currentRoundTripTime * 1000 : null;

  const counters: QualityCounters = { packetsReceived: 0, packetsLost: 0, framesReceived: 0, framesDropped: 0 };
  for (const s of stats) {
    if (s.type !== "inbound-rtp") continue;
    counters.packetsReceived += num(s.packetsReceived);
    counters.packetsLost += num(s.packetsLost);
    counters.framesReceived += num(s.framesReceived);
    counters.framesDropped += num(s.framesDropped);
  }
  let lossPct: number | null = null;
  let droppedPct = 0;
  if (previous) {
    const received = counters.packetsReceived - previous.packetsReceived;
    const lost = Math.max(0, counters.packetsLost - previous.packetsLost);
    if (received + lost > 0) lossPct = (lost / (received + lost)) * 100;
    const frames = counters.framesReceived - previous.framesReceived;
    const dropped = Math.max(0, counters.framesDropped - previous.framesDropped);
    if (frames + dropped > 0) droppedPct = (dropped / (frames + dropped)) * 100;
  }
  const over = (t: typeof FAIR) => (rttMs ?? 0) > t.rttMs || (lossPct ?? 0) > t.lossPct || droppedPct > t.droppedPct;
  const level: QualityLevel = over(POOR) ? "poor" : over(FAIR) ? "fair" : "good";
  return { level, relayed, rttMs, lossPct, counters };
}
