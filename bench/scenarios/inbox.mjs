// The inbox (issue 11): (A) a seller with `conversations` two-member rooms, the newest `recent` with a
// message from their buyer: the host API's first page (GET /api/users/:user/rooms) and the inbox socket's first
// `inbox` frame, medians. (B) a message in a `members`-member room: the sender's ack latency with the
// inbox index on vs off (INBOX_INDEX=off), two servers in the same run, phases interleaved ABBA; and
// the time until a member's inbox has it: live on an open inbox socket (the room is above
// INBOX_FANOUT_LIMIT, so only watchers are written), and read on demand through the host API.
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import WebSocket from "ws";
import { BenchClient } from "../lib/clients.mjs";
import { percentiles, printTable, fmt, median } from "../lib/stats.mjs";
import { sleep } from "../lib/proc.mjs";
import { devVars, signToken, startOurs } from "../lib/targets.mjs";

const API_KEY = () => devVars().vars.INAPP_TALK_API_KEY;

/** JSON over HTTP to a server's own port with the API key. */
async function http(target, method, path, body) {
  const res = await fetch(`http://127.0.0.1:${target.httpPort}${path}`, {
    method,
    headers: { authorization: `Bearer ${API_KEY()}`, ...(body ? { "content-type": "application/json" } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  if (!res.ok) throw new Error(`${method} ${path} → ${res.status} ${(await res.text()).slice(0, 200)}`);
  return res.status === 204 ? null : res.json();
}

/** Runs `task(i)` for i in [0, count) with at most `limit` in flight. */
async function pool(count, limit, task) {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, count) }, async () => {
      while (next < count) await task(next++);
    }),
  );
}

async function waitFor(what, read, pred, timeoutMs, everyMs = 10) {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    // A busy local server may drop a poll (the first flush creates every member's object): poll again.
    let value;
    try {
      value = await read();
    } catch (e) {
      value = { pollError: String(e) };
    }
    if (!value?.pollError && pred(value)) return value;
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(value).slice(0, 200)}`);
    await sleep(everyMs);
  }
}

/** A `rooms: ["*"]` token for the inbox socket. */
async function anyRoomToken(ours, user) {
  const secret = devVars().vars.TOKEN_SECRET;
  if (ours.localSigning) return signToken(secret, { user, name: user, rooms: ["*"] });
  const res = await fetch(`http://127.0.0.1:${ours.port}/api/token`, {
    method: "POST",
    headers: { authorization: `Bearer ${API_KEY()}`, "content-type": "application/json" },
    body: JSON.stringify({ user, name: user, rooms: ["*"], ttl: 3600 }),
  });
  return /** @type {{ token: string }} */ (await res.json()).token;
}

/** Milliseconds from the TCP connect of the inbox socket to its first `inbox` frame. */
function inboxFirstPage(target, user, tok) {
  const t0 = performance.now();
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${target.httpPort}/parties/user/${user}?token=${tok}`, { perMessageDeflate: false });
    const timer = setTimeout(() => {
      ws.terminate();
      reject(new Error("no inbox frame in 10 s"));
    }, 10000);
    ws.on("message", (data) => {
      const frame = JSON.parse(data.toString());
      if (frame.type !== "inbox") return;
      clearTimeout(timer);
      const ms = performance.now() - t0;
      ws.close();
      resolve({ ms, rows: frame.conversations.length, total: frame.total });
    });
    ws.on("unexpected-response", (_req, res) => reject(new Error(`inbox socket refused: ${res.statusCode}`)));
    ws.on("error", reject);
  });
}

async function manyConversations(ours, target, plan, log) {
  const seller = "bench-seller";
  const n = plan.conversations;
  const t0 = performance.now();
  // Rooms made by the host with both members (the index follows the PUT); the newest `recent` also get
  // a buyer's message over a socket, so the first page shows rows with a last entry and an unread count.
  await pool(n, 16, (i) =>
    http(target, "PUT", `/api/rooms/inbox-conv-${i}`, {
      members: [
        { user: seller, name: "Seller" },
        { user: `bench-buyer-${i}`, name: `Buyer ${i}` },
      ],
    }),
  );
  const recent = Math.min(n, plan.recent);
  await pool(recent, 8, async (i) => {
    const c = new BenchClient("ours", await target.wsUrl(`inbox-conv-${i}`, `bench-buyer-${i}`));
    await c.open();
    await new Promise((resolve) => {
      c.onAck = resolve;
      c.send(`conv-${String(i).padStart(6, "0")}`, `Is item ${i} still available?`);
    });
    await c.close();
  });
  const rowCount = async () => {
    let rows = 0;
    let before = null;
    do {
      const page = await http(target, "GET", `/api/users/${seller}/rooms?limit=200${before ? `&before=${encodeURIComponent(before)}` : ""}`);
      rows += page.rooms.length;
      before = page.next;
    } while (before);
    return rows;
  };
  await waitFor(`all ${n} rows in the seller's index`, rowCount, (k) => k >= n, 300_000, 1000);
  await waitFor(
    "the unread messages in the seller's index",
    () => http(target, "GET", `/api/users/${seller}/unread`),
    (u) => u.total >= recent,
    120_000,
    250,
  );
  log(`inbox: ${n} conversations ready in ${((performance.now() - t0) / 1000).toFixed(1)} s`);

  const api = [];
  let firstRows = 0;
  for (let r = 0; r < plan.reps; r++) {
    const s = performance.now();
    const page = await http(target, "GET", `/api/users/${seller}/rooms`);
    api.push(performance.now() - s);
    firstRows = page.rooms.length;
  }
  const tok = await anyRoomToken(ours, seller);
  const socket = [];
  for (let r = 0; r < plan.reps; r++) socket.push((await inboxFirstPage(target, seller, tok)).ms);
  const a = percentiles(api);
  const s = percentiles(socket);
  printTable(
    `Inbox (A): a seller with ${n} conversations (${recent} with a new message); first page (${firstRows} rows), ${plan.reps} sequential requests (${target.name})`,
    ["path", "p50 ms", "p95 ms", "max ms"],
    [
      ["GET /api/users/:user/rooms", fmt(a.p50), fmt(a.p95), fmt(a.max)],
      ["inbox socket: connect → first `inbox` frame", fmt(s.p50), fmt(s.p95), fmt(s.max)],
    ],
  );
  return { conversations: n, rows: firstRows, hostApi: a, socketFirstPage: s };
}

