import { describe, expect, it, vi } from "vitest";
import type { ClientMessage } from "../protocol/index.ts";
import type { Conn, RoomFeature } from "./feature.ts";
import { FeatureHost } from "./feature-host.ts";
import type { Identity } from "./identity.ts";

const conn = {} as Conn;
const identity = { user: "u1" } as Identity;
const url = new URL("https://example.test/parties/room/r1");

describe("FeatureHost", () => {
  it("refuses a frame type claimed by two features", () => {
    const a: RoomFeature = { name: "a", frames: { typing: () => {} } };
    const b: RoomFeature = { name: "b", frames: { typing: () => {} } };
    expect(() => new FeatureHost().install([a, b])).toThrow(/claimed by two features/);
  });

  it("hands each frame to the feature that owns its type, and runs hooks in registration order", () => {
    const seen: string[] = [];
    const features: RoomFeature[] = ["a", "b"].map((name) => ({
      name,
      join: () => seen.push(`${name}:join`),
      leave: () => seen.push(`${name}:leave`),
      activity: () => seen.push(`${name}:activity`),
      frames: name === "b" ? { typing: () => seen.push("b:typing") } : {},
    }));
    const host = new FeatureHost();
    host.install(features);
    host.join(conn, identity, url);
    host.activity(conn, 1);
    host.frame(conn, identity, { type: "typing" } as ClientMessage);
    host.leave(conn, identity);
    expect(seen).toEqual(["a:join", "b:join", "a:activity", "b:activity", "b:typing", "a:leave", "b:leave"]);
  });

  it("a follower that throws is logged and the others still follow", () => {
    const error = vi.spyOn(console, "error").mockImplementation(() => {});
    const followed: string[] = [];
    const host = new FeatureHost();
    host.install([
      {
        name: "broken",
        on: {
          read: () => {
            throw new Error("boom");
          },
        },
      },
      { name: "fine", on: { read: (user, seq) => followed.push(`${user}@${seq}`) } },
    ]);
    expect(() => host.events.read("u1", 7)).not.toThrow();
    expect(followed).toEqual(["u1@7"]);
    expect(error).toHaveBeenCalledWith("room event read: feature broken failed", expect.any(Error));
    error.mockRestore();
  });

  it("finds a timer handler by feature name, bound to its feature", async () => {
    const feature = {
      name: "chat",
      fired: [] as string[],
      timer(key: string) {
        this.fired.push(key);
      },
    };
    const host = new FeatureHost();
    host.install([feature]);
    await host.timer("chat")?.("k1", null, 0);
    expect(feature.fired).toEqual(["k1"]);
    expect(host.timer("nobody")).toBeUndefined();
  });
});
