// Web push (issue 12): entry stored → push request received by a local push service, over one message
// in each of N rooms whose other member is offline with one subscribed device; and the sender's ack
// latency with push on vs off (a second server with PUSH_ENABLED=false), in the same run.
// The push service here only timestamps and answers 201: the encryption is checked by the tests
// (party/notify, test/browser/push.e2e.ts), not timed.
import { createECDH, randomBytes } from "node:crypto";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { BenchClient, closeAll, messageText, openMany } from "../lib/clients.mjs";
import { sleep } from "../lib/proc.mjs";
import { fmt, percentiles, printTable } from "../lib/stats.mjs";
import { startSink } from "../lib/push-sink.mjs";
import { devVars, startOurs } from "../lib/targets.mjs";

/** Longer than workerd keeps an idle object in memory. */
const SETTLE_S = 15;

/** A device's keys as a browser makes them (the private half is not needed: nothing is decrypted here). */
function deviceKeys() {
  const ecdh = createECDH("prime256v1");
  ecdh.generateKeys();
  return { p256dh: ecdh.getPublicKey().toString("base64url"), auth: randomBytes(16).toString("base64url") };
}

/** Setup requests on a busy machine: a reset connection is retried, an error answer is not. */
async function fetchRetry(url, init) {
  for (let attempt = 1; ; attempt++) {
    try {
      return await fetch(url, init);
    } catch (e) {
      if (attempt >= 4) throw new Error(`${init.method} ${url}: ${e.cause?.message ?? e.message}`);
      await sleep(200 * attempt);
    }
  }
}

/** Runs `fn` over `items` with at most `n` at a time. */
async function pool(items, n, fn) {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(n, items.length) }, async () => {
      while (next < items.length) await fn(items[next++]);
    }),
  );
}

/**
 * One server's side: N rooms, each with an offline member (added by the host API) whose one device is
 * at the sink, and a sender socket per room. Returns `send(i)` and the collected timings.
 */
async function prepare(target, sink, plan, tag, log) {
  const http = `http://127.0.0.1:${target.httpPort}`;
  const key = devVars().vars.INAPP_TALK_API_KEY;
  const rooms = Array.from({ length: plan.rooms }, (_, i) => ({ i, room: `push-${tag}-${Date.now().toString(36)}-${i}` }));
  await pool(rooms, 5, async ({ i, room }) => {
    const member = await fetchRetry(`${http}/api/rooms/${room}/members/off-${i}`, {
      method: "PUT",
      headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
      body: JSON.stringify({ name: `Offline ${i}` }),
    });
    if (!member.ok) throw new Error(`PUT member → ${member.status} ${await member.text()}`);
    const sub = await fetchRetry(`${http}/api/push/subscribe`, {
      method: "POST",
      headers: { authorization: `Bearer ${await target.token(room, `off-${i}`)}`, "content-type": "application/json" },
      body: JSON.stringify({ subscription: { endpoint: `${sink.origin}/push/${i}`, keys: deviceKeys() }, url: "https://host.example/" }),
    });
    if (sub.status !== 201) throw new Error(`subscribe → ${sub.status} ${await sub.text()}`);
  });
  const { clients } = await openMany(plan.rooms, async (i) => new BenchClient("ours", await target.wsUrl(rooms[i].room, `sender-${i}`)), { concurrency: 20 });
  log(`push (${tag}): ${plan.rooms} rooms ready`);
  const sentAt = new Map();
  const ackAt = new Map();
  const acks = [];
  clients.forEach((c, i) => {
    c.onAck = (_id, _seq, t) => {
      acks.push(t - sentAt.get(i));
      ackAt.set(i, t);
    };
  });
  return {
    send(i) {
      sentAt.set(i, performance.now());
      clients[i].send(`${tag}-msg-${String(i).padStart(6, "0")}`, messageText(i));
    },
    done: () => ackAt.size >= plan.rooms && (tag === "off" || sink.arrivals.size >= plan.rooms),
    close: () => closeAll(clients),
    result() {
      const push = [];
      const fromAck = [];
      for (const [i, at] of sink.arrivals) {
        push.push(at - sentAt.get(i));
        if (ackAt.has(i)) fromAck.push(at - ackAt.get(i));
      }
      return { acks, push, fromAck, received: sink.arrivals.size, sent: plan.rooms };
    },
  };
}

