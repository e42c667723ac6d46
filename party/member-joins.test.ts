import { abortAllDurableObjects, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { inboxIdle, join, roomStub, sleep } from "../test/workerd/helpers.ts";
import { JOIN_WRITE_DELAY_MS } from "./member-joins.ts";
import type { RoomFeature } from "./feature.ts";
import type { Room } from "./room.ts";

const inRoom = <T>(room: string, fn: (r: Room) => T) => runInDurableObject(roomStub(room), (r: Room) => fn(r));
/** The room's durable timers, by key. */
const timerKeys = (r: Room) =>
  (r as unknown as { ctx: DurableObjectState }).ctx.storage.sql
    .exec<{ key: string }>("SELECT key FROM timers")
    .toArray()
    .map((t) => t.key);
/** Who the webhooks feature has reported as members: written by the `changed("members")` the write raises. */
const reported = (r: Room, user: string) =>
  (r as unknown as { ctx: DurableObjectState }).ctx.storage.sql.exec("SELECT 1 FROM webhook_members WHERE user = ?", user).toArray().length === 1;

describe("a new member's row, written after the socket is accepted", () => {
  it("waits for the window (or the next event), then is written once with its announcement in the same turn", async () => {
    await inRoom("r-mj-window", (r) => {
      r.joins.add("zed", "Zed", "member", 1_000, null);
      // Admission already sees the waiting member; the table and the features do not yet.
      expect(r.joins.get("zed")).toMatchObject({ user: "zed", name: "Zed", role: "member", joinedAt: 1_000 });
      expect(r.members.get("zed")).toBeNull();
      expect(reported(r, "zed")).toBe(false);
      expect(r.joins.count()).toBe(r.members.count() + 1);
    });
    await sleep(JOIN_WRITE_DELAY_MS + 100);
    await inRoom("r-mj-window", (r) => {
      expect(r.members.get("zed")).toMatchObject({ name: "Zed", joinedAt: 1_000 });
      expect(reported(r, "zed")).toBe(true);
      expect(r.joins.size).toBe(0);
    });
  });

  it("a socket's join is on the table before anything the member sends is handled (a read right away is kept)", async () => {
    const a = await join("r-mj-read", "alice");
    a.send({ type: "send", id: "first-msg-1", text: "hello" });
    await a.next("ack");
    const b = await join("r-mj-read", "bob");
    // Sent at once after the join frames: the waiting row must be written before the read is applied.
    b.send({ type: "read", seq: 1 });
    await b.next("reads", b.frames.findIndex((f) => f.type === "history") + 1);
    await inRoom("r-mj-read", (r) => expect(r.members.get("bob")).toMatchObject({ lastRead: 1 }));
  });

  it("counts waiting first joins against maxMembers, and admits a waiting member again", async () => {
    await inRoom("r-mj-full", (r) => {
      r.configure({ maxMembers: 2 }, undefined);
      r.joins.add("m1", "M1", "member", Date.now(), null);
      r.joins.add("m2", "M2", "member", Date.now(), null);
      expect(r.members.count()).toBe(0);
      expect(r.admit({ user: "m3", role: "member" })?.code).toBe("room_full");
      expect(r.admit({ user: "m1", role: "member" })).toBeNull();
      // A second tab of a waiting member is not a second member.
      r.joins.add("m1", "M1", "member", Date.now(), r.joins.get("m1"));
      expect(r.joins.count()).toBe(2);
    });
  });

  it("a rename of a stored member is written and announced; an unchanged rejoin writes nothing", async () => {
    await inRoom("r-mj-rename", (r) => {
      r.members.upsert("ann", "Ann", "member", 5);
      r.joins.add("ann", "Ann", "member", 10, r.members.get("ann"));
      expect(r.joins.size).toBe(0);
      r.joins.add("ann", "Ann B.", "member", 10, r.members.get("ann"));
      expect(r.joins.count()).toBe(1); // a known member renamed is not a new one
      r.joins.flush();
      expect(r.members.get("ann")).toMatchObject({ name: "Ann B.", joinedAt: 5 });
    });
  });

  it("writes a join's sweep timer with the rows, not in the accept's turn, even when no row waits", async () => {
    await inRoom("r-mj-sweep", (r) => {
      const timers = () => timerKeys(r);
      const liveness = (r as unknown as { features: { liveness: RoomFeature } }).features.liveness;
      // A known member's rejoin: no row to write, yet the join needs the room's heartbeat sweep.
      liveness.join?.(undefined as never, undefined as never, undefined as never);
      expect(r.joins.size).toBe(0);
      expect(timers()).not.toContain("liveness:sweep");
      r.joins.flush();
      expect(timers()).toContain("liveness:sweep");
    });
  });

  it("a crash before the write loses the row and its announcement together; the reconnect restores both", async () => {
    // Every other room's inbox flush first: aborting objects mid-flush hangs the pool (see inboxIdle).
    for (const room of ["r-mj-window", "r-mj-read", "r-mj-full", "r-mj-rename"]) await inboxIdle(room);
    await inRoom("r-mj-crash", (r) => r.joins.add("carol", "carol name", "member", Date.now(), null));
    await abortAllDurableObjects();
    await inRoom("r-mj-crash", (r) => {
      expect(r.members.get("carol")).toBeNull();
      expect(reported(r, "carol")).toBe(false);
    });
    const c = await join("r-mj-crash", "carol");
    c.send({ type: "typing" });
    await sleep(50);
    await inRoom("r-mj-crash", (r) => {
      expect(r.members.get("carol")).toMatchObject({ name: "carol name" });
      expect(reported(r, "carol")).toBe(true);
    });
  });
});
