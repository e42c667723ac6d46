// Issue 8: limits that reconnecting cannot reset, floods that are really cut off.
import { describe, expect, it } from "vitest";
import { api, connect, env, join, sleep, token, type Client } from "../test/workerd/helpers.ts";
import type { User } from "./user.ts";
import { RefusalWindow, TokenBucket } from "./rate-limit.ts";

const answered = (c: Client) => c.frames.filter((f) => f.type === "ack" || (f.type === "error" && f.code === "rate_limited")).length;

describe("per-user budget", () => {
  it("is one budget for all of a user's sockets: 5 sockets together get the burst once", async () => {
    const tok = await token("multi", ["r-multi"]);
    const sockets: Client[] = [];
    for (let i = 0; i < 5; i++) {
      const c = await connect("r-multi", tok);
      if (typeof c === "number") throw new Error(`refused ${c}`);
      await c.next("history");
      sockets.push(c);
    }
    // 8 sends from each of 5 sockets = 40, twice the burst of 20.
    sockets.forEach((c, i) => {
      for (let k = 0; k < 8; k++) c.send({ type: "send", id: `multi-${i}-${k}-xxxx`, text: `${i}/${k}` });
    });
    for (const c of sockets) await c.until(() => answered(c) === 8, "8 answers");
    const acks = sockets.reduce((n, c) => n + c.of("ack").length, 0);
    // The burst plus what refilled while the frames were in flight (5/s), never 5 bursts.
    expect(acks).toBeGreaterThanOrEqual(20);
    expect(acks).toBeLessThan(25);
    for (const c of sockets) expect(c.closed).toBeNull();
  });

  it("reconnecting does not refill it", async () => {
    const tok = await token("hopper", ["r-hop"]);
    let acks = 0;
    for (let round = 0; round < 3; round++) {
      const c = await connect("r-hop", tok);
      if (typeof c === "number") throw new Error(`refused ${c}`);
      await c.next("history");
      for (let k = 0; k < 10; k++) c.send({ type: "send", id: `hop-${round}-${k}-xxxx`, text: "x" });
      await c.until(() => answered(c) === 10, "10 answers");
      acks += c.of("ack").length;
      c.close();
    }
    expect(acks).toBeLessThan(25);
  });
});

describe("flood detection over a window", () => {
  it("closes a user sending at 2× the allowance for 10 s and refuses their reconnect during the cool-down", async () => {
    const flooder = await join("r-2x", "flooder");
    const other = await join("r-2x", "bystander");
    const started = Date.now();
    let k = 0;
    // 10 frames/s against 5/s allowed.
    while (!flooder.closed && Date.now() - started < 12_000) {
      flooder.send({ type: "send", id: `twice-${String(k++).padStart(5, "0")}`, text: "spam" });
      await sleep(100);
    }
    expect(flooder.closed?.code).toBe(4429);
    expect(Date.now() - started).toBeLessThanOrEqual(10_500);
    // The user's object knows, so the Worker refuses reconnects without waking the room.
    const users = (env as unknown as { User: DurableObjectNamespace<User> }).User;
    expect((await users.getByName("flooder").admit("r-2x", Math.floor(Date.now() / 1000))).retryAfterMs).toBeGreaterThan(0);
    // At the door: refused while cooling down, with the reason and when to come back.
    const tok = await token("flooder", ["r-2x"]);
    expect(await connect("r-2x", tok)).toBe(429);
    const session = await api(`/api/session?room=r-2x`, { key: tok });
    expect(session.status).toBe(429);
    expect(Number(session.headers.get("Retry-After"))).toBeGreaterThan(0);
    expect(((await session.json()) as { error: { code: string } }).error.code).toBe("rate_limited");
    // Others never noticed.
    other.send({ type: "send", id: "bystander-1", text: "fine" });
    await other.next("ack");
    expect(other.closed).toBeNull();
    // The cool-down ends (3 s in the tests' config).
    await sleep(3200);
    const back = await connect("r-2x", tok);
    expect(typeof back).not.toBe("number");
  });

  it("never closes a burst within the allowance, then a steady sender at the allowed rate", async () => {
    const c = await join("r-steady", "steady");
    for (let k = 0; k < 20; k++) c.send({ type: "send", id: `burst-${String(k).padStart(5, "0")}`, text: "b" });
    await c.until(() => c.of("ack").length === 20, "20 acks");
    for (let k = 0; k < 20; k++) {
      await sleep(210);
      c.send({ type: "send", id: `steady-${String(k).padStart(5, "0")}`, text: "s" });
    }
    await c.until(() => answered(c) === 40, "40 answers");
    expect(c.closed).toBeNull();
    expect(c.of("error").filter((e) => e.code === "rate_limited").length).toBeLessThanOrEqual(2);
  });

  it("counts refusals in a sliding window, not a streak between refills", () => {
    const w = new RefusalWindow(10_000);
    let n = 0;
    for (let t = 0; t < 10_000; t += 200) n = w.add(t);
    expect(n).toBe(50);
    expect(w.add(25_000)).toBe(1);
    const b = new TokenBucket(5, 20, 0);
    for (let i = 0; i < 20; i++) expect(b.take(0)).toBe(0);
    expect(b.take(0)).toBe(200);
    expect(b.take(200)).toBe(0);
  });
});
