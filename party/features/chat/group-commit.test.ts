import { describe, expect, it } from "vitest";
import type { ChatMessage } from "../../../protocol/index.ts";
import { join } from "../../../test/workerd/helpers.ts";
import { GroupCommit } from "./group-commit.ts";

describe("GroupCommit", () => {
  it("writes the first item at once and batches the ones that arrive during its sync", async () => {
    const batches: number[][] = [];
    let release!: () => void;
    const syncs: Promise<void>[] = [];
    const gc = new GroupCommit<number>(
      () => {
        const p = new Promise<void>((r) => (release = r));
        syncs.push(p);
        return p;
      },
      (batch) => batches.push(batch),
    );
    gc.push(1);
    expect(batches).toEqual([[1]]);
    gc.push(2);
    gc.push(3);
    expect(batches).toEqual([[1]]);
    expect(gc.waiting).toBe(2);
    release();
    await syncs[0];
    await Promise.resolve();
    expect(batches).toEqual([[1], [2, 3]]);
    release();
    await syncs[1];
    gc.push(4);
    await Promise.resolve();
    expect(batches).toEqual([[1], [2, 3], [4]]);
  });
});

describe("concurrent senders", () => {
  it("deliver every message once, in seq order, and never echo a sender's own message", async () => {
    const listener = await join("r-concurrent", "listener");
    const senders = await Promise.all([0, 1, 2, 3, 4].map((i) => join("r-concurrent", `s${i}`)));
    const perSender = 4; // stays inside the per-connection burst
    senders.forEach((s, i) => {
      for (let k = 0; k < perSender; k++) s.send({ type: "send", id: `c-${i}-${k}-xxxx`, text: `${i}/${k}` });
    });
    const total = senders.length * perSender;
    const received = (c: typeof listener): ChatMessage[] =>
      c.frames.flatMap((f) => (f.type === "message" ? [f.message] : f.type === "messages" ? f.messages : []));
    await listener.until(() => received(listener).length === total, `${total} messages`);
    expect(received(listener).map((m) => m.seq)).toEqual(Array.from({ length: total }, (_, i) => i + 1));
    for (const [i, s] of senders.entries()) {
      await s.until((f) => f.filter((x) => x.type === "ack").length === perSender, "acks");
      expect(received(s).some((m) => m.user === `s${i}`)).toBe(false);
    }
  });
});
