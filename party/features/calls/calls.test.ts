// Issue 9: the room referees calls. Every transition, who hears what, timeouts, caps.
import { abortAllDurableObjects } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { CallState, ChatMessage } from "../../../protocol/index.ts";
import { api, connect, inboxIdle, join, sleep, token, type Client } from "../../../test/workerd/helpers.ts";

let seq = 0;
const callId = () => `call-${Date.now()}-${seq++}`;
const calls = (c: Client) => c.frames.flatMap((f) => (f.type === "call" ? [f.call] : []));
const phaseOf = (c: Client, id: string, phase: CallState["phase"]) =>
  c.until(() => calls(c).find((x) => x.callId === id && x.phase === phase), `${phase} of ${id}`);
const transcript = async (room: string) => ((await (await api(`/api/rooms/${room}/messages`)).json()) as { messages: ChatMessage[] }).messages;
const callEntries = async (room: string) => (await transcript(room)).filter((m) => m.kind === "call");

/** alice calls bob (from these sockets) and bob answers: the call is connecting on both. */
async function answered(a: Client, b: Client, kind: "audio" | "video" = "audio"): Promise<string> {
  const id = callId();
  a.send({ type: "call_start", callId: id, to: "bob", kind });
  await phaseOf(b, id, "ringing");
  b.send({ type: "call_accept", callId: id });
  await phaseOf(a, id, "connecting");
  return id;
}

async function pair(room: string, extraA: Record<string, unknown> = {}, extraB: Record<string, unknown> = {}) {
  const a = await joinWith(room, "alice", extraA);
  const b = await joinWith(room, "bob", extraB);
  return { a, b };
}

async function joinWith(room: string, user: string, extra: Record<string, unknown> = {}): Promise<Client> {
  const c = await connect(room, await token(user, [room], extra));
  if (typeof c === "number") throw new Error(`refused ${c}`);
  await c.next("history");
  return c;
}

