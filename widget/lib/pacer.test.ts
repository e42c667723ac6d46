import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { Pacer } from "./pacer.ts";

describe("Pacer", () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it("sends at once until refused, then one per retry interval, refused first, until drained", () => {
    const sent: string[] = [];
    const p = new Pacer<string>((x) => sent.push(x));
    p.push("a");
    p.push("b");
    expect(sent).toEqual(["a", "b"]);
    p.done("a");
    p.refused("b", 200);
    p.push("c");
    p.push("d");
    p.push("c"); // queued once
    expect(sent).toEqual(["a", "b"]);
    vi.advanceTimersByTime(200);
    expect(sent).toEqual(["a", "b", "b"]);
    vi.advanceTimersByTime(200);
    expect(sent).toEqual(["a", "b", "b", "c"]);
    vi.advanceTimersByTime(200);
    expect(sent).toEqual(["a", "b", "b", "c", "d"]);
    for (const x of ["b", "c", "d"]) p.done(x);
    expect(p.pacing).toBe(true);
    vi.advanceTimersByTime(200); // a quiet interval: the budget has refilled
    expect(p.pacing).toBe(false);
    p.push("e");
    expect(sent.at(-1)).toBe("e");
  });

  it("a backlog of 60 drains with a few refusals, far below the room's flood threshold (25 in 10 s)", () => {
    // A model of the room's bucket (20 burst, 5/s) answering 30 ms after each send.
    let tokens = 20;
    let last = 0;
    let refusals = 0;
    const acked: number[] = [];
    const p: Pacer<number> = new Pacer<number>((n) => {
      setTimeout(() => {
        const now = Date.now();
        tokens = Math.min(20, tokens + ((now - last) / 1000) * 5);
        last = now;
        if (tokens >= 1) {
          tokens--;
          acked.push(n);
          p.done(n);
        } else {
          refusals++;
          p.refused(n, Math.ceil(((1 - tokens) / 5) * 1000));
        }
      }, 30);
    });
    last = Date.now();
    for (let i = 0; i < 60; i++) p.push(i);
    vi.advanceTimersByTime(20_000);
    // All of them, in the order they were typed (a refused message goes back in its place).
    expect(acked).toEqual(Array.from({ length: 60 }, (_, i) => i));
    expect(refusals).toBeLessThanOrEqual(10);
  });
});
