#!/usr/bin/env node
// npm run bench [-- --quick] [--only fanout,throughput,resume,rooms,weight,load] [--no-proxy] [--keep]
//                [--rooms 1000] [--idle 45]   (many-rooms size and idle seconds)
//                [--wakes 3]                  (rooms: that many mass wakes, each after the rooms hibernated again; median p99)
//                [--only calls] [--calls 10]  (issue 9's call setup bench: Chromium, coturn, root; ~4 min)
//                [--only inbox] [--conversations 2000] [--members 1000] [--watchers 10]  (issue 11: 2,000 conversations; a 1,000-member room with the index on vs off; ~3 min)
//                [--only call-recovery]       (issue 10's ICE restart after a TURN outage: Chromium, coturn, root; ~2 min)
//                [--only call-cost] [--call-seconds 300]  (issue 10's CPU, memory and bitrate of a video call; 2 × the seconds)
//                [--only inbox-page]          (issue 11: a 2,000-conversation inbox's first page in Chromium)
//                [--only webhooks] [--senders 10] [--in-flight 4]  (issue 13: a room at its limit with webhooks on vs off; ~1 min)
//                [--only push] [--push-rooms 200] [--push-rate 20] [--push-aa]  (issue 12: entry stored → push received, ack with push on/off; ~1 min)
//                [--only flash] [--rooms 200] [--clients 2000] [--window 10] [--rounds 3] [--base <commit>] [--known-users] [--inbox-off] [--no-floor] [--no-wake]  (issue 14: flash crowd and mass wake, optionally vs an earlier commit, with the runtime floor; ~8 min)
//                [--inspector]                (run our server as `wrangler dev` with its inspector, as `npm start` does)
//                [--base <commit>]            (also that commit's server, started the same way: a same-run A/B in fanout,
//                                              throughput, resume, rooms and flash; e.g. `--quick --only rooms --base 9c0d6f2`)
//                [--floor]                    (rooms: also the runtime floor, bench/servers/floor; flash always has it)
//                [--base-first]               (rooms: the --base commit takes the crowd first; the first one is slower, even A/A)
// Runs every measurement of issue 3 against our server (wrangler dev: through its proxy and straight at
// the worker's own workerd port) and a plain Socket.IO 4 server, with one load generator, on loopback.
// Prints tables; writes everything to bench/results/<timestamp>.json. Stops by itself; cleans up children.
import { mkdirSync, writeFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import os from "node:os";
import { installCleanup, stopAllChildren, killAllChildrenSync, runMain } from "./lib/proc.mjs";
import { startSocketIO, startOurs, startFloor, ensureDist } from "./lib/targets.mjs";
import { runFanout } from "./scenarios/fanout.mjs";
import { runThroughput } from "./scenarios/throughput.mjs";
import { runResume } from "./scenarios/resume.mjs";
import { runRooms } from "./scenarios/rooms.mjs";
import { runWeight } from "./scenarios/weight.mjs";
import { runLoad } from "./scenarios/load.mjs";
import { runFlood } from "./scenarios/flood.mjs";
import { VARIANTS } from "./lib/variants.mjs";
import { runCallCost } from "./scenarios/call-cost.mjs";
import { runCallRecovery } from "./scenarios/call-recovery.mjs";
import { runCalls } from "./scenarios/calls.mjs";
import { runInbox } from "./scenarios/inbox.mjs";
import { runInboxPage } from "./scenarios/inbox-page.mjs";
import { runWebhooks } from "./scenarios/webhooks.mjs";
import { runPush } from "./scenarios/push.mjs";
import { runFlash } from "./scenarios/flash.mjs";
import { ensureLoopbackNetns } from "../scripts/netns.mjs";

const ROOT = new URL("../", import.meta.url).pathname;
const argv = process.argv.slice(2);
const flag = (name) => argv.includes(`--${name}`);
const option = (name) => {
  const i = argv.findIndex((a) => a === `--${name}` || a.startsWith(`--${name}=`));
  if (i < 0) return undefined;
  return argv[i].includes("=") ? argv[i].split("=")[1] : argv[i + 1];
};
const QUICK = flag("quick");
const ALL = ["fanout", "throughput", "resume", "rooms", "weight", "load", "flood"];
// --ab (A/B of the room's levers) is extra: ~3 more minutes, so not part of the default run.
const only = option("only")?.split(",") ?? (flag("ab") ? [...ALL, "ab"] : ALL);
// WebRTC must stay on loopback: the call bench runs in a loopback-only network namespace (as root),
// and so does everything else of that run (all of it is loopback anyway).
if (only.some((s) => s.startsWith("call"))) ensureLoopbackNetns(fileURLToPath(import.meta.url), argv);
const BASE = option("base");
const HARD_LIMIT_MS = (QUICK ? 4 : 15) * 60_000 * (BASE ? 2 : 1) + (only.includes("flash") ? 15 * 60_000 : 0);

/** Sizes: the full run fits in ~10 minutes here, --quick in ~2. */
const PLAN = QUICK
  ? {
      fanout: { ns: [10, 100], reps: 3, messages: 60, rate: 40, warmup: 10 },
      throughput: {
        configs: [
          [1, 1],
          [10, 1],
          [100, 1],
        ],
        reps: 1,
        seconds: 1.5,
      },
      resume: { missed: 500, reps: 3 },
      rooms: { rooms: 100, perRoom: 5, idleSeconds: 15 },
      weight: {},
      load: { reps: 2 },
      flood: { seconds: 6, rate: 4, sockets: 8, reps: 2 },
      calls: { calls: 5, settleMs: 1000 },
      inbox: { conversations: 300, recent: 30, reps: 20, members: 200, watchers: 5, phases: 2, perPhase: 10, rate: 4, probes: 5 },
      "call-recovery": { trials: 5 },
      "call-cost": { seconds: 60 },
      "inbox-page": { conversations: 300, withMessages: 60, reps: 2, apiReps: 5 },
      webhooks: { senders: 10, window: 4, seconds: 2, reps: 2 },
      push: { rooms: 50, rate: 20 },
      flash: { rooms: 100, clients: 500, history: 50, windowS: 2.5, rounds: 2, idleMaxS: 100, inspector: false, knownUsers: false, inboxOff: false },
      ab: {
        fanout: { ns: [100], reps: 2, messages: 60, rate: 40, warmup: 10 },
        throughput: {
          configs: [
            [10, 1],
            [100, 1],
          ],
          reps: 1,
          seconds: 1.5,
        },
      },
    }
  : {
      fanout: { ns: [10, 100, 500], reps: 3, messages: 130, rate: 20, warmup: 10 },
      throughput: {
        configs: [
          [1, 1],
          [10, 1],
          [100, 1],
          [10, 8],
        ],
        reps: 3,
        seconds: 2,
      },
      resume: { missed: 500, reps: 5 },
      rooms: { rooms: 1000, perRoom: 5, idleSeconds: 70 },
      weight: {},
      load: { reps: 5 },
      flood: { seconds: 12, rate: 4, sockets: 16, reps: 5 },
      calls: { calls: 10, settleMs: 1000 },
      inbox: { conversations: 2000, recent: 40, reps: 50, members: 1000, watchers: 10, phases: 4, perPhase: 20, rate: 4, probes: 10 },
      "call-recovery": { trials: 7 },
      "call-cost": { seconds: 300 },
      "inbox-page": { conversations: 2000, withMessages: 200, reps: 5, apiReps: 20 },
      webhooks: { senders: 10, window: 4, seconds: 4, reps: 3 },
      push: { rooms: 200, rate: 20 },
      flash: { rooms: 200, clients: 2000, history: 50, windowS: 10, rounds: 3, idleMaxS: 100, inspector: false, knownUsers: false, inboxOff: false },
      ab: {
        fanout: { ns: [100], reps: 3, messages: 130, rate: 20, warmup: 10 },
        throughput: {
          configs: [
            [1, 1],
            [10, 1],
            [100, 1],
          ],
          reps: 3,
          seconds: 2,
        },
      },
    };

if (option("idle")) PLAN.rooms.idleSeconds = Number(option("idle"));
if (option("wakes")) PLAN.rooms.wakes = Number(option("wakes"));
if (option("rooms")) PLAN.rooms.rooms = PLAN.flash.rooms = Number(option("rooms"));
if (option("clients")) PLAN.flash.clients = Number(option("clients"));
if (option("rounds")) PLAN.flash.rounds = Number(option("rounds"));
if (option("window")) PLAN.flash.windowS = Number(option("window"));
if (flag("no-wake")) PLAN.flash.noWake = true;
// Below the room's limit: fewer senders or sends in flight (webhooks).
if (option("senders")) PLAN.webhooks.senders = Number(option("senders"));
if (option("in-flight")) PLAN.webhooks.window = Number(option("in-flight"));
PLAN.flash.inspector = flag("inspector");
if (BASE) PLAN.flash.base = BASE;
// Users whose objects exist already (returning shoppers): the room's join without a new user's first visit.
PLAN.flash.knownUsers = flag("known-users");
PLAN.flash.inboxOff = flag("inbox-off");
// The runtime floor (bench/servers/floor) runs next to ours unless --no-floor.
PLAN.flash.floor = !flag("no-floor");
// Without wrangler's inspector unless asked: `wrangler dev` forwards every Worker → Durable Object
// subrequest through its node process for DevTools (~3 ms CPU per connect), which production never pays.
const QUIET = !flag("inspector");
if (option("calls")) PLAN.calls.calls = Number(option("calls"));
if (option("conversations")) PLAN.inbox.conversations = Number(option("conversations"));
if (option("members")) PLAN.inbox.members = Number(option("members"));
if (option("watchers")) PLAN.inbox.watchers = Number(option("watchers"));
if (option("call-seconds")) PLAN["call-cost"].seconds = Number(option("call-seconds"));
if (option("push-rooms")) PLAN.push.rooms = Number(option("push-rooms"));
if (option("push-rate")) PLAN.push.rate = Number(option("push-rate"));
// A/A: both push servers run with push off, to show what the comparison itself gives when nothing differs.
PLAN.push.aa = flag("push-aa");

const log = (s) => process.stderr.write(`[bench ${((performance.now() - started) / 1000).toFixed(1)}s] ${s}\n`);
const started = performance.now();

async function main() {
  installCleanup();
  const hardStop = setTimeout(() => {
    log(`hard time limit (${HARD_LIMIT_MS / 60000} min) reached: stopping`);
    killAllChildrenSync();
    process.exit(3);
  }, HARD_LIMIT_MS);
  hardStop.unref();

  const stamp = new Date().toISOString().replace(/[:.]/g, "-");
  const workDir = process.env.BENCH_TMP ? join(process.env.BENCH_TMP, `bench-${stamp}`) : join(ROOT, ".tmp", `bench-${stamp}`);
  mkdirSync(workDir, { recursive: true });
  // Also on SIGINT and errors: the exit handler runs after the children are stopped.
  if (!flag("keep")) process.on("exit", () => rmSync(workDir, { recursive: true, force: true }));
  const resultsDir = join(ROOT, "bench", "results");
  mkdirSync(resultsDir, { recursive: true });

  // Our server and the weight scenario need the built widget, and a fresh clone has no dist/: build it
  // now, before the load average is taken, rather than let wrangler refuse to start.
  try {
    ensureDist(log);
  } catch (e) {
    log(`building dist/ failed: ${e.message}`);
  }

  const report = {
    command: `npm run bench${argv.length ? ` -- ${argv.join(" ")}` : ""}`,
    startedAt: new Date().toISOString(),
    machine: {
      cpus: os.cpus().length,
      cpuModel: os.cpus()[0]?.model,
      memGB: +(os.totalmem() / 2 ** 30).toFixed(1),
      node: process.version,
      platform: `${os.type()} ${os.release()}`,
    },
    plan: PLAN,
    targets: {},
    results: {},
  };
  report.machine.loadAverageAtStart = os.loadavg().map((x) => +x.toFixed(2));
  console.log(
    `inapp-talk bench${QUICK ? " (--quick)" : ""}: ${report.machine.cpus} × ${report.machine.cpuModel}, ${report.machine.memGB} GB, node ${process.version}; load average ${report.machine.loadAverageAtStart.join(" ")}`,
  );
  if (report.machine.loadAverageAtStart[0] > 1)
    console.log("note: the machine is busy with other work; the 'other cores' columns show how much, per measurement");

  const needServers = only.some((s) => ["fanout", "throughput", "resume", "rooms", "load", "ab", "inbox-page"].includes(s));
  let sio = null;
  let ours = null;
  let base = null;
  let baseTarget = null;
  const targets = [];
  try {
    if (needServers) {
      sio = await startSocketIO(workDir);
      {
        try {
          ours = await startOurs(workDir, { quiet: QUIET });
          log(
            `${QUIET ? "wrangler's unstable_startWorker (dev.inspector: false)" : "wrangler dev (with its inspector)"} up in ${ours.startMs.toFixed(0)} ms on :${ours.port}; worker's own port ${ours.directPort ?? "not found"}; tokens ${ours.localSigning ? "signed locally (HS256)" : "minted via POST /api/token"}`,
          );
          report.server = {
            source: ours.source,
            wranglerStartMs: Math.round(ours.startMs),
            directPort: ours.directPort,
            tokens: ours.localSigning ? "HS256 signed by the bench" : "POST /api/token",
          };
          console.log(
            `our server: snapshot of ${ours.source}, ${QUIET ? "started by wrangler's unstable_startWorker with dev.inspector = false (no DevTools plumbing; --inspector for wrangler dev)" : "wrangler dev with its inspector"}`,
          );
          if (!flag("no-proxy")) targets.push(ours.proxy);
          if (ours.direct) targets.push(ours.direct);
          // --base: the same scenarios against an earlier commit's server, in the same run (worker port only).
          if (BASE) {
            const baseDir = join(workDir, "base");
            mkdirSync(baseDir, { recursive: true });
            base = await startOurs(baseDir, { quiet: QUIET, base: BASE });
            if (!base.direct) throw new Error(`the worker port of ${base.source} (--base) was not found`);
            baseTarget = { ...base.direct, name: `ours @${base.source} direct` };
            targets.push(baseTarget);
            report.server.base = base.source;
            console.log(`before = ${base.source} (--base): \`git archive\` of that commit, started the same way; its worker port only`);
          }
        } catch (e) {
          log(`our server did not start — measuring Socket.IO only.\n${e.message}`);
          report.ourServerError = e.message;
        }
      }
      targets.push(sio);
      for (const t of targets) report.targets[t.name] = t.path;
      console.log(`targets: ${targets.map((t) => `${t.name} = ${t.path}`).join("; ")}`);
    }
    const ourTargets = targets.filter((t) => t.kind === "ours");
    const save = () => writeFileSync(join(resultsDir, `${stamp}${QUICK ? "-quick" : ""}.json`), JSON.stringify(report, null, 2));

    const step = async (name, fn) => {
      if (!only.includes(name)) return;
      const t0 = performance.now();
      const loadBefore = os.loadavg()[0];
      log(`— ${name} — (load average ${loadBefore.toFixed(2)})`);
      try {
        report.results[name] = await fn();
      } catch (e) {
        report.results[name] = { error: e.stack ?? String(e) };
        log(`${name} FAILED: ${e.stack ?? e}`);
      }
      report.results[name] = {
        ...(report.results[name] ?? {}),
        seconds: +((performance.now() - t0) / 1000).toFixed(1),
        loadAverage1m: { before: +loadBefore.toFixed(2), after: +os.loadavg()[0].toFixed(2) },
      };
      save();
    };

    await step("fanout", async () => ({ rows: await runFanout(targets, PLAN.fanout, log) }));
    await step("throughput", async () => ({ rows: await runThroughput(targets, ours, PLAN.throughput, log) }));
    await step("resume", async () => ({ rows: await runResume(ourTargets, PLAN.resume, log) }));
    await step("rooms", async () => {
      // --floor: the minimal Durable Object chat of bench/servers/floor alongside (what the local runtime costs).
      let floor = null;
      if (flag("floor")) {
        const dir = join(workDir, "rooms-floor");
        mkdirSync(dir, { recursive: true });
        floor = await startFloor(dir);
        console.log(`rooms: floor = ${floor.path}`);
      }
      try {
        // The first server to take the crowd is slower even against itself (A/A: `--base HEAD` on a clean tree,
        // 4.51 vs 3.68 s, BENCHMARKS.md §16): --base-first runs the base first, so an A/B can be run both ways.
        const mine = ours?.direct ?? ours?.proxy;
        const order = flag("base-first") ? [baseTarget, mine] : [mine, baseTarget];
        return await runRooms([...order, floor, sio], PLAN.rooms, log);
      } finally {
        await floor?.stop();
      }
    });
    await step("weight", async () => await runWeight(workDir, log));
    await step("flood", async () => await runFlood(workDir, PLAN.flood, log));
    await step("calls", async () => await runCalls(workDir, PLAN.calls, log));
    await step("inbox", async () => await runInbox(workDir, PLAN.inbox, log));
    await step("call-recovery", async () => await runCallRecovery(workDir, PLAN["call-recovery"], log));
    await step("call-cost", async () => await runCallCost(workDir, PLAN["call-cost"], log));
    await step("inbox-page", async () => await runInboxPage(ours?.proxy?.kind === "ours" && ours.proxy.httpPort ? ours.proxy : null, PLAN["inbox-page"], log));
    await step("webhooks", async () => await runWebhooks(workDir, PLAN.webhooks, log));
    await step("push", async () => await runPush(workDir, PLAN.push, log));
    await step("flash", async () => await runFlash(workDir, PLAN.flash, log));
    await step("load", async () => await runLoad(ours?.proxy?.kind === "ours" && ours.proxy.httpPort ? ours.proxy : null, workDir, PLAN.load, log));

    await step("ab", async () => {
      // Each variant is its own wrangler dev (same snapshot, one lever undone), measured at its worker port.
      const abTargets = [ours?.direct].filter(Boolean);
      const variants = [];
      for (const v of VARIANTS) {
        try {
          const dir = join(workDir, `variant-${variants.length}`);
          mkdirSync(dir, { recursive: true });
          const started = await startOurs(dir, { patch: v.patch, label: v.label, quiet: QUIET });
          if (started.direct) abTargets.push(started.direct);
          variants.push({ name: started.direct?.name, what: v.what });
          console.log(`variant: ${started.direct?.name} = ${v.what}`);
        } catch (e) {
          variants.push({ label: v.label, error: e.message });
          log(`variant${v.label}: skipped: ${e.message.split("\n")[0]}`);
        }
      }
      abTargets.push(sio);
      return {
        variants,
        fanout: await runFanout(abTargets, PLAN.ab.fanout, log),
        throughput: await runThroughput(abTargets, null, PLAN.ab.throughput, log),
      };
    });

    report.finishedAt = new Date().toISOString();
    report.seconds = +((performance.now() - started) / 1000).toFixed(1);
    save();
    console.log(`\nresults: bench/results/${stamp}${QUICK ? "-quick" : ""}.json (${report.seconds} s)`);
  } finally {
    await stopAllChildren();
    clearTimeout(hardStop);
  }
}

runMain(main);
