import { abortAllDurableObjects, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { ProbeFired } from "./features/probe/index.ts";
import { api, inboxIdle, join, roomStub, sleep } from "../test/workerd/helpers.ts";
import type { Room } from "./room.ts";
import type { TimerRow } from "./timers.ts";
import { retryDelay } from "./timers.ts";

type Probed = { fired: ProbeFired[]; timers: TimerRow[] };

async function setTimer(room: string, key: string, inMs: number, fail = 0): Promise<Probed> {
  const res = await api(`/api/_test/rooms/${room}/timers`, { method: "POST", body: JSON.stringify({ key, in_ms: inMs, fail }) });
  expect(res.status).toBe(200);
  return (await res.json()) as Probed;
}

async function probed(room: string): Promise<Probed> {
  return (await (await api(`/api/_test/rooms/${room}/timers`)).json()) as Probed;
}

/** Polls until `pred` holds (timers fire from the runtime's alarm, not from the test). */
async function eventually<T>(what: string, read: () => Promise<T>, pred: (v: T) => boolean, ms = 10_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await read();
    if (pred(v)) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(v)}`);
    await sleep(100);
  }
}

describe("durable timers", () => {
  it("fires two timers due at different times, each at or after its time, in order", async () => {
    const setAt = Date.now();
    await setTimer("t-two", "late", 900);
    await setTimer("t-two", "early", 300);
    const { fired, timers } = await eventually(
      "both timers",
      () => probed("t-two"),
      (p) => p.fired.length === 2,
    );
    const byKey = Object.fromEntries(fired.map((f) => [f.key, f]));
    expect(byKey.early!.at - setAt).toBeGreaterThanOrEqual(300);
    expect(byKey.late!.at - setAt).toBeGreaterThanOrEqual(900);
    expect(byKey.early!.at).toBeLessThan(byKey.late!.at);
    expect(timers).toEqual([]);
    // Nothing left to run: the alarm is off, so an idle room can hibernate.
    expect(await runInDurableObject(roomStub("t-two"), (_room: Room, state) => state.storage.getAlarm())).toBeNull();
  });

  it("retries a throwing timer with backoff until it succeeds (never drops it)", async () => {
    await setTimer("t-throw", "flaky", 0, 2);
    const { fired } = await eventually(
      "the third run",
      () => probed("t-throw"),
      (p) => p.fired.length === 1,
      retryDelay(1) + retryDelay(2) + 5000,
    );
    expect(fired[0]).toMatchObject({ key: "flaky", attempts: 2 });
  });

  it("keeps the heartbeat sweep and another feature's timer side by side", async () => {
    const c = await join("t-both", "alice");
    const before = await setTimer("t-both", "other", 400);
    // (The join also made a member, whose inbox update may still be in flight: not this test's business.)
    expect(
      before.timers
        .map((t) => t.key)
        .filter((k) => !k.startsWith("inbox:"))
        .sort(),
    ).toEqual(["liveness:sweep", "probe:other"]);
    const after = await eventually(
      "the probe timer",
      () => probed("t-both"),
      (p) => p.fired.length === 1,
    );
    // The sweep (due later) is still scheduled, and still runs: setting another timer did not cancel it.
    // (The inbox may still hold the joiner's row in a timer of its own, due sooner.)
    expect(after.timers.map((t) => t.key).filter((k) => !k.startsWith("inbox:"))).toEqual(["liveness:sweep"]);
    const earliest = Math.min(...after.timers.map((t) => t.due));
    expect(await runInDurableObject(roomStub("t-both"), (_room: Room, state) => state.storage.getAlarm())).toBe(earliest);
    c.close();
    // The close sends alice's held inbox row: let that flush end before the next test aborts every object.
    await inboxIdle("t-both");
  });

  it("fires a timer set before the room's object was restarted", async () => {
    await setTimer("t-restart", "survivor", 800);
    await abortAllDurableObjects();
    const { fired } = await eventually(
      "the timer after the restart",
      () => probed("t-restart"),
      (p) => p.fired.length === 1,
    );
    expect(fired[0]!.key).toBe("survivor");
  });

  it("re-arms the alarm on wake when rows exist but the alarm was lost", async () => {
    await setTimer("t-rearm", "orphan", 60_000);
    await runInDurableObject(roomStub("t-rearm"), (_room: Room, state) => state.storage.deleteAlarm());
    await abortAllDurableObjects();
    const { timers } = await probed("t-rearm");
    expect(await runInDurableObject(roomStub("t-rearm"), (_room: Room, state) => state.storage.getAlarm())).toBe(timers[0]!.due);
  });

  it("moves the alarm to the earliest row as timers are set and cleared", async () => {
    const now = Date.now() + 60_000;
    const alarms = await runInDurableObject(roomStub("t-arm"), async (room: Room, state) => {
      const seen: (number | null)[] = [];
      room.timers.set("probe:a", now + 5000);
      seen.push(await state.storage.getAlarm());
      room.timers.set("probe:b", now + 1000);
      seen.push(await state.storage.getAlarm());
      room.timers.clear("probe:b");
      seen.push(await state.storage.getAlarm());
      room.timers.clear("probe:a");
      seen.push(await state.storage.getAlarm());
      return seen;
    });
    expect(alarms).toEqual([now + 5000, now + 1000, now + 5000, null]);
  });
});
