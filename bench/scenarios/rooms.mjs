// 4. Many rooms: R rooms × K clients connected staggered, then idle, then one message per room.
// Memory = RSS of the server's processes. "Is a room awake" = does the worker process hold that room's
// SQLite database open (/proc/<pid>/fd → …/inapp-talk-Room/<id>.sqlite): workerd opens it when the
// Durable Object starts and closes it when the object is evicted (hibernation), so the count of open
// room databases is the count of rooms in memory. Socket.IO gets the same connect/send load for reference.
import { BenchClient, openMany, closeAll, messageText } from "../lib/clients.mjs";
import { median, percentiles, printTable, fmt } from "../lib/stats.mjs";
import { cpuSplit, openRoomDatabases, rssBytes, sleep } from "../lib/proc.mjs";

const MB = 2 ** 20;

/** CPU (µs) of the process that runs the rooms, apart from dev tooling. */
const roomCpu = (target) => cpuSplit(target).rooms;

/** RSS of all the target's processes (`total`) and of the one that holds the rooms (`main`). */
function memory(target) {
  const out = { total: 0, main: 0 };
  for (const { pid, label } of target.procs()) {
    const r = rssBytes(pid);
    out.total += r;
    if (label === "workerd (worker)" || label === "node") out.main += r;
    if (label.startsWith("workerd")) out[label] = (out[label] ?? 0) + r;
  }
  return out;
}