describe("call flow", () => {
  it("rings, connects, relays signals in order to the other participant only, and hangs up into a call entry", async () => {
    const { a, b } = await pair("c-flow");
    const eve = await join("c-flow", "eve");
    const id = callId();
    a.send({ type: "call_start", callId: id, to: "bob", kind: "video" });
    const ringing = await phaseOf(b, id, "ringing");
    expect(ringing).toMatchObject({ kind: "video", caller: { user: "alice" }, callee: { user: "bob" }, offerer: "alice", relay: false });
    expect(await phaseOf(a, id, "ringing")).toBeTruthy();
    b.send({ type: "call_accept", callId: id });
    await phaseOf(a, id, "connecting");
    await phaseOf(b, id, "connecting");
    for (let i = 0; i < 30; i++) a.send({ type: "call_signal", callId: id, n: i, signal: { candidate: `c${i}` } });
    b.send({ type: "call_signal", callId: id, n: 0, signal: { type: "answer" } });
    await b.until((f) => f.filter((x) => x.type === "call_signal").length === 30, "30 signals");
    // Each exactly once, with the sender's numbering intact (the receiver applies them by n).
    const relayed = b.of("call_signal").sort((x, y) => x.n - y.n);
    expect(relayed.map((s) => [s.n, s.signal.candidate])).toEqual(Array.from({ length: 30 }, (_, i) => [i, `c${i}`]));
    expect((await a.next("call_signal")).signal).toEqual({ type: "answer" });
    a.send({ type: "call_connected", callId: id });
    const connected = await phaseOf(b, id, "connected");
    expect(connected.connectedAt).toBeGreaterThan(0);
    await sleep(1100);
    b.send({ type: "call_hangup", callId: id });
    const ended = await phaseOf(a, id, "ended");
    expect(ended.reason).toBe("hangup");
    expect(ended.durationMs).toBeGreaterThanOrEqual(1000);
    // Nobody else saw the call or its signals.
    expect(eve.frames.filter((f) => f.type === "call" || f.type === "call_signal")).toEqual([]);
    const [entry] = await callEntries("c-flow");
    expect(entry).toMatchObject({
      kind: "call",
      user: "alice",
      id: `call:${id}`,
      data: { callId: id, kind: "video", outcome: "hangup", callee: { user: "bob", name: "bob name" } },
    });
    expect(entry!.text).toMatch(/^Video call · 0:0[1-2]$/);
    // Everyone sees the entry live.
    await eve.until((f) => f.find((x) => x.type === "message" && x.message.kind === "call"), "call entry");
  });

  it.each([
    ["declined", (a: Client, b: Client, id: string) => b.send({ type: "call_decline", callId: id })],
    ["cancelled", (a: Client, _b: Client, id: string) => a.send({ type: "call_hangup", callId: id })],
  ])("ends %s", async (reason, act) => {
    const room = `c-${reason}`;
    const { a, b } = await pair(room);
    const id = callId();
    a.send({ type: "call_start", callId: id, to: "bob", kind: "audio" });
    await phaseOf(b, id, "ringing");
    act(a, b, id);
    expect((await phaseOf(a, id, "ended")).reason).toBe(reason);
    expect((await phaseOf(b, id, "ended")).reason).toBe(reason);
    expect((await callEntries(room))[0]!.text).toBe(`${reason === "declined" ? "Declined" : "Cancelled"} voice call`);
  });

  it("ends missed when nobody answers within the ring timeout, and failed when media never connects", async () => {
    const { a, b } = await pair("c-timeouts");
    const missed = callId();
    a.send({ type: "call_start", callId: missed, to: "bob", kind: "video" });
    await phaseOf(b, missed, "ringing");
    expect((await a.until(() => calls(a).find((x) => x.callId === missed && x.phase === "ended"), "missed", 6000)).reason).toBe("missed");
    const failed = callId();
    a.send({ type: "call_start", callId: failed, to: "bob", kind: "audio" });
    await phaseOf(b, failed, "ringing");
    b.send({ type: "call_accept", callId: failed });
    expect((await b.until(() => calls(b).find((x) => x.callId === failed && x.phase === "ended"), "failed", 6000)).reason).toBe("failed");
    expect((await callEntries("c-timeouts")).map((e) => e.text)).toEqual(["Missed video call", "Failed voice call"]);
  });

  it("rings every tab of the callee; the first accept wins, the others stop; a second accept is refused", async () => {
    const a = await joinWith("c-tabs", "alice");
    const b1 = await joinWith("c-tabs", "bob");
    const b2 = await joinWith("c-tabs", "bob");
    const id = callId();
    a.send({ type: "call_start", callId: id, to: "bob", kind: "audio" });
    await phaseOf(b1, id, "ringing");
    await phaseOf(b2, id, "ringing");
    b2.send({ type: "call_accept", callId: id });
    await phaseOf(b2, id, "connecting");
    expect((await phaseOf(b1, id, "ended")).reason).toBe("answered_elsewhere");
    b1.send({ type: "call_accept", callId: id });
    expect((await b1.next("error")).code).toBe("already_answered");
    // The tab that did not answer may not signal into the call.
    b1.send({ type: "call_signal", callId: id, n: 0, signal: { x: 1 } });
    await b1.until((f) => f.filter((x) => x.type === "error").length === 2, "second error");
    expect(b1.of("error")[1]!.code).toBe("not_participant");
    expect(a.of("call_signal")).toEqual([]);
  });

  it("refuses signals from non-participants and for unknown calls; ends busy when the callee is in a call", async () => {
    const a = await joinWith("c-refuse", "alice");
    const b = await joinWith("c-refuse", "bob");
    const c = await joinWith("c-refuse", "carol");
    const id = await answered(a, b);
    c.send({ type: "call_signal", callId: id, n: 0, signal: { sneaky: true } });
    expect((await c.next("error")).code).toBe("not_participant");
    c.send({ type: "call_signal", callId: "no-such-call-1", n: 0, signal: {} });
    await c.until((f) => f.filter((x) => x.type === "error").length === 2, "second error");
    expect(c.of("error")[1]!.code).toBe("call_not_found");
    const busy = callId();
    c.send({ type: "call_start", callId: busy, to: "bob", kind: "video" });
    expect((await phaseOf(c, busy, "ended")).reason).toBe("busy");
    expect(calls(b).some((x) => x.callId === busy)).toBe(false);
  });

  it("ends the call for the other side at once when a participant's socket closes", async () => {
    const { a, b } = await pair("c-close");
    const id = await answered(a, b);
    b.close();
    expect((await phaseOf(a, id, "ended")).reason).toBe("hangup");
  });

  it("keeps ring and connect timeouts across a restart of the room", async () => {
    const { a, b } = await pair("c-restart");
    const id = callId();
    a.send({ type: "call_start", callId: id, to: "bob", kind: "video" });
    await phaseOf(b, id, "ringing");
    await inboxIdle("c-restart");
    await abortAllDurableObjects();
    // No socket survives the restart, so only the durable ring timer can end it.
    await sleep(2500);
    const entries = await callEntries("c-restart");
    expect(entries.map((e) => (e.data as { outcome: string }).outcome)).toEqual(["missed"]);
  });
});

describe("call caps (call_seconds)", () => {
  it("absent = no limit: no limitAt", async () => {
    const { a, b } = await pair("c-cap-none");
    const id = await answered(a, b);
    a.send({ type: "call_connected", callId: id });
    expect((await phaseOf(a, id, "connected")).limitAt).toBeUndefined();
  });

  it("0 = may not start, and is not rung", async () => {
    const a = await joinWith("c-cap-zero", "alice", { call_seconds: 0 });
    const b = await joinWith("c-cap-zero", "bob");
    a.send({ type: "call_start", callId: callId(), to: "bob", kind: "audio" });
    expect((await a.next("error")).code).toBe("call_not_allowed");
    b.send({ type: "call_start", callId: callId(), to: "alice", kind: "audio" });
    expect((await b.next("error")).code).toBe("call_not_allowed");
    expect(calls(a)).toEqual([]);
  });

  it("N = the room ends the call with reason limit after N seconds of media (the shorter of the two caps)", async () => {
    const { a, b } = await pair("c-cap-n", { call_seconds: 100 }, { call_seconds: 1 });
    const id = callId();
    a.send({ type: "call_start", callId: id, to: "bob", kind: "video" });
    await phaseOf(b, id, "ringing");
    b.send({ type: "call_accept", callId: id });
    await phaseOf(a, id, "connecting");
    b.send({ type: "call_connected", callId: id });
    const connected = await phaseOf(a, id, "connected");
    expect(connected.limitAt! - connected.connectedAt!).toBe(1000);
    const ended = await a.until(() => calls(a).find((x) => x.callId === id && x.phase === "ended"), "limit", 5000);
    expect(ended.reason).toBe("limit");
    expect((await phaseOf(b, id, "ended")).reason).toBe("limit");
  });
});
