// Child processes, ports and /proc readings for the bench.
// Every child runs in its own process group so that one signal reaches it and everything it spawned
// (wrangler → two workerd processes); all of them are stopped on exit, on errors and on SIGINT.
import { spawn, execFileSync } from "node:child_process";
import { createServer } from "node:net";
import { readFileSync, readdirSync, readlinkSync, openSync, closeSync } from "node:fs";

const children = new Set();

/**
 * Starts a command in its own process group, stdout+stderr appended to `logFile`.
 * @param {string} cmd
 * @param {string[]} args
 * @param {{ env?: Record<string, string>, cwd?: string, logFile?: string }} [options]
 */
export function startChild(cmd, args, { env, cwd, logFile } = {}) {
  const fd = logFile ? openSync(logFile, "a") : "ignore";
  const child = spawn(cmd, args, {
    cwd,
    env: { ...process.env, ...env },
    stdio: ["ignore", fd, fd],
    detached: true,
  });
  if (typeof fd === "number") closeSync(fd);
  children.add(child);
  child.on("exit", () => children.delete(child));
  return child;
}

/** SIGINT the child's group (wrangler stops its workerd children on SIGINT), SIGKILL after a grace period. */
export async function stopChild(child, graceMs = 4000) {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  // Collect the whole tree first: after wrangler exits, its children are re-parented and unreachable by ppid.
  const tree = [child.pid, ...descendants(child.pid)];
  const exited = new Promise((r) => child.once("exit", r));
  signalGroup(child.pid, "SIGINT");
  const timedOut = await Promise.race([exited.then(() => false), sleep(graceMs).then(() => true)]);
  if (timedOut) signalGroup(child.pid, "SIGKILL");
  for (const pid of tree)
    if (alive(pid))
      try {
        process.kill(pid, "SIGKILL");
      } catch {}
  children.delete(child);
}

function signalGroup(pid, sig) {
  try {
    process.kill(-pid, sig);
  } catch {
    try {
      process.kill(pid, sig);
    } catch {}
  }
}

function alive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Synchronous last-resort cleanup for process exit paths (no awaiting possible there). */
export function killAllChildrenSync() {
  for (const child of children) {
    const tree = [child.pid, ...descendants(child.pid)];
    signalGroup(child.pid, "SIGKILL");
    for (const pid of tree)
      try {
        process.kill(pid, "SIGKILL");
      } catch {}
  }
  children.clear();
}

export async function stopAllChildren() {
  await Promise.all([...children].map((c) => stopChild(c)));
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/**
 * A free loopback TCP port (bind to 0, read it, release it).
 * @returns {Promise<number>}
 */
export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const { port } = /** @type {import("node:net").AddressInfo} */ (srv.address());
      srv.close(() => resolve(port));
    });
  });
}

/** Polls `url` until `accept(response)` is true or the deadline passes. */
export async function waitForHttp(url, accept, timeoutMs, child) {
  const deadline = Date.now() + timeoutMs;
  let last = "no answer";
  while (Date.now() < deadline) {
    if (child && child.exitCode !== null) throw new Error(`process exited (${child.exitCode}) before ${url} answered`);
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(2000) });
      const body = await res.text();
      if (await accept(res, body)) return { status: res.status, body };
      last = `${res.status} ${body.slice(0, 120)}`;
    } catch (e) {
      last = e.cause?.code ?? e.message;
    }
    await sleep(250);
  }
  throw new Error(`${url} not ready after ${timeoutMs} ms (last: ${last})`);
}

function parentOf(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // Field 4 (ppid) follows the ")" that closes the command name, which may itself contain spaces.
    return Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
  } catch {
    return -1;
  }
}

/** All live descendants of `root`, by walking /proc. */
export function descendants(root) {
  const byParent = new Map();
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    const pid = Number(name);
    const ppid = parentOf(pid);
    if (!byParent.has(ppid)) byParent.set(ppid, []);
    byParent.get(ppid).push(pid);
  }
  const out = [];
  const stack = [root];
  while (stack.length) {
    for (const kid of byParent.get(stack.pop()) ?? []) {
      out.push(kid);
      stack.push(kid);
    }
  }
  return out;
}

export function commName(pid) {
  try {
    return readFileSync(`/proc/${pid}/comm`, "utf8").trim();
  } catch {
    return "?";
  }
}

