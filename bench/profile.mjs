#!/usr/bin/env node
// node bench/profile.mjs [connect|fanout|throughput|single|wake|all] — where does the room's JS time go?
// Starts our server like the bench does, attaches to the worker's V8 inspector (wrangler's
// --inspector-port) and records a CPU profile (CDP Profiler) while one load runs; prints the functions
// with the most self time and the share of idle/GC/program (native) time. Loopback only, bounded.
import { mkdirSync, writeFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import WebSocket from "ws";
import { installCleanup, stopAllChildren, sleep, cpuMicros, runMain, untilRoomsAsleep } from "./lib/proc.mjs";
import { startOurs } from "./lib/targets.mjs";
import { BenchClient, openMany, closeAll, messageText } from "./lib/clients.mjs";
import { printTable, fmt } from "./lib/stats.mjs";

const ROOT = new URL("../", import.meta.url).pathname;
const which = process.argv[2] ?? "all";

class Inspector {
  static async attach(port) {
    const list = /** @type {any[]} */ (await (await fetch(`http://127.0.0.1:${port}/json`)).json());
    const target = list.find((t) => t.webSocketDebuggerUrl) ?? list[0];
    const ws = new WebSocket(target.webSocketDebuggerUrl, { perMessageDeflate: false });
    await new Promise((r, j) => {
      ws.once("open", r);
      ws.once("error", j);
    });
    return new Inspector(ws, target);
  }
  constructor(ws, target) {
    this.ws = ws;
    this.target = target;
    this.id = 0;
    this.pending = new Map();
    ws.on("message", (d) => {
      const m = JSON.parse(d.toString());
      if (m.id && this.pending.has(m.id)) {
        const { resolve, reject } = this.pending.get(m.id);
        this.pending.delete(m.id);
        m.error ? reject(new Error(m.error.message)) : resolve(m.result);
      }
    });
  }
  send(method, params = {}) {
    const id = ++this.id;
    this.ws.send(JSON.stringify({ id, method, params }));
    return new Promise((resolve, reject) => this.pending.set(id, { resolve, reject }));
  }
  close() {
    this.ws.close();
  }
}

/** Self time per function (and per file) from a V8 .cpuprofile. */
function summarize(profile) {
  const dt = new Map();
  const { samples, timeDeltas, nodes } = profile;
  const byId = new Map(nodes.map((n) => [n.id, n]));
  for (let i = 0; i < samples.length; i++) dt.set(samples[i], (dt.get(samples[i]) ?? 0) + (timeDeltas[i] ?? 0));
  const fn = new Map();
  let total = 0;
  for (const [id, us] of dt) {
    const n = byId.get(id);
    const cf = n.callFrame;
    const file = cf.url ? cf.url.split("/").slice(-1)[0] : "";
    const key = `${cf.functionName || "(anonymous)"} ${file}${cf.url ? `:${cf.lineNumber + 1}` : ""}`;
    fn.set(key, (fn.get(key) ?? 0) + us);
    total += us;
  }
  return { total, top: [...fn.entries()].sort((a, b) => b[1] - a[1]) };
}

/** Profiles `run(ctx)` only; `setup()` (connects) runs before the profiler starts and its value is passed on. */
async function profiled(name, inspector, worker, run, setup = async () => null) {
  const ctx = await setup();
  await inspector.send("Profiler.setSamplingInterval", { interval: 100 });
  await inspector.send("Profiler.start");
  const cpu0 = cpuMicros(worker);
  const t0 = performance.now();
  const info = await run(ctx);
  const wall = performance.now() - t0;
  const cpu = cpuMicros(worker) - cpu0;
  const { profile } = await inspector.send("Profiler.stop");
  if (ctx?.clients) await closeAll(ctx.clients); // the leave storm is not part of what is profiled
  writeFileSync(join(ROOT, "bench/results", `profile-${name}.cpuprofile`), JSON.stringify(profile));
  const { total, top } = summarize(profile);
  const js = top.filter(([k]) => !/^\((idle|program|garbage collector|root)\)/.test(k)).reduce((n, [, us]) => n + us, 0);
  console.log(
    `\n${name}: ${info}; wall ${fmt(wall, 0)} ms, worker process CPU ${fmt(cpu / 1000, 0)} ms (${fmt(cpu / 1000 / wall)} cores), JS ${fmt(js / 1000, 0)} ms of ${fmt(total / 1000, 0)} ms sampled`,
  );
  printTable(
    `top self time, ${name} (bench/results/profile-${name}.cpuprofile)`,
    ["function", "ms", "% of sampled"],
    top.slice(0, 18).map(([k, us]) => [k.slice(0, 90), us / 1000, `${fmt((100 * us) / total, 1)}%`]),
  );
}

async function main() {
  installCleanup();
  const workDir = join(ROOT, ".tmp", `profile-${Date.now().toString(36)}`);
  mkdirSync(workDir, { recursive: true });
  mkdirSync(join(ROOT, "bench/results"), { recursive: true });
  try {
    const ours = await startOurs(workDir);
    const target = ours.direct ?? ours.proxy;
    const worker = ours.procs().find((p) => p.label === "workerd (worker)")?.pid;
    const inspector = await Inspector.attach(ours.inspectorPort);
    await inspector.send("Profiler.enable");
    console.log(`profiling ${target.name} (${target.path}), inspector target: ${inspector.target.title ?? inspector.target.id}`);

    if (which === "connect" || which === "all") {
      await profiled("connect", inspector, worker, async () => {
        const { clients, totalMs } = await openMany(300, async (i) => new BenchClient("ours", await target.wsUrl(`prof-c-${i % 3}`, `u${i}`)), {
          concurrency: 50,
        });
        await closeAll(clients);
        return `300 clients into 3 rooms, 50 handshakes in flight: ${fmt(totalMs, 0)} ms`;
      });
    }
    if (which === "fanout" || which === "all") {
      await profiled(
        "fanout",
        inspector,
        worker,
        async ({ clients }) => {
          const sender = clients[0];
          let got = 0;
          for (const c of clients) c.onMessage = () => got++;
          const t0 = performance.now();
          for (let i = 0; i < 200; i++) {
            sender.send(`pf-${i}-xxxxxxxx`, messageText(i));
            await sleep(10);
          }
          await sleep(300);
          return `1 sender → 199 receivers, 200 messages at ~100/s: ${got} deliveries in ${fmt(performance.now() - t0, 0)} ms`;
        },
        async () => {
          const { clients } = await openMany(200, async (i) => new BenchClient("ours", await target.wsUrl("prof-f", `r${i}`)), { concurrency: 50 });
          await sleep(500);
          return { clients };
        },
      );
    }
    for (const senders of [10, 1]) {
      const name = senders === 10 ? "throughput" : "single";
      if (which !== name && which !== "all") continue;
      await profiled(
        name,
        inspector,
        worker,
        async ({ clients }) => {
          let acked = 0;
          let stop = false;
          clients.forEach((c, si) => {
            let k = 0;
            c.onMessage = () => {};
            c.onAck = () => {
              acked++;
              if (!stop) c.send(`pt-${si}-${k++}-xxxx`, messageText(k));
            };
            c.send(`pt-${si}-${k++}-xxxx`, messageText(k));
          });
          await sleep(3000);
          stop = true;
          await sleep(300);
          return `${senders} sender(s) × 1 in flight for 3 s: ${acked} acks`;
        },
        async () => {
          const { clients } = await openMany(senders, async (i) => new BenchClient("ours", await target.wsUrl(`prof-${name}`, `s${i}`)), { concurrency: 10 });
          await sleep(300);
          return { clients };
        },
      );
    }
    if (which === "wake" || which === "all") {
      // The many-rooms connect and wake (BENCHMARKS.md §4, §16): 100 new rooms × 5 members (5 users, so their
      // own objects stay warm), then every room out of memory, then one message into each at once.
      const rooms = 100;
      const clients = [];
      await profiled("connect-rooms", inspector, worker, async () => {
        const opened = await openMany(rooms * 5, async (i) => new BenchClient("ours", await target.wsUrl(`prof-w-${Math.floor(i / 5)}`, `u${i % 5}`)), {
          concurrency: 50,
        });
        clients.push(...opened.clients);
        return `${rooms} new rooms × 5 clients (5 users), 50 handshakes in flight: ${fmt(opened.totalMs, 0)} ms`;
      });
      for (const c of clients) c.onMessage = () => {};
      await profiled(
        "wake",
        inspector,
        worker,
        async () => {
          let acked = 0;
          const done = new Promise((resolve) => {
            for (const c of clients)
              c.onAck = () => {
                if (++acked === rooms) resolve();
              };
          });
          const t0 = performance.now();
          for (let r = 0; r < rooms; r++) clients[r * 5].send(`pw-${r}-xxxxxxxx`, messageText(r));
          await Promise.race([done, sleep(20000)]);
          return `one message into each of ${rooms} hibernated rooms: ${acked} acks in ${fmt(performance.now() - t0, 0)} ms`;
        },
        async () => {
          // Out of memory: at most one room database open in the worker process for 3 s in a row.
          await untilRoomsAsleep(worker, { awake: 1 });
          return { clients };
        },
      );
    }
    inspector.close();
  } finally {
    await stopAllChildren();
    rmSync(workDir, { recursive: true, force: true });
  }
}

runMain(main);
