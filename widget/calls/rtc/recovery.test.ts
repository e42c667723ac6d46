import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { Recovery } from "./recovery.ts";

const times = { graceMs: 2_000, retryMs: 5_000, boundMs: 20_000 };

function setup() {
  const log: string[] = [];
  const r = new Recovery({ reconnecting: () => log.push("reconnecting"), restart: () => log.push("restart"), giveUp: () => log.push("giveUp") }, times);
  return { r, log };
}

describe("ICE recovery policy", () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it("gives a disconnected path its grace period, and restarts nothing when it comes back", () => {
    const { r, log } = setup();
    r.trouble("disconnected", Date.now());
    expect(log).toEqual(["reconnecting"]);
    vi.advanceTimersByTime(1_500);
    r.recovered();
    vi.advanceTimersByTime(30_000);
    expect(log).toEqual(["reconnecting"]);
    expect(r.active).toBe(false);
  });

  it("restarts after the grace period, again every retry interval, and gives up at the bound", () => {
    const { r, log } = setup();
    r.trouble("disconnected", Date.now());
    vi.advanceTimersByTime(2_000);
    expect(log).toEqual(["reconnecting", "restart"]);
    vi.advanceTimersByTime(5_000);
    expect(log.filter((x) => x === "restart")).toHaveLength(2);
    vi.advanceTimersByTime(13_000);
    expect(log.at(-1)).toBe("giveUp");
    expect(r.active).toBe(false);
    vi.advanceTimersByTime(60_000);
    expect(log.filter((x) => x === "giveUp")).toHaveLength(1);
  });

  it("restarts at once on failure or a network change, once for two signals of the same break", () => {
    const { r, log } = setup();
    r.trouble("network", Date.now());
    vi.advanceTimersByTime(0);
    expect(log).toEqual(["reconnecting", "restart"]);
    r.trouble("failed", Date.now());
    vi.advanceTimersByTime(100);
    expect(log).toEqual(["reconnecting", "restart"]);
    r.recovered();
    // A new episode later announces itself again.
    vi.advanceTimersByTime(10_000);
    r.trouble("failed", Date.now());
    vi.advanceTimersByTime(0);
    expect(log).toEqual(["reconnecting", "restart", "reconnecting", "restart"]);
  });
});