/** Sends `count` messages at `rate`/s and returns the ack latencies (ms). */
async function ackPhase(client, tag, count, rate) {
  const sent = new Map();
  const acks = [];
  client.onAck = (id, _seq, t) => {
    if (sent.has(id)) acks.push(t - sent.get(id));
  };
  for (let i = 0; i < count; i++) {
    const id = `${tag}-${String(i).padStart(5, "0")}`;
    sent.set(id, performance.now());
    client.send(id, `bench message ${tag} ${i}`);
    await sleep(1000 / rate);
  }
  await waitFor(
    `acks of ${tag}`,
    async () => acks.length,
    (k) => k === count,
    15_000,
  );
  return acks;
}

/** An open inbox socket that records when each room's row arrives with a given seq. */
async function watchInbox(target, user, tok) {
  const ws = new WebSocket(`ws://127.0.0.1:${target.httpPort}/parties/user/${user}?token=${tok}`, { perMessageDeflate: false });
  const seen = new Map(); // seq → performance.now() of the first row carrying it
  const first = new Promise((resolve, reject) => {
    ws.on("message", (data) => {
      const frame = JSON.parse(data.toString());
      if (frame.type === "inbox") resolve();
      const seq = frame.type === "inbox_row" ? frame.conversation.last?.seq : undefined;
      if (seq !== undefined && !seen.has(seq)) seen.set(seq, performance.now());
    });
    ws.on("error", reject);
  });
  await first;
  return { seen, close: () => ws.close() };
}

