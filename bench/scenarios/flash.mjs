// Flash crowd (issue 14): C clients join R rooms (each with H messages of history) within W seconds, then every
// room is left to hibernate and all are woken at once by one message each. Targets, in interleaved rounds:
// our server started without wrangler's inspector (bench/servers/ours-quiet.mjs, the worker's own workerd
// port, as production has no proxy hop), Socket.IO, and with --inspector also `wrangler dev` as `npm start`
// runs it, and the runtime floor (bench/servers/floor: a minimal Durable Object chat started the same way; with
// "+ rows" also a row written per connect and per message), so that "above the floor" is our own cost.
// Each round uses new users in the same rooms (first joins, rooms with history); medians over rounds.
// CPU is read per process from /proc/<pid>/stat: the workerd that runs the rooms apart from the tooling
// (wrangler's node process, the proxy workerd, esbuild), so dev plumbing cannot pass for our cost.
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { BenchClient, closeAll, messageText } from "../lib/clients.mjs";
import { cpuSplit, sleep, foreignLoad, openFds, openRoomDatabases } from "../lib/proc.mjs";
import { startFloor, startOurs, startSocketIO } from "../lib/targets.mjs";
import { median, percentiles, printTable, fmt, medSpread } from "../lib/stats.mjs";

const diff = (a, b) => ({ rooms: b.rooms - a.rooms, tooling: b.tooling - a.tooling });

/**
 * CPU is counted this long past the crowd's last ready and the wake's last ack: work a burst sets off
 * that is due later (inbox rows held for members in the room, INBOX_PRESENT_DELAY_SEC = 3) is its cost
 * too, not a saving. The "until ready" figures are the CPU up to the last ready / ack alone.
 */
const FOLLOW_MS = 5000;

/** Sends `history` messages into every room from one seeding user, 20 rooms at a time; waits for the acks. */
async function seed(target, rooms, history, log) {
  const t0 = performance.now();
  let next = 0;
  const worker = async () => {
    while (next < rooms) {
      const r = next++;
      const c = new BenchClient(target.kind, await target.wsUrl(`flash-${r}`, "seed"));
      await c.open(30000);
      let left = history;
      const done = new Promise((resolve) => {
        c.onAck = () => --left === 0 && resolve();
      });
      for (let i = 0; i < history; i++) c.send(`seed-${r}-${i}`, messageText(i));
      await Promise.race([done, sleep(30000)]);
      await c.close();
    }
  };
  await Promise.all(Array.from({ length: 20 }, worker));
  log(`flash: seeded ${rooms} rooms × ${history} messages on ${target.name} in ${fmt((performance.now() - t0) / 1000)} s`);
}

/** One client alone in a quiet room: every frame and byte the join sends it, until 300 ms after it is ready. */
async function probeJoin(target, room, user) {
  const c = new BenchClient(target.kind, await target.wsUrl(room, user));
  const kinds = [];
  // A v2 join frame shows as its parts in brackets: `joined[welcome+presence+…]` is one frame.
  c.onWire = (f) => kinds.push(f.type === "joined" ? `joined[${f.frames.map((p) => p.type).join("+")}]` : f.type);
  await c.open(20000);
  await sleep(300);
  const out = { frames: c.rxFrames, bytes: c.rxBytes, kinds };
  await c.close();
  return out;
}

/**
 * Makes the round's users known before it starts (not measured): each opens and closes a socket in
 * another room, which creates the user's object, as a returning shopper would have one. What is left
 * to measure is the room's join, without the first-visit cost of a new user's object.
 * (`GET /api/session` would do it without a socket, but it is rate limited per address.)
 */
async function introduce(target, users, log) {
  const t0 = performance.now();
  let next = 0;
  const worker = async () => {
    while (next < users.length) {
      const i = next++;
      const c = new BenchClient(target.kind, await target.wsUrl(`flash-intro-${i % 10}`, users[i]));
      await c.open(30000);
      await c.close();
    }
  };
  await Promise.all(Array.from({ length: 20 }, worker));
  log(`flash: ${users.length} users known to ${target.name} in ${fmt((performance.now() - t0) / 1000)} s (not measured)`);
}

