#!/usr/bin/env node
// node bench/native-profile.mjs [--rooms 100] [--base <commit>] [--no-floor] [--rounds 2] [--wake] [--keep] [--through <regex>]…
// — where a connect's (with --wake, also a woken room's) CPU goes, native code included. bench/profile.mjs sees
// only the JavaScript share of the room process (15–35 %) and charges the runtime's work (SQLite, commits, an
// object's start) to the next JS function; this samples the whole worker process with Linux `perf` (task-clock,
// one sample per 250 µs of its CPU, stacks through workerd's own symbols) while §4's `--quick` crowd runs —
// `--rooms` new rooms × 5 clients (5 users), 50 handshakes in flight, after 50 warm-up connects elsewhere — and
// prints ms of CPU per connect (per room woken) by what the runtime was doing, for ours, `--base` and the runtime
// floor (bench/servers/floor). Needs perf (root, or kernel.perf_event_paranoid ≤ 1 for the kernel's share).
// Each server runs alone, in turn; rounds alternate the order (ours, base, floor, then the reverse), as
// whichever runs first is slower (BENCHMARKS.md §16, session 10), and the tables give their mean. With
// BENCH_TMP=/dev/shm/… the servers' storage is on memory. Loopback only, bounded.
import { spawn, spawnSync } from "node:child_process";
import { mkdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { closeAll } from "./lib/clients.mjs";
import { messageEachRoom, openCrowd, PER_ROOM, warmUp } from "./lib/crowd.mjs";
import { cpuMicros, installCleanup, runMain, stopAllChildren, sleep, untilRoomsAsleep } from "./lib/proc.mjs";
import { fmt, printTable } from "./lib/stats.mjs";
import { ensureDist, startFloor, startOurs } from "./lib/targets.mjs";

const ROOT = new URL("../", import.meta.url).pathname;
const args = process.argv.slice(2);
const option = (name) => (args.includes(`--${name}`) ? args[args.indexOf(`--${name}`) + 1] : undefined);
const ROOMS = Number(option("rooms") ?? 100);
const BASE = option("base");
const ROUNDS = Number(option("rounds") ?? 2);
const WAKE = args.includes("--wake");
/** Keeps the perf.data files (their paths are printed) for `perf report -i <file>`. */
const KEEP = args.includes("--keep");
const PERIOD_US = 250;
/** Extra rows: CPU in stacks with a frame matching each (e.g. `ensureConstructedImpl`: objects' constructors, SQL included). */
const THROUGH = args.flatMap((a, i) => (a === "--through" ? [new RegExp(args[i + 1])] : []));

/**
 * What a sample was doing, by the first pattern any frame of its stack matches (so each sample counts once,
 * and the rows add up to the total). Ordered from the most specific: a commit's disk sync is also SQLite,
 * which is also "our JS" further down the same stack.
 */
/** @type {[string, RegExp][]} */
const CATEGORIES = [
  ["disk sync (kernel fsync)", /do_fsync|fdatasync|__x64_sys_fsync/],
  ["SQLite commit (WAL frames)", /vdbeCommit|sqlite3PagerCommit|sqlite3WalFrames/],
  ["SQL prepare (parse, plan)", /sqlite3Prepare|sqlite3LockAndPrepare/],
  ["SQL run (step, cursors)", /sqlite3_|sqlite3Vdbe|SqliteDatabase|SqlStorage/],
  ["a new object (runtime)", /Worker::Actor::Impl|ActorNamespace::|ActorContainer/],
  ["object constructors (JS)", /ensureConstructedImpl/],
  ["RPC between objects", /JsRpc|capnp::/],
  ["garbage collection", /v8::internal::Heap|Scavenger|MarkCompact|ConcurrentMarking|GlobalHandles|HeapTracer|TracedReference|Wrappable::detach/],
  ["WebSocket accept, send, hibernation", /HibernationManager|api::WebSocket|acceptWebSocket|serializeAttachment/],
  ["Worker → object subrequest", /getSubrequest|fetchImpl|Fetcher::/],
  ["alarms", /setAlarm|AlarmScheduler/],
  ["timers (setTimeout)", /setTimeoutImpl|TimeoutManager/],
  ["HTTP and network I/O", /HttpServer|HttpInput|HttpOutput|WebSocketImpl|AsyncStreamFd|tcp_|sock_|inet_|skb|ep_poll|epoll/],
  ["JavaScript and V8 (JIT, builtins)", /Builtins_|v8::|^[0-9a-f]+$/],
  ["allocator", /tcmalloc|malloc|free/],
];
const OTHER = "other (event loop, kernel)";
const throughRow = (re) => `… of it in stacks through /${re.source}/`;

function requirePerf() {
  if (spawnSync("perf", ["--version"]).status !== 0) {
    console.error("native-profile: needs Linux perf — run as root: apt-get install -y linux-perf");
    process.exit(2);
  }
}

/** Samples per category from `perf script`, streamed (a run is ~10⁴ stacks). */
async function categorize(dataFile) {
  const counts = new Map();
  let total = 0;
  const child = spawn("perf", ["script", "-i", dataFile, "-F", "ip,sym"], { stdio: ["ignore", "pipe", "ignore"] });
  let frames = [];
  let rest = "";
  const flush = () => {
    if (frames.length === 0) return;
    total++;
    const hit = CATEGORIES.find(([, re]) => frames.some((f) => re.test(f)));
    const name = hit ? hit[0] : OTHER;
    counts.set(name, (counts.get(name) ?? 0) + 1);
    for (const re of THROUGH) if (frames.some((f) => re.test(f))) counts.set(throughRow(re), (counts.get(throughRow(re)) ?? 0) + 1);
    frames = [];
  };
  for await (const chunk of child.stdout) {
    const lines = (rest + chunk).split("\n");
    rest = lines.pop() ?? "";
    for (const line of lines) {
      const frame = line.trim();
      if (frame === "") flush();
      else frames.push(frame.includes(" ") ? frame.slice(frame.indexOf(" ") + 1) : frame);
    }
  }
  flush();
  return { counts, total };
}

/** Runs `load` with perf recording the worker process; CPU per `units` (connects, rooms woken) by category. */
async function recorded(worker, dataFile, units, load) {
  const perf = spawn("perf", ["record", "-e", "task-clock", "-c", String(PERIOD_US * 1000), "-g", "-p", String(worker), "-o", dataFile, "-q"], {
    stdio: "ignore",
  });
  await sleep(1000);
  const cpu0 = cpuMicros(worker);
  const t0 = performance.now();
  await load();
  const wallMs = performance.now() - t0;
  const procMs = (cpuMicros(worker) - cpu0) / 1000;
  perf.kill("SIGINT");
  await new Promise((resolve) => perf.on("exit", resolve));
  const { counts, total } = await categorize(dataFile);
  const per = (samples) => (samples * PERIOD_US) / 1000 / units;
  return { wallMs, procMs: procMs / units, sampledMs: per(total), rows: new Map([...counts].map(([k, v]) => [k, per(v)])) };
}

/**
 * Warms the generator and the isolate elsewhere, then records the worker process through one connect crowd
 * and, with --wake, through one message into each of its rooms once every room is out of memory.
 */
async function profileCrowd(target, workDir) {
  const worker = target.procs().find((p) => p.label === "workerd (worker)")?.pid;
  if (!worker) throw new Error(`${target.name}: the worker's workerd process was not found`);
  await warmUp(target, "np", 3000);
  /** @type {import("./lib/clients.mjs").BenchClient[]} */
  let clients = [];
  const connect = await recorded(worker, join(workDir, "connect.perf"), ROOMS * PER_ROOM, async () => {
    clients = await openCrowd(target, "np", ROOMS);
  });
  let wake = null;
  if (WAKE) {
    // Out of memory: no room database open in the worker for 3 s in a row.
    if (!(await untilRoomsAsleep(worker, { max: 150 }))) throw new Error(`${target.name}: the rooms did not leave memory in 150 s`);
    wake = await recorded(worker, join(workDir, "wake.perf"), ROOMS, () => messageEachRoom(clients, ROOMS, "np-wake"));
  }
  await closeAll(clients);
  return { name: target.name, connect, wake };
}

async function main() {
  requirePerf();
  installCleanup();
  ensureDist();
  // BENCH_TMP=/dev/shm/… puts the servers' storage on memory (as `npm run bench` does): disk syncs, whose cost
  // moves with the disk's state, then stop drowning a CPU change.
  const workDir = join(process.env.BENCH_TMP ?? join(ROOT, ".tmp"), `native-${Date.now()}`);
  mkdirSync(workDir, { recursive: true });
  /** @type {Map<string, Awaited<ReturnType<typeof profileCrowd>>[]>} */
  const runs = new Map();
  try {
    // One server at a time: each has the machine to itself, and nothing else shares its thread.
    /** @type {((dir: string) => Promise<any>)[]} */
    const starts = [async (dir) => (await startOurs(dir, { quiet: true })).direct];
    if (BASE) starts.push(async (dir) => ({ ...(await startOurs(dir, { quiet: true, base: BASE })).direct, name: `ours @${BASE}` }));
    if (!args.includes("--no-floor")) starts.push(async (dir) => await startFloor(dir));
    for (let round = 0; round < ROUNDS; round++) {
      for (const [i, start] of (round % 2 ? [...starts].reverse() : starts).entries()) {
        const dir = join(workDir, `${round}-${i}`);
        mkdirSync(dir, { recursive: true });
        const result = await profileCrowd(await start(dir), dir);
        await stopAllChildren();
        const woken = result.wake ? `; ${fmt(result.wake.sampledMs, 2)} ms per room woken` : "";
        console.log(
          `round ${round + 1}: ${result.name}: ${fmt(result.connect.sampledMs, 2)} ms per connect, connect all ${fmt(result.connect.wallMs / 1000, 2)} s${woken}`,
        );
        runs.set(result.name, [...(runs.get(result.name) ?? []), result]);
      }
    }
  } finally {
    await stopAllChildren();
    if (KEEP) console.log(`perf data kept under ${workDir} (<round>-<server>/{connect,wake}.perf)`);
    else rmSync(workDir, { recursive: true, force: true });
  }
  const names = [...CATEGORIES.map(([n]) => n), OTHER];
  const extra = THROUGH.map(throughRow);
  const mean = (list, pick) => list.reduce((sum, r) => sum + pick(r), 0) / list.length;
  /** @type {("connect" | "wake")[]} */
  const phases = WAKE ? ["connect", "wake"] : ["connect"];
  for (const phase of phases) {
    const results = [...runs].map(([name, list]) => {
      const of = list.map((r) => /** @type {NonNullable<typeof r.connect>} */ (r[phase]));
      return {
        name,
        wallMs: mean(of, (r) => r.wallMs),
        procMs: mean(of, (r) => r.procMs),
        sampledMs: mean(of, (r) => r.sampledMs),
        rows: new Map([...names, ...extra].map((n) => [n, mean(of, (r) => r.rows.get(n) ?? 0)])),
      };
    });
    const floor = results.find((r) => r.name.startsWith("floor"));
    const columns = results.flatMap((r) => (floor && r !== floor ? [r.name, `${r.name} − floor`] : [r.name]));
    const cell = (r, v) => (floor && r !== floor ? [fmt(v(r), 2), fmt(v(r) - v(floor), 2)] : [fmt(v(r), 2)]);
    const unit = phase === "connect" ? "connect" : "room woken";
    const load =
      phase === "connect"
        ? `${ROOMS} new rooms × ${PER_ROOM} clients (5 users), 50 in flight`
        : `one message into each of the ${ROOMS} rooms at once, every room out of memory`;
    printTable(
      `CPU of the worker's workerd per ${unit}, ms, mean of ${ROUNDS} round(s): ${load}; perf task-clock every ${PERIOD_US} µs`,
      ["what the runtime was doing", ...columns],
      [
        ...names.map((n) => [n, ...results.flatMap((r) => cell(r, (x) => x.rows.get(n) ?? 0))]),
        ["total sampled", ...results.flatMap((r) => cell(r, (x) => x.sampledMs))],
        ...extra.map((n) => [n, ...results.flatMap((r) => cell(r, (x) => x.rows.get(n) ?? 0))]),
        ["process CPU (/proc), same interval", ...results.flatMap((r) => cell(r, (x) => x.procMs))],
        [phase === "connect" ? "connect all, s" : "last ack, s", ...results.flatMap((r) => cell(r, (x) => x.wallMs / 1000))],
      ],
    );
  }
}

runMain(main);