async function manyRooms(target, { rooms, perRoom, idleSeconds, wakes = 1, tag }, log) {
  const worker = target.procs().find((p) => p.label === "workerd (worker)")?.pid;
  // Rooms of earlier scenarios may still be open: only this scenario's rooms (new since "before") count.
  const preexisting = worker ? openRoomDatabases(worker) : new Set();
  const mine = new Set();
  const awake = () => {
    if (!worker) return null;
    let n = 0;
    for (const path of openRoomDatabases(worker)) {
      if (preexisting.has(path)) continue;
      mine.add(path);
      n++;
    }
    return n;
  };
  /** @type {(phase: string) => { phase: string, t: number, awake: number | null, [mb: string]: any }} */
  const snap = (phase) => ({
    phase,
    t: +(performance.now() / 1000).toFixed(1),
    awake: awake(),
    ...Object.fromEntries(Object.entries(memory(target)).map(([k, v]) => [k, +(v / MB).toFixed(1)])),
  });
  const timeline = [snap("before")];
  const count = rooms * perRoom;
  const room = (i) => `many-${tag}-${Math.floor(i / perRoom)}`;
  const cpuBefore = roomCpu(target);
  const { clients, totalMs, readyMs } = await openMany(count, async (i) => new BenchClient(target.kind, await target.wsUrl(room(i), `u${i % perRoom}`)), {
    concurrency: 50,
    timeoutMs: 30000,
  });
  const connectCpuMs = (roomCpu(target) - cpuBefore) / 1000;
  const first = readyMs.filter((_, i) => i % perRoom === 0);
  const rest = readyMs.filter((_, i) => i % perRoom !== 0);
  timeline.push(snap("connected"));
  log(`many rooms ${target.name}: ${count} clients in ${fmt(totalMs, 0)} ms; awake rooms ${timeline.at(-1).awake}`);

  // Idle: nothing sent but heartbeats (answered by the runtime's auto-response for ours).
  // At least idleSeconds, then on until the rooms are out of memory (at most three times as long): a room
  // kept awake by a timer due after the connects (inbox rows held for members in the room) must not meet
  // the wake awake and pass for a cheap wake. `settle`: asleep this many seconds in a row (a later wake must
  // not meet the liveness sweep, which wakes a room every 12.5 s for a minute after its last message).
  // Returns when all were first seen asleep (s), or null.
  const idleUntilAsleep = async (label, { settle = 1, max = idleSeconds * 3 } = {}) => {
    const idleStart = performance.now();
    let firstAllAsleep = null;
    let asleepFor = 0;
    for (let s = 1; s <= max; s++) {
      await sleep(1000);
      const p = snap(`${label} ${s}s`);
      timeline.push(p);
      const asleep = p.awake === null || p.awake <= rooms * 0.01;
      asleepFor = asleep ? asleepFor + 1 : 0;
      if (firstAllAsleep === null && p.awake !== null && asleep) firstAllAsleep = (performance.now() - idleStart) / 1000;
      if (s >= idleSeconds && asleepFor >= settle) break;
    }
    return firstAllAsleep;
  };
  const firstAllAsleep = await idleUntilAsleep("idle");
  const idle = timeline.filter((p) => /^idle \d/.test(p.phase));

  // Active: one message per room from its first client; the others must receive it. Round 1 wakes rooms
  // from hibernation; round 2 follows at once, rooms awake, so the difference is the wake-up cost.
  const round = async (k) => {
    const ack = [];
    const deliver = [];
    const sendT = new Map();
    let expected = rooms * (perRoom - 1);
    let resolveAll;
    const allIn = new Promise((r) => (resolveAll = r));
    let cpuAcked = null;
    clients.forEach((c) => {
      c.onMessage = (m, t) => {
        if (!sendT.has(m.id)) return; // a late delivery of an earlier message
        deliver.push(t - sendT.get(m.id));
        if (--expected === 0) resolveAll();
      };
      c.onAck = (id, _s, t) => {
        if (!sendT.has(id)) return;
        ack.push(t - sendT.get(id));
        if (ack.length === rooms) cpuAcked = roomCpu(target);
      };
    });
    const t0 = performance.now();
    const cpu0 = roomCpu(target);
    for (let r = 0; r < rooms; r++) {
      const id = `${tag}-w${k}-${r}`;
      sendT.set(id, performance.now());
      clients[r * perRoom].send(id, messageText(r));
      if (r % 50 === 49) await sleep(5); // staggered, like connects
    }
    await Promise.race([allIn, sleep(20000)]);
    // CPU until the last ack: what the burst cost the room process (work it set off for later not included).
    const cpuPerRoomMs = ((cpuAcked ?? roomCpu(target)) - cpu0) / 1000 / rooms;
    return { ack: percentiles(ack), deliver: percentiles(deliver), lost: expected, ms: performance.now() - t0, cpuPerRoomMs };
  };
  // One room woken alone first (what a user in a quiet room sees), then the rest all at once.
  const lone = await new Promise((resolve) => {
    const c = clients[0];
    const id = `${tag}-lone`;
    const t0 = performance.now();
    const timer = setTimeout(() => resolve(NaN), 10000);
    c.onAck = (ackId, _s, t) => {
      if (ackId === id) {
        clearTimeout(timer);
        resolve(t - t0);
      }
    };
    c.send(id, messageText(0));
  });
  const wasAwake = awake();
  await sleep(200); // its deliveries, before the burst starts counting
  const wake = await round(1);
  const awakeRound = await round(2);
  const activeMs = wake.ms + awakeRound.ms;
  timeline.push(snap("active"));
  // --wakes K: K−1 more mass wakes, each after the rooms are out of memory again (one wake's p99 is one
  // sample of a noisy figure; several in one run give a median for each server).
  const moreWakes = [];
  for (let k = 2; k <= wakes; k++) {
    await idleUntilAsleep(`idle (wake ${k})`, { settle: 3, max: 120 });
    moreWakes.push(await round(k + 1));
  }
  const dropped = clients.filter((c) => c.droppedWith !== null).length;
  await closeAll(clients);
  await sleep(2000);
  timeline.push(snap("closed +2s"));

  const c = percentiles(readyMs);
  const at = (phase) => timeline.find((p) => p.phase === phase);
  return {
    target: target.name,
    rooms,
    perRoom,
    clients: count,
    connectTotalMs: totalMs,
    connectCpuPerClientMs: connectCpuMs / count,
    connectP50: c.p50,
    connectP99: c.p99,
    firstInRoomP50: percentiles(first).p50,
    othersP50: percentiles(rest).p50,
    rssBeforeMB: at("before").total,
    rssConnectedMB: at("connected").total,
    rssIdleEndMB: idle.at(-1)?.total,
    rssActiveMB: at("active").total,
    rssClosedMB: at("closed +2s").total,
    // A negative growth (the garbage of earlier scenarios collected meanwhile) says nothing: no figure.
    kbPerClient: Math.max(0, ((at("connected").total - at("before").total) * 1024) / count) || null,
    kbPerClientMain: Math.max(0, ((at("connected").main - at("before").main) * 1024) / count) || null,
    roomDatabasesSeen: worker ? mine.size : null,
    awakeConnected: at("connected").awake,
    awakeMinIdle: idle.length && idle[0].awake !== null ? Math.min(...idle.map((p) => p.awake)) : null,
    awakeEndIdle: idle.at(-1)?.awake ?? null,
    allAsleepAfterS: firstAllAsleep,
    awakeAfterActive: at("active").awake,
    loneWakeAckMs: lone,
    awakeBeforeLone: wasAwake,
    wakeAckP50: wake.ack.p50,
    wakeAckP99: wake.ack.p99,
    wakeCpuPerRoomMs: wake.cpuPerRoomMs,
    wakeAckP99s: [wake, ...moreWakes].map((w) => w.ack.p99),
    wakeCpuPerRoomMsAll: [wake, ...moreWakes].map((w) => w.cpuPerRoomMs),
    deliverP50: wake.deliver.p50,
    deliverP99: wake.deliver.p99,
    awakeAckP50: awakeRound.ack.p50,
    awakeAckP99: awakeRound.ack.p99,
    awakeDeliverP99: awakeRound.deliver.p99,
    lostDeliveries: wake.lost + awakeRound.lost + moreWakes.reduce((n, w) => n + w.lost, 0),
    activeMs,
    dropped,
    worker: {
      beforeMB: at("before").main,
      connectedMB: at("connected").main,
      idleEndMB: idle.at(-1)?.main,
      activeMB: at("active").main,
      closedMB: at("closed +2s").main,
    },
    timeline,
  };
}

