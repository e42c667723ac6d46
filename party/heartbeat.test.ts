import { runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { HEARTBEAT_TIMEOUT_MS } from "../protocol/index.ts";
import { env, join } from "../test/workerd/helpers.ts";
import { staleSockets } from "./heartbeat.ts";
import type { ConnectionState } from "./identity.ts";
import type { Room } from "./room.ts";

describe("heartbeat", () => {
  it("finds sockets silent for longer than the timeout", () => {
    const seen = new Map([["fresh", 1000], ["old", 1000 - HEARTBEAT_TIMEOUT_MS - 1], ["unknown", null]]);
    expect(staleSockets(seen.keys(), (s) => seen.get(s) ?? null, 1000)).toEqual(["old"]);
  });

  it("answers ping with pong without a JSON error", async () => {
    const c = await join("r-ping", "pinger");
    c.ws.send("ping");
    await c.until(() => c.pongs === 1, "pong");
    expect(c.of("error")).toEqual([]);
  });

  it("keeps sweeping while the room is active and stops once it is idle, so idle rooms can hibernate", async () => {
    const a = await join("r-idle", "a");
    const stub = (env as unknown as { Room: DurableObjectNamespace<Room> }).Room.getByName("r-idle");
    const later = Date.now() + 10 * HEARTBEAT_TIMEOUT_MS;
    const [active, idle] = await runInDurableObject(stub, (room: Room) => {
      const active = room.heartbeatTick(Date.now());
      // The socket keeps answering pings (alive at `later`), but no frame, join or leave happens.
      for (const conn of room.getConnections<ConnectionState>()) conn.setState({ ...conn.state!, connectedAt: later });
      return [active, room.heartbeatTick(later)];
    });
    expect(active).toBe(true);
    expect(idle).toBe(false);
    expect(a.closed).toBeNull();
  });

  it("closes sockets whose token expired with 4401", async () => {
    const c = await join("r-exp", "short");
    const stub = (env as unknown as { Room: DurableObjectNamespace<Room> }).Room.getByName("r-exp");
    await runInDurableObject(stub, (room: Room) => room.sweep(Date.now() + 2 * 3600 * 1000));
    await c.until(() => c.closed, "close");
    expect(c.closed?.code).toBe(4401);
    expect(c.of("error").at(-1)).toMatchObject({ code: "expired" });
  });

  it("closes a socket that went silent (network loss) and announces the leave", async () => {
    const lost = await join("r-lost", "lost");
    const watcher = await join("r-lost", "watcher");
    const stub = (env as unknown as { Room: DurableObjectNamespace<Room> }).Room.getByName("r-lost");
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