/** Resident set size in bytes (VmRSS). */
export function rssBytes(pid) {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return m ? Number(m[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

const TICK_US = 1e6 / Number(execFileSync("getconf", ["CLK_TCK"]).toString().trim() || 100);

/** user+system CPU time of one process, microseconds (10 ms resolution). */
export function cpuMicros(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(f[11]) + Number(f[12])) * TICK_US; // utime, stime (fields 14, 15)
  } catch {
    return 0;
  }
}

/**
 * CPU (µs) of a target's processes in two groups: the room runtime (the worker's workerd; Socket.IO's node)
 * and everything else it brought along (wrangler's node, the proxy workerd, esbuild), so dev plumbing cannot
 * pass for our cost. `target.procs()` as bench/lib/targets.mjs gives it.
 */
export function cpuSplit(target) {
  let rooms = 0;
  let tooling = 0;
  for (const { pid, label } of target.procs()) {
    if (label === "workerd (worker)" || label === "node") rooms += cpuMicros(pid);
    else tooling += cpuMicros(pid);
  }
  return { rooms, tooling };
}

/** Loopback TCP ports that processes in `pids` listen on, from `ss -ltnpH`. */
export function listeningPorts(pids) {
  const want = new Set(pids.map(String));
  const out = [];
  const text = execFileSync("ss", ["-ltnpH"]).toString();
  for (const line of text.split("\n")) {
    const addr = line.split(/\s+/)[3];
    const pid = /pid=(\d+)/.exec(line)?.[1];
    if (!addr || !pid || !want.has(pid)) continue;
    out.push({ pid: Number(pid), port: Number(addr.slice(addr.lastIndexOf(":") + 1)) });
  }
  return out;
}

/** Installs exit handlers once: children never outlive the bench. */
export function installCleanup() {
  let stopping = false;
  const onSignal = async (sig) => {
    if (stopping) return;
    stopping = true;
    process.stderr.write(`\n${sig}: stopping child processes…\n`);
    await Promise.race([stopAllChildren(), sleep(5000)]);
    killAllChildrenSync();
    process.exit(130);
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  process.on("SIGHUP", onSignal);
  process.on("exit", killAllChildrenSync);
}

/** Busy CPU time of the whole machine (all cores, everything but idle and iowait), microseconds. */
export function systemBusyMicros() {
  const f = readFileSync("/proc/stat", "utf8").split("\n")[0].trim().split(/\s+/).slice(1).map(Number);
  const [user, nice, system, , , irq, softirq, steal] = f;
  return (user + nice + system + irq + softirq + steal) * TICK_US;
}

/**
 * Measures how much CPU processes other than the generator and the server under test used during a
 * measurement — the noise indicator on a shared machine. `stop()` returns cores (CPU-seconds per second).
 */
export function foreignLoad(serverCpuMicros) {
  const sys0 = systemBusyMicros();
  const gen0 = process.cpuUsage();
  const srv0 = serverCpuMicros();
  const t0 = performance.now();
  return () => {
    const gen = process.cpuUsage(gen0);
    const foreign = systemBusyMicros() - sys0 - (gen.user + gen.system) - (serverCpuMicros() - srv0);
    return Math.max(0, foreign / 1000 / (performance.now() - t0));
  };
}

/**
 * Paths of the room databases process `pid` holds open right now: workerd opens a Durable Object's SQLite
 * file when the object starts and closes it when the object is evicted (hibernation), so this is the set of
 * rooms in memory. Miniflare's name table of the class (`metadata.sqlite`, same folder) stays open all
 * along and is not a room. Empty when the process cannot be read.
 */
export function openRoomDatabases(pid) {
  const open = new Set();
  if (!pid) return open;
  try {
    for (const fd of readdirSync(`/proc/${pid}/fd`)) {
      try {
        const target = readlinkSync(`/proc/${pid}/fd/${fd}`);
        if (target.endsWith(".sqlite") && target.includes("-Room/") && !target.endsWith("/metadata.sqlite")) open.add(target);
      } catch {}
    }
  } catch {}
  return open;
}

/**
 * Runs a bench script's `main`: exit 0 when it resolves; when it throws, print the error, stop every child
 * (wrangler, workerd, Chromium; at most 5 s, so a stuck one cannot keep a failed run alive) and exit 1.
 * @param {() => Promise<unknown>} main
 */
export function runMain(main) {
  main().then(
    () => process.exit(0),
    async (e) => {
      console.error(e?.stack ?? e);
      await Promise.race([stopAllChildren(), sleep(5000)]);
      process.exit(1);
    },
  );
}

/**
 * Waits until the worker process `pid` holds at most `awake` room databases open at `seconds` checks in a row,
 * one a second — the liveness sweep wakes a room every 12.5 s for a minute after its last event, so one quiet
 * check is not sleep — for at most `max` seconds. Returns whether the rooms got there.
 */
export async function untilRoomsAsleep(pid, { awake = 0, seconds = 3, max = 120 } = {}) {
  for (let s = 0, quiet = 0; s < max; s++) {
    await sleep(1000);
    quiet = openRoomDatabases(pid).size <= awake ? quiet + 1 : 0;
    if (quiet >= seconds) return true;
  }
  return false;
}

/** Open file descriptors of a process (every awake Durable Object holds its SQLite files open, every socket one more), or null. */
export function openFds(pid) {
  try {
    return pid ? readdirSync(`/proc/${pid}/fd`).length : null;
  } catch {
    return null;
  }
}