async function round(target, { rooms, clients, windowS, idleMaxS, tag, knownUsers = false, noWake = false }, log) {
  const worker = target.procs().find((p) => p.label === "workerd (worker)")?.pid;
  if (knownUsers && target.kind === "ours")
    await introduce(
      target,
      Array.from({ length: clients }, (_, i) => `${tag}-u${i}`),
      log,
    );
  const usable = [];
  const ready = new Array(clients).fill(NaN);
  const joinFrames = new Array(clients).fill(NaN);
  const joinBytes = new Array(clients).fill(NaN);
  let failed = 0;
  let lastError = null;
  const cpu0 = cpuSplit(target);
  const foreign = foreignLoad(() => {
    const c = cpuSplit(target);
    return c.rooms + c.tooling;
  });
  const t0 = performance.now();
  // Paced arrivals: client i starts at i × W/C whatever the server's speed, as a crowd would.
  const opens = [];
  for (let i = 0; i < clients; i++) {
    const due = t0 + (i * windowS * 1000) / clients;
    const wait = due - performance.now();
    if (wait > 1) await sleep(wait);
    opens.push(
      (async () => {
        const c = new BenchClient(target.kind, await target.wsUrl(`flash-${i % rooms}`, `${tag}-u${i}`));
        usable[i] = c;
        const start = performance.now();
        try {
          await c.open(30000);
          ready[i] = performance.now() - start;
          joinFrames[i] = c.rxFrames;
          joinBytes[i] = c.rxBytes;
        } catch (e) {
          failed++;
          lastError = e.message;
        }
      })(),
    );
  }
  await Promise.all(opens);
  const wallMs = performance.now() - t0;
  const readyCpu = diff(cpu0, cpuSplit(target));
  const fdsConnected = openFds(worker);
  await sleep(FOLLOW_MS);
  const connectCpu = diff(cpu0, cpuSplit(target));
  const otherCores = foreign();
  log(`flash ${target.name}: ${clients - failed}/${clients} ready in ${fmt(wallMs / 1000)} s${failed ? ` (last error: ${lastError})` : ""}`);

  const r = percentiles(ready);
  const ok = clients - failed;
  const connect = {
    target: target.name,
    wallMs,
    readyP50: r.p50,
    readyP99: r.p99,
    failed,
    lastError,
    cpuPerConnectMs: connectCpu.rooms / 1000 / ok,
    readyCpuPerConnectMs: readyCpu.rooms / 1000 / ok,
    toolingCpuPerConnectMs: connectCpu.tooling / 1000 / ok,
    joinFramesPerClient: median(joinFrames),
    joinBytesPerClient: median(joinBytes),
    otherCores,
    fdsConnected,
  };
  if (noWake) {
    // --no-wake: the connect figures only (a round in ~W s instead of ~W + 80 s), for trying a change quickly.
    await closeAll(usable.filter(Boolean));
    return connect;
  }

  // Hibernation: wait until (nearly) every room is out of memory. Socket.IO has no such thing.
  // The CPU meanwhile is what rooms do on their own after a crowd (ours: the liveness sweep's alarms).
  const idleCpu0 = cpuSplit(target);
  const idle0 = performance.now();
  let awakeAtWake = null;
  if (target.kind !== "sio" && worker) {
    while ((performance.now() - idle0) / 1000 < idleMaxS) {
      await sleep(1000);
      awakeAtWake = openRoomDatabases(worker).size;
      if (awakeAtWake <= Math.floor(rooms * 0.01)) break;
    }
  } else await sleep(1000);
  const idleS = (performance.now() - idle0) / 1000;

  // Wake: the first client of every room (clients 0..R-1) sends one message, all at the same moment.
  const acks = [];
  const sent = new Map();
  let left = rooms;
  const allAcked = new Promise((resolve) => {
    for (let r = 0; r < rooms; r++) {
      const c = usable[r];
      if (!c) continue;
      c.onAck = (id, _seq, t) => {
        if (!sent.has(id)) return;
        acks.push(t - sent.get(id));
        if (--left === 0) resolve();
      };
    }
  });
  const wakeCpu0 = cpuSplit(target);
  const idleCpu = diff(idleCpu0, wakeCpu0);
  for (let r = 0; r < rooms; r++) {
    const id = `${tag}-wake-${r}`;
    sent.set(id, performance.now());
    usable[r]?.send(id, messageText(r));
  }
  await Promise.race([allAcked, sleep(30000)]);
  const ackedCpu = diff(wakeCpu0, cpuSplit(target));
  await sleep(FOLLOW_MS);
  const wakeCpu = diff(wakeCpu0, cpuSplit(target));
  const dropped = usable.filter((c) => c?.droppedWith !== null).length;
  await closeAll(usable.filter(Boolean));
  const w = percentiles(acks);
  return {
    ...connect,
    idleS,
    idleCpuPerRoomMs: idleCpu.rooms / 1000 / rooms,
    awakeAtWake,
    wakeAckP50: w.p50,
    wakeAckP99: w.p99,
    wakeLost: left,
    wakeCpuPerRoomMs: wakeCpu.rooms / 1000 / rooms,
    ackedCpuPerRoomMs: ackedCpu.rooms / 1000 / rooms,
    wakeToolingCpuPerRoomMs: wakeCpu.tooling / 1000 / rooms,
    dropped,
  };
}

