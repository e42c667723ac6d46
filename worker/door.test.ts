import { describe, expect, it } from "vitest";
import { coolingDown, rememberCooldown } from "./door.ts";

describe("the door's memory of cool-downs", () => {
  it("refuses the remembered token for that room until the end, and only it", () => {
    const now = 1_000_000;
    rememberCooldown("token-a", "room-1", now + 5_000);
    expect(coolingDown("token-a", "room-1", now)).toBe(5_000);
    expect(coolingDown("token-a", "room-1", now + 4_999)).toBe(1);
    // Another token of the same user, or the same token for another room, asks the user's object as usual.
    expect(coolingDown("token-b", "room-1", now)).toBe(0);
    expect(coolingDown("token-a", "room-2", now)).toBe(0);
    expect(coolingDown("token-a", "room-1", now + 5_000)).toBe(0);
    // An ended cool-down is forgotten.
    expect(coolingDown("token-a", "room-1", now)).toBe(0);
  });

  it("stays bounded: the oldest entries go first", () => {
    const now = 2_000_000;
    rememberCooldown("first", "room", now + 60_000);
    for (let i = 0; i < 10_000; i++) rememberCooldown(`t${i}`, "room", now + 60_000);
    expect(coolingDown("first", "room", now)).toBe(0);
    expect(coolingDown("t9999", "room", now)).toBe(60_000);
  });
});
