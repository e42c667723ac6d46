import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { ClientMessage } from "../../protocol/index.ts";
import type { ConnectionListener, RoomLink } from "./connection.ts";
import { PresenceController, TYPING_SEND_MS, TYPING_SHOW_MS } from "./presence.ts";

const host = () => ({ addController() {}, removeController() {}, requestUpdate: vi.fn(), updateComplete: Promise.resolve(true) });
/** A connection stand-in: records listeners and hands frames to `send`. */
const link = (send: (f: ClientMessage) => boolean = () => true, listeners: ConnectionListener[] = []): RoomLink => ({
  send,
  listen: (l) => (listeners.push(l), () => {}),
});

describe("presence and typing", () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it("tracks a snapshot and diffs, one entry per user, without the user themself", () => {
    const p = new PresenceController(host(), link());
    p.frame({
      type: "presence",
      online: [
        { user: "me", name: "Me" },
        { user: "b", name: "Bob" },
        { user: "b", name: "Bob" },
      ],
    });
    p.frame({ type: "presence_diff", joined: [{ user: "a", name: "Ann" }], left: [] });
    expect(p.others("me")).toEqual([
      { user: "a", name: "Ann" },
      { user: "b", name: "Bob" },
    ]);
    p.frame({ type: "presence_diff", joined: [], left: ["b"] });
    expect(p.others("me").map((o) => o.name)).toEqual(["Ann"]);
  });

  it("registers itself with the connection as a listener", () => {
    const listeners: ConnectionListener[] = [];
    const p = new PresenceController(host(), link(undefined, listeners));
    expect(listeners).toEqual([p]);
  });

  it("throttles outgoing typing frames", () => {
    const sent: ClientMessage[] = [];
    const p = new PresenceController(
      host(),
      link((f) => (sent.push(f), true)),
    );
    p.userTyped(1000);
    p.userTyped(1500);
    p.userTyped(1000 + TYPING_SEND_MS - 1);
    expect(sent).toHaveLength(1);
    p.userTyped(1000 + TYPING_SEND_MS);
    expect(sent).toHaveLength(2);
    p.userSent();
    p.userTyped(1000 + TYPING_SEND_MS + 10);
    expect(sent).toHaveLength(3);
  });

  it("shows others typing until the notice expires or their message arrives", () => {
    const h = host();
    const p = new PresenceController(h, link());
    p.frame({ type: "typing", user: "b", name: "Bob" });
    p.frame({ type: "typing", user: "me", name: "Me" });
    expect(p.typingNames("me")).toEqual(["Bob"]);
    vi.advanceTimersByTime(TYPING_SHOW_MS + 50);
    expect(p.typingNames("me")).toEqual([]);
    p.frame({ type: "typing", user: "b", name: "Bob" });
    p.frame({ type: "message", message: { seq: 1, id: "x", user: "b", name: "Bob", kind: "text", text: "hi", ts: 1 } });
    expect(p.typingNames("me")).toEqual([]);
  });
});