/**
 * @param {string} workDir
 * @param {{ rooms: number, clients: number, history: number, windowS: number, rounds: number, idleMaxS: number, inspector: boolean, base?: string, knownUsers?: boolean, inboxOff?: boolean, floor?: boolean }} plan
 * @param {(s: string) => void} log
 */
export async function runFlash(workDir, plan, log) {
  const targets = [];
  const started = [];
  const quietDir = join(workDir, "flash-quiet");
  mkdirSync(quietDir, { recursive: true });
  // --inbox-off: the same servers without the inbox index (what a join sets off in members' user objects).
  const extraVars = plan.inboxOff ? { INBOX_INDEX: "off" } : {};
  const quiet = await startOurs(quietDir, { quiet: true, extraVars });
  started.push(quiet);
  if (!quiet.direct) throw new Error("the worker's own port was not found");
  targets.push(quiet.direct);
  console.log(`flash: ours = ${quiet.direct.name}: wrangler's unstable_startWorker with dev.inspector = false, snapshot of ${quiet.source}`);
  // --base a[,b…]: earlier commits (or variants committed elsewhere) alongside, each started the same way.
  for (const [i, commit] of (plan.base ? plan.base.split(",") : []).entries()) {
    const baseDir = join(workDir, `flash-base-${i}`);
    mkdirSync(baseDir, { recursive: true });
    const base = await startOurs(baseDir, { quiet: true, base: commit, extraVars });
    started.push(base);
    if (base.direct) targets.push({ ...base.direct, name: `ours @${base.source} direct` });
    console.log(`flash: before = ${base.source} (--base), started the same way`);
  }
  if (plan.inspector) {
    const devDir = join(workDir, "flash-dev");
    mkdirSync(devDir, { recursive: true });
    const dev = await startOurs(devDir);
    started.push(dev);
    if (dev.direct) targets.push({ ...dev.direct, name: "ours (wrangler dev) direct" });
  }
  // The runtime floor, and the floor with a commit per connect and per message (unless --no-floor).
  const floors = [];
  if (plan.floor !== false)
    for (const rows of [false, true]) {
      const dir = join(workDir, rows ? "flash-floor-rows" : "flash-floor");
      mkdirSync(dir, { recursive: true });
      try {
        const floor = await startFloor(dir, { rows });
        started.push(floor);
        floors.push(floor);
        targets.push(floor);
        console.log(`flash: ${floor.name} = ${floor.path}`);
      } catch (e) {
        // Without a floor the run still measures ours; the "above the floor" rows are left out.
        log(`flash: the floor${rows ? " + rows" : ""} did not start: ${e.message.split("\n")[0]}`);
      }
    }
  const sio = await startSocketIO(workDir);
  started.push({ stop: sio.stop });
  targets.push(sio);
  try {
    for (const t of targets) if (t.kind === "ours") await seed(t, plan.rooms, plan.history, log);
    // Warm-up (not measured): the first connects of a fresh process also pay for compiling the join path.
    for (const t of targets) {
      const warm = [];
      for (let i = 0; i < 50; i++) {
        const c = new BenchClient(t.kind, await t.wsUrl(`flash-warm-${i % 5}`, `warm-${i}`));
        await c.open(30000);
        warm.push(c);
      }
      await closeAll(warm);
    }
    /** @type {Record<string, any[]>} */
    const rows = Object.fromEntries(targets.map((t) => [t.name, []]));
    for (let k = 0; k < plan.rounds; k++) {
      // Alternate the order so neither target always runs right after the other's rooms went to sleep.
      const order = k % 2 ? [...targets].reverse() : targets;
      for (const t of order) rows[t.name].push(await round(t, { ...plan, tag: `r${k}${Date.now().toString(36)}` }, log));
    }
    /** @type {Record<string, any>} */
    const probes = {};
    for (const t of targets) {
      const runs = [];
      for (let i = 0; i < 5; i++) runs.push(await probeJoin(t, `flash-${i}`, `probe-${i}`));
      probes[t.name] = { frames: median(runs.map((p) => p.frames)), bytes: median(runs.map((p) => p.bytes)), kinds: runs[0]?.kinds };
    }
    const col = (f, digits) => targets.map((t) => medSpread(rows[t.name].map(f), digits));
    const sioName = sio.name;
    const ratio = (f) =>
      targets.map((t) => {
        const ours = median(rows[t.name].map(f));
        const base = median(rows[sioName].map(f));
        return t.name === sioName ? "1" : `${fmt(ours / base)} ×`;
      });
    // Our cost = ours − the floor, from the medians of the same run (the floor's rooms have no history to seed).
    const floor = floors.find((f) => f.name === "floor");
    const minusFloor = (f, t) => (floor ? fmt(median(rows[t.name].map(f)) - median(rows[floor.name].map(f)), 3) : "n/a");
    const aboveFloor = floor
      ? [
          [
            "CPU per connect above the floor ms (− floor)",
            ...targets.map((t) => (t.kind === "sio" || t === floor ? "" : minusFloor((r) => r.cpuPerConnectMs, t))),
          ],
          [
            "CPU per room woken above the floor ms (− floor)",
            ...targets.map((t) => (t.kind === "sio" || t === floor ? "" : minusFloor((r) => r.wakeCpuPerRoomMs, t))),
          ],
        ]
      : [];
    printTable(
      `Flash crowd: ${plan.clients} ${plan.knownUsers ? "known" : "new"} users into ${plan.rooms} rooms${plan.inboxOff ? " (INBOX_INDEX=off)" : ""} (${plan.history} messages of history each) within ${plan.windowS} s, then every room hibernated and woken by one message at once; median (min–max) of ${plan.rounds} interleaved rounds`,
      ["", ...targets.map((t) => t.name)],
      [
        ["connect all, s (wall, first start → last ready)", ...col((r) => r.wallMs / 1000)],
        ["  … × Socket.IO", ...ratio((r) => r.wallMs)],
        [
          "ready p50 / p99 ms",
          ...targets.map((t) => `${fmt(median(rows[t.name].map((r) => r.readyP50)))} / ${fmt(median(rows[t.name].map((r) => r.readyP99)))}`),
        ],
        [`CPU per connect, room runtime ms (to ${FOLLOW_MS / 1000} s after the last ready)`, ...col((r) => r.cpuPerConnectMs, 3)],
        ["  … until the last ready", ...col((r) => r.readyCpuPerConnectMs, 3)],
        ["CPU per connect, dev tooling ms", ...col((r) => r.toolingCpuPerConnectMs, 3)],
        [
          "join frames / bytes per client (in the crowd)",
          ...targets.map(
            (t) => `${fmt(median(rows[t.name].map((r) => r.joinFramesPerClient)))} / ${fmt(median(rows[t.name].map((r) => r.joinBytesPerClient)), 0)}`,
          ),
        ],
        ["join frames / bytes, alone in a quiet room", ...targets.map((t) => `${fmt(probes[t.name].frames)} / ${fmt(probes[t.name].bytes, 0)}`)],
        [
          "until hibernated: s / CPU per room ms (room runtime)",
          ...targets.map((t) =>
            t.kind !== "sio" ? `${fmt(median(rows[t.name].map((r) => r.idleS)), 0)} / ${fmt(median(rows[t.name].map((r) => r.idleCpuPerRoomMs)), 3)}` : "n/a",
          ),
        ],
        [
          "rooms in memory when woken",
          ...targets.map((t) =>
            t.kind !== "sio"
              ? medSpread(
                  rows[t.name].map((r) => r.awakeAtWake),
                  0,
                )
              : "n/a",
          ),
        ],
        ["wake ack p50 ms", ...col((r) => r.wakeAckP50)],
        ["wake ack p99 ms", ...col((r) => r.wakeAckP99)],
        ["  … p99 × Socket.IO", ...ratio((r) => r.wakeAckP99)],
        ["CPU per room woken until the last ack, room runtime ms", ...col((r) => r.ackedCpuPerRoomMs, 3)],
        [
          `CPU per room woken, room runtime / tooling ms (to ${FOLLOW_MS / 1000} s after the last ack)`,
          ...targets.map(
            (t) => `${fmt(median(rows[t.name].map((r) => r.wakeCpuPerRoomMs)), 3)} / ${fmt(median(rows[t.name].map((r) => r.wakeToolingCpuPerRoomMs)), 3)}`,
          ),
        ],
        [
          "open files of the room process when connected",
          ...targets.map((t) =>
            t.kind !== "sio"
              ? medSpread(
                  rows[t.name].map((r) => r.fdsConnected),
                  0,
                )
              : "n/a",
          ),
        ],
        [
          "failed connects / lost wakes / dropped",
          ...targets.map((t) => rows[t.name].map((r) => `${r.failed}/${r.wakeLost ?? "–"}/${r.dropped ?? "–"}`).join(" ")),
        ],
        ["other cores (noise)", ...col((r) => r.otherCores)],
        ...aboveFloor,
      ],
    );
    for (const t of targets) if (probes[t.name].kinds) console.log(`join frames on ${t.name}: ${probes[t.name].kinds.join(", ")}`);
    if (floor)
      console.log(
        "floor = bench/servers/floor: Worker → one SQLite-backed Durable Object per room, hibernatable socket, one welcome frame, an ack per message (passed on to the other sockets), no token check; " +
          "floor + rows = the same with a row written per connect and per message (a commit each)",
      );
    return { plan, targets: targets.map((t) => ({ name: t.name, path: t.path })), rows, probes };
  } finally {
    for (const s of started) await s.stop();
  }
}