export async function runPush(workDir, plan, log) {
  const { vars } = devVars();
  if (!vars.VAPID_PUBLIC_KEY || !vars.VAPID_PRIVATE_KEY) throw new Error("no VAPID keys in .dev.vars: run `npm start` once (or node scripts/dev-vars.mjs)");
  const vapid = {
    VAPID_PUBLIC_KEY: vars.VAPID_PUBLIC_KEY,
    VAPID_PRIVATE_KEY: vars.VAPID_PRIVATE_KEY,
    VAPID_SUBJECT: vars.VAPID_SUBJECT ?? "mailto:bench@example.com",
  };
  // Both servers run at once and their messages alternate, so the machine's load (other work on a
  // shared box) falls on both alike: the on/off comparison is within one window of time.
  const servers = {};
  const sinks = {};
  const sides = {};
  try {
    for (const [tag, enabled] of [
      ["on", !plan.aa],
      ["off", false],
    ]) {
      const dir = join(workDir, `push-${tag}`);
      mkdirSync(dir, { recursive: true });
      servers[tag] = await startOurs(dir, { label: ` (push ${tag})`, extraVars: { ...vapid, PUSH_ALLOW_HTTP: "true", PUSH_ENABLED: String(enabled) } });
      sinks[tag] = await startSink();
    }
    // Both servers' rooms are prepared together, so they have been idle equally long when the messages
    // come: prepared one after the other, the first server's rooms had gone to sleep (an A/A run, both
    // with push off, acked 2.4× slower on the server prepared first: the wake, not push).
    const [onSide, offSide] = await Promise.all(["on", "off"].map((tag) => prepare(servers[tag].direct ?? servers[tag].proxy, sinks[tag], plan, tag, log)));
    sides.on = onSide;
    sides.off = offSide;
    // Then every room sleeps (workerd evicts an idle object after ~10 s): each measured message wakes its
    // room on both servers alike, as the first message to an away member usually does.
    log(`push: waiting ${SETTLE_S} s for every room to go to sleep`);
    await sleep(SETTLE_S * 1000);
    const gap = 1000 / plan.rate / 2;
    // Which server's message goes first alternates, so neither always follows the other's.
    for (let i = 0; i < plan.rooms; i++) {
      const [first, second] = i % 2 === 0 ? [sides.on, sides.off] : [sides.off, sides.on];
      first.send(i);
      await sleep(gap);
      second.send(i);
      await sleep(gap);
    }
    const deadline = performance.now() + 30_000;
    while (!(sides.on.done() && sides.off.done()) && performance.now() < deadline) await sleep(100);
    await Promise.all([sides.on.close(), sides.off.close()]);
  } finally {
    for (const sink of Object.values(sinks)) await sink.close();
    for (const server of Object.values(servers)) await server.stop();
  }
  const on = sides.on.result();
  const off = sides.off.result();
  const p = (xs) => percentiles(xs);
  printTable(
    `Web push: one message in each of ${plan.rooms} rooms per server (${plan.rate}/s each, the two servers' messages alternating) to a member who is offline with one device, each room asleep before its message; local push service answering 201${plan.aa ? " — A/A: BOTH servers have push OFF (--push-aa)" : ""}`,
    ["measure", "p50 ms", "p99 ms", "max ms", "n"],
    [
      ["send → push received (push on)", p(on.push).p50, p(on.push).p99, p(on.push).max, `${on.received}/${on.sent}`],
      ["ack received → push received", p(on.fromAck).p50, p(on.fromAck).p99, p(on.fromAck).max, on.fromAck.length],
      ["sender's ack, push on", p(on.acks).p50, p(on.acks).p99, p(on.acks).max, on.acks.length],
      ["sender's ack, push off (PUSH_ENABLED=false)", p(off.acks).p50, p(off.acks).p99, p(off.acks).max, off.acks.length],
    ],
  );
  console.log(
    `ack p50 on/off: ${fmt(p(on.acks).p50 / p(off.acks).p50)} ×; ack p99 on/off: ${fmt(p(on.acks).p99 / p(off.acks).p99)} ×; pushes received: ${on.received}/${on.sent} (push off: ${off.received})`,
  );
  return {
    rooms: plan.rooms,
    rate: plan.rate,
    pushOn: { push: p(on.push), fromAck: p(on.fromAck), ack: p(on.acks), received: on.received },
    pushOff: { ack: p(off.acks), received: off.received },
  };
}
