import { abortAllDurableObjects, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { JOIN_PAGE_SIZE, type ChatMessage } from "../protocol/index.ts";
import { api, join, roomStub, sleep } from "../test/workerd/helpers.ts";
import type { Room } from "./room.ts";

const transcript = async (room: string, q = "") => ((await (await api(`/api/rooms/${room}/messages${q}`)).json()) as { messages: ChatMessage[] }).messages;

/** Stores n messages directly, as if many users had written them (the per-socket rate limit is tested separately). */
async function seed(room: string, n: number) {
  await runInDurableObject(roomStub(room), (instance: Room) => {
    for (let i = 0; i < n; i++)
      instance.messages.append({ user: "seed", name: "Seed", id: `seed-${String(i).padStart(6, "0")}`, kind: "text", text: `message ${i}` }, Date.now());
  });
}

describe("write → ack → broadcast", () => {
  it("acks the sender, broadcasts to the others, and stamps the author from the token", async () => {
    const a = await join("r-chat", "alice");
    const b = await join("r-chat", "bob");
    a.send({ type: "send", id: "msg-000001", text: "hello", user: "bob", name: "Bob (forged)" });
    const ack = await a.next("ack");
    expect(ack).toMatchObject({ id: "msg-000001", seq: 1 });
    const { message } = await b.next("message");
    expect(message).toEqual({ seq: 1, id: "msg-000001", user: "alice", name: "alice name", kind: "text", text: "hello", ts: ack.ts });
    await sleep(50);
    expect(a.of("message")).toHaveLength(0); // the sender learns of its own message by the ack
    expect(await transcript("r-chat")).toEqual([message]);
  });

  it("is idempotent: a resend of the same id stores nothing and gets the original ack", async () => {
    const a = await join("r-idem", "alice");
    const b = await join("r-idem", "bob");
    a.send({ type: "send", id: "same-id-01", text: "once" });
    const first = await a.next("ack");
    a.send({ type: "send", id: "same-id-01", text: "once" });
    await a.until((f) => f.filter((x) => x.type === "ack").length === 2, "second ack");
    expect(a.of("ack")[1]).toEqual(first);
    await sleep(100);
    expect(b.of("message")).toHaveLength(1);
    expect(await transcript("r-idem")).toHaveLength(1);
  });

  it("keeps one user's ids apart from another's", async () => {
    const a = await join("r-ids", "alice");
    const b = await join("r-ids", "bob");
    a.send({ type: "send", id: "shared-id1", text: "from alice" });
    await a.next("ack");
    b.send({ type: "send", id: "shared-id1", text: "from bob" });
    expect((await b.next("ack")).seq).toBe(2);
  });

  it("keeps acknowledged messages across a restart of the room", async () => {
    const a = await join("r-restart", "alice");
    a.send({ type: "send", id: "before-restart", text: "durable?" });
    await a.next("ack");
    // Let the inbox's flush (a durable timer the entry set off) finish first: aborting the objects while
    // that alarm runs leaves the vitest workers pool hanging at the end of the file (seen here; cause not
    // found). What this test checks is the entry, not the inbox's restart mid-flush (its INFLIGHT timer).
    const inboxPending = () => runInDurableObject(roomStub("r-restart"), (room: Room) => room.probe().timers.some((t) => t.key.startsWith("inbox:")));
    for (let i = 0; i < 100 && (await inboxPending()); i++) await sleep(50);
    await abortAllDurableObjects();
    const again = await join("r-restart", "alice");
    const page = again.of("history")[0]!;
    expect(page.messages.map((m) => m.text)).toEqual(["durable?"]);
    expect(again.of("welcome")[0]!.lastSeq).toBe(1);
  });
});

describe("history and resume", () => {
  it("sends the latest JOIN_PAGE_SIZE on join and older pages on request, oldest first", async () => {
    await seed("r-hist", 120);
    const c = await join("r-hist", "reader");
    const latest = c.of("history")[0]!;
    const first = 120 - JOIN_PAGE_SIZE + 1;
    expect(latest.before).toBeNull();
    expect(latest.messages.map((m) => m.seq)).toEqual(range(first, 120));
    expect(latest.hasMore).toBe(true);
    c.send({ type: "history", before: first, limit: 60 });
    const older = await c.next("history", c.frames.indexOf(latest) + 1);
    expect(older.messages.map((m) => m.seq)).toEqual(range(first - 60, first - 1));
    expect(older.hasMore).toBe(true);
    // Without a limit a scroll-up page is HISTORY_PAGE_SIZE, the rest here.
    c.send({ type: "history", before: first - 60 });
    const oldest = await c.until((f) => f.filter((x) => x.type === "history")[2], "third page");
    expect(oldest).toMatchObject({ hasMore: false });
    expect(oldest.type === "history" && oldest.messages.map((m) => m.seq)).toEqual(range(1, first - 61));
  });

  it("keeps the join frame (welcome, presence, reads, first page) of a room with 50 messages under 3 KB", async () => {
    // Issue 14's budget for a crowd joining: the one v2 frame as sent, 100-character messages.
    await runInDurableObject(roomStub("r-join-bytes"), (instance: Room) => {
      for (let i = 0; i < 50; i++)
        instance.messages.append(
          { user: "seller-1", name: "A Seller", id: `seed-${String(i).padStart(6, "0")}`, kind: "text", text: "x".repeat(100) },
          Date.now(),
        );
    });
    const c = await join("r-join-bytes", "buyer");
    expect(c.raw).toHaveLength(1);
    expect(JSON.parse(c.raw[0]!)).toMatchObject({ type: "joined" });
    expect(c.of("history")[0]!.messages).toHaveLength(JOIN_PAGE_SIZE);
    expect(new TextEncoder().encode(c.raw[0]!).length).toBeLessThanOrEqual(3 * 1024);
  });

  it("resumes from a sequence with exactly the missed messages, in pages", async () => {
    await seed("r-resume", 450);
    const c = await join("r-resume", "resumer", { since: "100" });
    expect(c.of("history")).toHaveLength(0);
    const got: number[] = [];
    let page = c.of("sync")[0]!;
    for (;;) {
      got.push(...page.messages.map((m) => m.seq));
      if (!page.more) break;
      const count = c.of("sync").length;
      c.send({ type: "sync", since: got.at(-1)! });
      page = (await c.until((f) => f.filter((x) => x.type === "sync")[count], "next sync page")) as typeof page;
    }
    expect(got).toEqual(range(101, 450));
  });

  it("gives the latest page instead of a resume from a sequence the room never had", async () => {
    await seed("r-future", 3);
    const c = await join("r-future", "x", { since: "999" });
    expect(c.of("history")[0]!.messages.map((m) => m.seq)).toEqual([1, 2, 3]);
  });
});

describe("bad input costs only its sender", () => {
  it.each([
    ["non-JSON", "{oops", "bad_json"],
    ["unknown type", { type: "shout" }, "unknown_type"],
    ["missing fields", { type: "send", id: "abcdefgh" }, "invalid_message"],
    ["bad id", { type: "send", id: "x", text: "hi" }, "invalid_message"],
    ["text over the limit", { type: "send", id: "too-long-1", text: "가".repeat(4001) }, "text_too_long"],
    ["empty text", { type: "send", id: "empty-0001", text: "  " }, "empty_text"],
    ["oversize frame", JSON.stringify({ type: "send", id: "huge-00001", text: "x".repeat(30_000) }), "frame_too_large"],
  ])("%s → error frame, nothing stored", async (label, frame, code) => {
    const room = `r-bad-${label.replace(/[^a-z]/gi, "")}`;
    const a = await join(room, "alice");
    const b = await join(room, "bob");
    a.send(frame);
    expect(await a.next("error")).toMatchObject({ code });
    b.send({ type: "send", id: "bob-is-fine", text: "still here" });
    await b.next("ack");
    await a.next("message");
    expect((await transcript(room)).map((m) => m.user)).toEqual(["bob"]);
  });

  it("binary frames are refused", async () => {
    const a = await join("r-binary", "alice");
    a.ws.send(new Uint8Array([1, 2, 3]));
    expect(await a.next("error")).toMatchObject({ code: "binary_frame" });
    expect(await transcript("r-binary")).toEqual([]);
  });

  it("rate limits a fast sender with a retry hint, then disconnects a flood; others are unaffected", async () => {
    const a = await join("r-flood", "alice");
    const b = await join("r-flood", "bob");
    for (let i = 0; i < 25; i++) a.send({ type: "send", id: `burst-${String(i).padStart(4, "0")}`, text: `m${i}` });
    await a.until((f) => f.filter((x) => x.type === "ack" || x.type === "error").length >= 25, "25 answers");
    const acks = a.of("ack");
    const limited = a.of("error").filter((e) => e.code === "rate_limited");
    expect(acks.length).toBeGreaterThanOrEqual(20);
    expect(acks.length).toBeLessThan(25);
    expect(limited.length).toBe(25 - acks.length);
    expect(limited[0]!.retryAfterMs).toBeGreaterThan(0);
    expect(limited[0]!.id).toMatch(/^burst-/);
    for (let i = 0; i < 200 && !a.closed; i++) a.send({ type: "typing" });
    await a.until(() => a.closed, "flood close");
    expect(a.closed?.code).toBe(4429);
    b.send({ type: "send", id: "bob-after-flood", text: "fine" });
    expect(await b.next("ack")).toMatchObject({ seq: acks.length + 1 });
  });
});

const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);
