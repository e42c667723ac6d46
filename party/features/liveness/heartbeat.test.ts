import { runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { HEARTBEAT_TIMEOUT_MS } from "../../../protocol/index.ts";
import { join, roomStub } from "../../../test/workerd/helpers.ts";
import { staleSockets } from "./heartbeat.ts";
import type { ConnectionState } from "../../identity.ts";
import type { Room } from "../../room.ts";

describe("heartbeat", () => {
  it("finds sockets silent for longer than the timeout", () => {
    const seen = new Map([
      ["fresh", 1000],
      ["old", 1000 - HEARTBEAT_TIMEOUT_MS - 1],
      ["unknown", null],
    ]);
    expect(staleSockets(seen.keys(), (s) => seen.get(s) ?? null, 1000)).toEqual(["old"]);
  });

  it("answers ping with pong without a JSON error", async () => {
    const c = await join("r-ping", "pinger");
    c.ws.send("ping");
    await c.until(() => c.pongs === 1, "pong");
    expect(c.of("error")).toEqual([]);
  });

  it("keeps sweeping while the room is in use or a socket has gone quiet, and lets an idle room sleep", async () => {
    const fresh = await join("r-idle", "fresh");
    const quiet = await join("r-idle", "quiet");
    const stub = roomStub("r-idle");
    const now = Date.now();
    const inUse = await runInDurableObject(stub, (room: Room) => room.heartbeatTick(now));
    expect(inUse).toBe(now + HEARTBEAT_TIMEOUT_MS / 2);

    // Both joined 5 minutes ago and nobody wrote since; both still show signs of life (a frame now).
    fresh.send({ type: "typing" });
    quiet.send({ type: "typing" });
    await fresh.next("typing");
    await quiet.next("typing");
    const later = Date.now();
    const [idle, oneQuiet] = await runInDurableObject(stub, (room: Room) => {
      for (const conn of room.getConnections<ConnectionState>()) conn.setState({ ...conn.state!, connectedAt: later - 5 * 60_000 });
      const idle = room.heartbeatTick(later);
      // Then both go silent: 20 s later they are due to be checked when their timeout runs out.
      return [idle, room.heartbeatTick(later + 20_000)];
    });
    expect(idle).toBeNull();
    // Due one timeout (+1 s) after their last frame, which was just before `later`.
    expect(oneQuiet! - (later + HEARTBEAT_TIMEOUT_MS + 1000)).toBeGreaterThan(-1000);
    expect(oneQuiet!).toBeLessThanOrEqual(later + HEARTBEAT_TIMEOUT_MS + 1000);
  });

  it("closes sockets whose token expired with 4401", async () => {
    const c = await join("r-exp", "short");
    const stub = roomStub("r-exp");
    await runInDurableObject(stub, (room: Room) => room.sweep(Date.now() + 2 * 3600 * 1000));
    await c.until(() => c.closed, "close");
    expect(c.closed?.code).toBe(4401);
    expect(c.of("error").at(-1)).toMatchObject({ code: "expired" });
  });

  it("closes a socket that went silent (network loss) and announces the leave", async () => {
    const lost = await join("r-lost", "lost");
    const watcher = await join("r-lost", "watcher");
    const stub = roomStub("r-lost");
    await runInDurableObject(stub, (room: Room) => {
      // Simulate 60 s without a ping from "lost" by moving its first sign of life back.
      for (const conn of room.getConnections<ConnectionState>()) {
        if (conn.state?.user === "lost") conn.setState({ ...conn.state, connectedAt: Date.now() - 60_000 });
      }
      room.sweep(Date.now());
    });
    const diff = await watcher.until((f) => f.find((x) => x.type === "presence_diff" && x.left.includes("lost")), "leave");
    expect(diff).toBeTruthy();
    await lost.until(() => lost.closed, "closed");
    expect(watcher.closed).toBeNull();
  });
});
