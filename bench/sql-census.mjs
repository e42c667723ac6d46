#!/usr/bin/env node
// node bench/sql-census.mjs [--rooms 100] [--top 12] — which SQL statements a connect, a message and a wake run,
// and how many. bench/native-profile.mjs says how much CPU SQL takes; this says what it is made of: every
// `sql.exec` of the room's and the user's objects is counted (statement text, per phase) through a wrapper put
// in a copy of the bundle (the snapshot's `patch`, as bench/lib/variants.mjs does), so the server under census
// is ours otherwise unchanged. "First in its object" counts a statement the first time an object instance runs
// it: workerd prepares each statement once per object instance and keeps it, so that is ~the prepares.
// Phases, §4's `--quick` shape: R new rooms × 5 clients (5 users), 50 handshakes in flight; one message into
// each awake room, counted with what it sets off until every room is out of memory (timers, held inbox rows);
// one message into each room at once (the wake). Each phase ends 1 s after its last answer. Counts,
// not time: loopback only, one server, storage under BENCH_TMP (default .tmp/).
import { mkdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { closeAll } from "./lib/clients.mjs";
import { messageEachRoom, openCrowd, PER_ROOM, warmUp } from "./lib/crowd.mjs";
import { installCleanup, runMain, sleep, stopAllChildren, untilRoomsAsleep } from "./lib/proc.mjs";
import { fmt, printTable } from "./lib/stats.mjs";
import { ensureDist, startOurs } from "./lib/targets.mjs";

const ROOT = new URL("../", import.meta.url).pathname;
const args = process.argv.slice(2);
const option = (name) => (args.includes(`--${name}`) ? args[args.indexOf(`--${name}`) + 1] : undefined);
const ROOMS = Number(option("rooms") ?? 100);
const TOP = Number(option("top") ?? 12);

/**
 * Wraps one object's `sql.exec` (`who`: "room" or "user") before its constructor's first statement. The tally is
 * the isolate's (all local objects share one), read through `GET /__census` on the Worker.
 */
const wrapper = (who) =>
  `(() => { const sql = ctx.storage.sql; const exec = sql.exec.bind(sql); const seen = new Set();
  const tally = (globalThis.__census ??= { runs: new Map(), firsts: 0 });
  sql.exec = (query, ...bindings) => {
    const key = ${JSON.stringify(who)} + " " + query.replace(/\\s+/g, " ").trim();
    tally.runs.set(key, (tally.runs.get(key) ?? 0) + 1);
    if (!seen.has(key)) { seen.add(key); tally.firsts++; }
    return exec(query, ...bindings);
  }; })();`;

/** @param {string} js */
function patch(js) {
  /** @type {[string | RegExp, string][]} */
  const swaps = [
    ["migrate(ctx.storage);", `${wrapper("room")}\n    migrate(ctx.storage);`],
    ["migrate(ctx.storage, USER_MIGRATIONS);", `${wrapper("user")}\n    migrate(ctx.storage, USER_MIGRATIONS);`],
    // The Worker's own entry (esbuild may rename its parameters).
    [
      /var index_default = \{\n {2}async fetch\((\w+), (\w+), (\w+)\) \{/,
      'var index_default = {\n  async fetch($1, $2, $3) {\n    if (new URL($1.url).pathname === "/__census") { const t = globalThis.__census; return Response.json({ runs: t ? [...t.runs] : [], firsts: t ? t.firsts : 0 }); }',
    ],
  ];
  for (const [from, to] of swaps) {
    const found = typeof from === "string" ? js.includes(from) : from.test(js);
    if (!found) throw new Error(`sql-census: ${from} not found in the bundle`);
    js = js.replace(from, to);
  }
  return js;
}

/** The tally so far: statement → runs, and statements first run in their object. */
async function read(target) {
  const res = await fetch(`http://127.0.0.1:${target.httpPort}/__census`);
  const body = /** @type {{ runs: [string, number][], firsts: number }} */ (await res.json());
  return { runs: new Map(body.runs), firsts: body.firsts };
}

/** What ran between two tallies, per `units`. */
function between(a, b, units) {
  const rows = [];
  for (const [key, n] of b.runs) {
    const d = n - (a.runs.get(key) ?? 0);
    if (d > 0) rows.push({ key, per: d / units });
  }
  rows.sort((x, y) => y.per - x.per);
  return { rows, total: rows.reduce((s, r) => s + r.per, 0), firsts: (b.firsts - a.firsts) / units };
}

async function main() {
  installCleanup();
  ensureDist();
  const workDir = join(process.env.BENCH_TMP ?? join(ROOT, ".tmp"), `census-${Date.now()}`);
  mkdirSync(workDir, { recursive: true });
  try {
    const server = await startOurs(workDir, { quiet: true, patch });
    const target = server.direct;
    if (!target) throw new Error("sql-census: the worker's own port was not found");
    const worker = target.procs().find((p) => p.label === "workerd (worker)")?.pid;
    await warmUp(target, "census", 1000);

    const t0 = await read(target);
    const clients = await openCrowd(target, "census", ROOMS);
    await sleep(1000);
    const t1 = await read(target);
    await messageEachRoom(clients, ROOMS, "census-awake");
    await sleep(1000);
    if (!(await untilRoomsAsleep(worker, { max: 150 }))) throw new Error("sql-census: the rooms did not leave memory in 150 s");
    const t2 = await read(target);
    await messageEachRoom(clients, ROOMS, "census-wake");
    await sleep(1000);
    const t3 = await read(target);
    await closeAll(clients);

    /** @type {[string, ReturnType<typeof between>][]} */
    const phases = [
      [`per connect: ${ROOMS} new rooms × ${PER_ROOM} clients, 50 in flight`, between(t0, t1, ROOMS * PER_ROOM)],
      // Until asleep: the inbox rows a message sets off are sent ~3 s later (held for members in the room).
      ["per message into an awake room (one per room, all at once), with what it set off until the room slept", between(t1, t2, ROOMS)],
      ["per room woken by one message (all at once)", between(t2, t3, ROOMS)],
    ];
    console.log(`sql-census: ours at ${server.source}; statements counted at each object's sql.exec (room, user)`);
    for (const [title, phase] of phases) {
      const shown = phase.rows.slice(0, TOP);
      const rest = phase.rows.slice(TOP).reduce((s, r) => s + r.per, 0);
      printTable(
        `${title}: ${fmt(phase.total, 1)} statements, ${fmt(phase.firsts, 1)} of them first in their object (prepared)`,
        ["statement (object, text)", "runs"],
        [
          ...shown.map((r) => [r.key.length > 110 ? `${r.key.slice(0, 107)}…` : r.key, fmt(r.per, 2)]),
          ...(rest > 0 ? [[`${phase.rows.length - shown.length} other statements`, fmt(rest, 2)]] : []),
        ],
      );
    }
  } finally {
    await stopAllChildren();
    rmSync(workDir, { recursive: true, force: true });
  }
}

runMain(main);