/**
 * @param {any[]} targets  ours (with --base also the earlier commit's server, with --floor the runtime floor), then Socket.IO; missing ones are null
 */
export async function runRooms(targets, opts, log) {
  const tag = Date.now().toString(36);
  /** @type {any[]} */
  const results = [];
  for (const target of targets.filter(Boolean)) {
    try {
      results.push(await manyRooms(target, { ...opts, idleSeconds: target.kind === "sio" ? 3 : opts.idleSeconds, tag }, log));
    } catch (e) {
      results.push({ target: target.name, error: e.message });
      log(`many rooms ${target.name}: FAILED ${e.message}`);
    }
  }
  const ok = results.filter((r) => !r.error);
  const row = (label, f) => [label, ...ok.map(f)];
  // The runtime floor's figure subtracted (--floor): what is our own cost; empty for the floor and Socket.IO.
  const floorRun = ok.find((r) => r.target === "floor");
  const aboveFloor = (label, f) => (floorRun ? [row(label, (r) => (r === floorRun || r.target === "socket.io" ? "" : fmt(f(r) - f(floorRun), 2)))] : []);
  printTable(
    `Many rooms: ${opts.rooms} rooms × ${opts.perRoom} clients, connected 50 at a time, idle ≥ ${opts.idleSeconds} s (on until the rooms are out of memory, at most 3×), then one message per room`,
    ["", ...ok.map((r) => r.target)],
    [
      row("connect all, s", (r) => fmt(r.connectTotalMs / 1000)),
      row("connect p50 / p99 ms (first in room p50)", (r) => `${fmt(r.connectP50)} / ${fmt(r.connectP99)} (${fmt(r.firstInRoomP50)})`),
      row("RSS room process: before / connected MB", (r) => `${fmt(r.worker.beforeMB, 0)} / ${fmt(r.worker.connectedMB, 0)}`),
      row("  … end of idle / after activity / closed", (r) => `${fmt(r.worker.idleEndMB, 0)} / ${fmt(r.worker.activeMB, 0)} / ${fmt(r.worker.closedMB, 0)}`),
      row("RSS all processes: before / connected MB", (r) => `${fmt(r.rssBeforeMB, 0)} / ${fmt(r.rssConnectedMB, 0)}`),
      row("RSS per client KB: room process / all", (r) => `${fmt(r.kbPerClientMain, 1)} / ${fmt(r.kbPerClient, 1)}`),
      row("rooms in memory: connected → min idle → end idle", (r) =>
        r.awakeConnected === null ? "n/a" : `${r.awakeConnected} → ${r.awakeMinIdle} → ${r.awakeEndIdle}`,
      ),
      row("all rooms hibernated after, s", (r) => (r.awakeConnected === null ? "n/a" : r.allAsleepAfterS === null ? "no" : fmt(r.allAsleepAfterS, 0))),
      row("one room woken alone: ack ms", (r) => fmt(r.loneWakeAckMs)),
      row("then all rooms at once: ack p50 / p99 ms", (r) => `${fmt(r.wakeAckP50)} / ${fmt(r.wakeAckP99)}`),
      row("  … delivery p50 / p99 ms", (r) => `${fmt(r.deliverP50)} / ${fmt(r.deliverP99)}`),
      row("2nd message (rooms awake): ack p50 / p99 ms", (r) => `${fmt(r.awakeAckP50)} / ${fmt(r.awakeAckP99)}`),
      row("lost deliveries / dropped sockets", (r) => `${r.lostDeliveries} / ${r.dropped}`),
      row("CPU per connect, room process ms (connect phase)", (r) => fmt(r.connectCpuPerClientMs, 2)),
      ...aboveFloor("  … above the floor", (r) => r.connectCpuPerClientMs),
      row("CPU per room woken until the last ack ms", (r) => fmt(r.wakeCpuPerRoomMs, 2)),
      ...aboveFloor("  … above the floor", (r) => r.wakeCpuPerRoomMs),
      ...(opts.wakes > 1
        ? [
            row(
              `${opts.wakes} mass wakes: ack p99 ms each (median)`,
              (r) => `${r.wakeAckP99s.map((v) => fmt(v, 0)).join(", ")} (${fmt(median(r.wakeAckP99s), 0)})`,
            ),
            row("  … CPU per room woken ms, median", (r) => fmt(median(r.wakeCpuPerRoomMsAll), 2)),
          ]
        : []),
    ],
  );
  const ourRun = ok.find((r) => r.timeline?.[0]?.awake !== null);
  if (ourRun) {
    const marks = ourRun.timeline.filter((p, i) => !p.phase.startsWith("idle") || i % 5 === 0);
    console.log(`rooms in memory over time (${ourRun.target}): ${marks.map((p) => `${p.phase}: ${p.awake}`).join(", ")}`);
  }
  return { rows: results };
}