async function bigRoom(servers, plan, log) {
  const room = `inbox-big-${Date.now()}`;
  const users = Array.from({ length: plan.members }, (_, i) => `bench-m${String(i).padStart(4, "0")}`);
  const last = users.at(-1);
  const onTarget = servers.on.direct ?? servers.on.proxy;
  const lastRow = async () => (await http(onTarget, "GET", `/api/users/${last}/rooms?limit=1`)).rooms[0];
  for (const ours of Object.values(servers)) {
    await http(ours.direct ?? ours.proxy, "PUT", `/api/rooms/${room}`, { title: "Big room", members: users.map((user) => ({ user, name: user })) });
  }
  // The first flush also creates every member's user object: let it end before the sender connects.
  const t0 = performance.now();
  await waitFor("the big room in the last member's index", lastRow, Boolean, 300_000, 250);
  log(`inbox: ${plan.members} members' indexes have the room after ${((performance.now() - t0) / 1000).toFixed(1)} s (first flush, new user objects)`);
  // Members with their inbox open (watchers): a large room sends them live rows; the rest read it on demand.
  const watchers = [];
  for (const user of users.slice(1, 1 + plan.watchers)) watchers.push(await watchInbox(onTarget, user, await anyRoomToken(servers.on, user)));
  await sleep(2000);
  const senders = {};
  for (const [name, ours] of Object.entries(servers)) {
    const c = new BenchClient("ours", await (ours.direct ?? ours.proxy).wsUrl(room, users[0]));
    await c.open();
    senders[name] = c;
  }
  const acks = { on: [], off: [] };
  for (let p = 0; p < plan.phases; p++) {
    const order = p % 2 === 0 ? ["on", "off"] : ["off", "on"];
    for (const name of order) {
      acks[name].push(...(await ackPhase(senders[name], `${name}-${p}`, plan.perPhase, plan.rate)));
      await sleep(1500); // the trailing flush ends before the other server's phase
    }
  }
  const on = percentiles(acks.on);
  const off = percentiles(acks.off);
  log(`inbox: ack p50 on ${fmt(on.p50)} / off ${fmt(off.p50)} ms`);

  // Index lag, one message at a time: (1) until the last watcher's open inbox shows it (pushed live);
  // (2) until the last member's inbox, read through the host API, has it (a large room: read on demand).
  const liveLags = [];
  const readLags = [];
  let lastSeq = 0;
  const lastWatcher = watchers.at(-1);
  for (let k = 0; k < plan.probes; k++) {
    let ackedAt = 0;
    const seq = await new Promise((resolve) => {
      senders.on.onAck = (_id, s) => {
        ackedAt = performance.now();
        resolve(s);
      };
      senders.on.send(`probe-${String(k).padStart(5, "0")}`, `probe ${k}`);
    });
    await waitFor(`probe ${k} in the last member's index`, lastRow, (r) => r?.last?.seq >= seq, 30_000, 5);
    readLags.push(performance.now() - ackedAt);
    if (lastWatcher) {
      await waitFor(`probe ${k} on the last watcher's inbox`, async () => lastWatcher.seen.get(seq), Boolean, 30_000, 5);
      liveLags.push(lastWatcher.seen.get(seq) - ackedAt);
    }
    lastSeq = seq;
    await sleep(1200); // past the user object's 1 s read reuse
  }
  // Every member, not only the last polled one, has the final state when their inbox is read.
  let behind = 0;
  await pool(users.length - 1, 16, async (i) => {
    const row = (await http(onTarget, "GET", `/api/users/${users[i + 1]}/rooms?limit=1`)).rooms[0];
    if (row?.last?.seq !== lastSeq) behind++;
  });
  for (const c of Object.values(senders)) await c.close();
  for (const w of watchers) w.close();
  const live = percentiles(liveLags);
  const read = percentiles(readLags);
  printTable(
    `Inbox (B): one sender in a ${plan.members}-member room (others offline, ${plan.watchers} with their inbox open), ${plan.phases} phases × ${plan.perPhase} messages at ${plan.rate}/s per server, interleaved`,
    ["", "ack p50 ms", "ack p95 ms", "ack p99 ms", "n"],
    [
      ["index on", fmt(on.p50), fmt(on.p95), fmt(on.p99), on.n],
      ["INBOX_INDEX=off", fmt(off.p50), fmt(off.p95), fmt(off.p99), off.n],
    ],
  );
  console.log(
    `ack p50 ratio on/off: ${fmt(on.p50 / off.p50)}; ack → the last watcher's open inbox shows it (live row): median ${fmt(median(liveLags))} ms, max ${fmt(live.max)} ms; ack → the last member's inbox read through the host API has it (read on demand, polled every 5 ms): median ${fmt(median(readLags))} ms, max ${fmt(read.max)} ms; members behind when read: ${behind}/${users.length - 1}`,
  );
  return { members: plan.members, watchers: plan.watchers, ackOn: on, ackOff: off, ratioP50: on.p50 / off.p50, liveLag: live, readLag: read, behind };
}

export async function runInbox(workDir, plan, log) {
  const started = {};
  try {
    /** @type {[string, Record<string, string>][]} */
    const variants = [
      ["on", {}],
      ["off", { INBOX_INDEX: "off" }],
    ];
    for (const [name, extraVars] of variants) {
      const dir = join(workDir, `inbox-${name}`);
      mkdirSync(dir, { recursive: true });
      started[name] = await startOurs(dir, { extraVars, label: name === "on" ? " (inbox on)" : " (INBOX_INDEX=off)" });
      log(`inbox: server ${name} up on :${started[name].directPort ?? started[name].port}`);
    }
    // Each part reports on its own: one failing does not lose the other's numbers.
    const part = async (name, fn) => {
      try {
        return await fn();
      } catch (e) {
        log(`inbox ${name} FAILED: ${e.stack ?? e}`);
        return { error: String(e) };
      }
    };
    const many =
      plan.conversations === 0 ? null : await part("conversations", () => manyConversations(started.on, started.on.direct ?? started.on.proxy, plan, log));
    const big = await part("big room", () => bigRoom(started, plan, log));
    return { many, big };
  } finally {
    for (const s of Object.values(started)) await s.stop();
  }
}
