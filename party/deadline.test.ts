// withDeadline in workerd: its timer ends with the work, so a room can make more attempts than the
// runtime's 10,000 active timers within one timeout window; AbortSignal.timeout cannot.
import { describe, expect, it } from "vitest";
import { withDeadline } from "./deadline.ts";

describe("withDeadline", () => {
  it("aborts work that outlives it, with a TimeoutError", async () => {
    const err = await withDeadline(20, (signal) => new Promise((_, reject) => signal.addEventListener("abort", () => reject(signal.reason)))).catch(
      (e: unknown) => e,
    );
    expect(err).toMatchObject({ name: "TimeoutError" });
  });

  it("clears its timer when the work is done: 12,000 attempts in a 60 s window do not exhaust the runtime's timers", async () => {
    for (let i = 0; i < 12_000; i++) await withDeadline(60_000, async () => i);
    // The runtime's limit is real: timeout signals that outlive their requests run into it.
    let refused: unknown = null;
    try {
      for (let i = 0; i < 12_000; i++) AbortSignal.timeout(60_000);
    } catch (e) {
      refused = e;
    }
    expect(String(refused)).toMatch(/active timeouts/);
  });
});
