// How the sender reads a push service's answer.
import { describe, expect, it } from "vitest";
import { classifyPushResponse, parseRetryAfter } from "./response.ts";

describe("classifyPushResponse", () => {
  const now = Date.UTC(2026, 4, 1, 12, 0, 0);
  it.each([
    [201, null, { kind: "delivered" }],
    [200, null, { kind: "delivered" }],
    [202, null, { kind: "delivered" }],
    [404, null, { kind: "gone" }],
    [410, null, { kind: "gone" }],
    [401, null, { kind: "config" }],
    [403, null, { kind: "config" }],
    [400, null, { kind: "bad" }],
    [413, null, { kind: "bad" }],
    [302, null, { kind: "bad" }],
    [429, "120", { kind: "retry", retryAfterMs: 120_000 }],
    [429, null, { kind: "retry" }],
    [500, undefined, { kind: "retry" }],
    [503, "0", { kind: "retry", retryAfterMs: 0 }],
    [503, new Date(now + 30_000).toUTCString(), { kind: "retry", retryAfterMs: 30_000 }],
    [502, new Date(now - 30_000).toUTCString(), { kind: "retry", retryAfterMs: 0 }],
    [504, "soon", { kind: "retry" }],
    [503, "1.5", { kind: "retry" }],
  ] as const)("%i with Retry-After %s → %o", (status, retryAfter, outcome) => {
    expect(classifyPushResponse(status, retryAfter, now)).toEqual(outcome);
  });

  it("reads the three HTTP-date forms of Retry-After", () => {
    const at = Date.UTC(1994, 10, 6, 8, 49, 37);
    // asctime has no zone and Date.parse reads it as local time: compare against Date.parse, from two days before.
    const before = at - 2 * 86_400_000;
    for (const date of ["Sun, 06 Nov 1994 08:49:37 GMT", "Sunday, 06-Nov-94 08:49:37 GMT", "Sun Nov  6 08:49:37 1994"]) {
      expect(Date.parse(date)).not.toBeNaN();
      expect(parseRetryAfter(date, before)).toBe(Date.parse(date) - before);
    }
    expect(parseRetryAfter("Sun, 06 Nov 1994 08:49:37 GMT", at - 5000)).toBe(5000);
  });
});
