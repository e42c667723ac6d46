#!/usr/bin/env node
// `npm run check`: every static check, all of them even when one fails, then a summary.
//   types  tsc on each side's tsconfig (its own lib/types), two at a time; and every .ts/.mjs file in the
//          repository must belong to one of them, so a new folder cannot slip out of the check
//   deps   the dependency direction widget → protocol ← party ← worker, no cycles (scripts/check-deps.mjs)
//   lint   biome lint
//   format biome format in check mode: the tree is as `npm run format` leaves it
// `node scripts/check.mjs types deps` runs only the named steps.
import { execFileSync, spawn } from "node:child_process";
import { availableParallelism } from "node:os";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { checkDeps } from "./check-deps.mjs";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");
const TSC = join(ROOT, "node_modules/typescript/bin/tsc");
const BIOME = join(ROOT, "node_modules/@biomejs/biome/bin/biome");

/** Each side's tsconfig: its own lib and types, so a DOM call in a room or a workers type in the widget fails. */
export const PROJECTS = [
  "protocol", // plain ES: no DOM, no workers types
  "party", // workers types
  "worker", // workers types
  "widget", // DOM (its *.test.ts run in plain node and need nothing more)
  "widget/sw", // the push service worker: WebWorker, no DOM
  "test/workerd", // party/ and worker/ *.test.ts: workers types + cloudflare:test
  "test/browser", // node + DOM (page functions)
  "demo", // DOM
  "bench", // node, checkJs
  "bench/servers/floor", // the flash bench's floor worker: workers types
  "scripts", // node, checkJs
  "tsconfig.node.json", // vite.config.ts, vitest.*.config.ts
];

/** Files that must be type-checked: every TypeScript or JavaScript module git knows about (tracked or new). */
const CHECKED = /\.(ts|mts|cts|mjs|cjs|js)$/;

/**
 * Runs a command, collecting its output.
 * @param {string[]} args  node arguments
 * @returns {Promise<{ code: number, out: string }>}
 */
function run(args) {
  return new Promise((done) => {
    const child = spawn(process.execPath, args, { cwd: ROOT, env: { ...process.env, NO_COLOR: "1" } });
    let out = "";
    child.stdout.on("data", (d) => (out += d));
    child.stderr.on("data", (d) => (out += d));
    child.on("close", (code) => done({ code: code ?? 1, out }));
  });
}

/** @returns {Promise<{ ok: boolean, note: string }>} */
async function types() {
  /** @type {Array<{ project: string, code: number, out: string }>} */
  const results = [];
  const queue = [...PROJECTS];
  const worker = async () => {
    for (let project = queue.shift(); project; project = queue.shift()) {
      const { code, out } = await run([TSC, "-p", project, "--listFiles", "--pretty", "false"]);
      results.push({ project, code, out });
    }
  };
  await Promise.all(Array.from({ length: Math.min(2, availableParallelism()) }, worker));
  const covered = new Set();
  const shown = new Set(); // party/ errors also appear under worker/ and test/workerd: print each once
  let failed = 0;
  for (const project of PROJECTS) {
    const r = /** @type {{ project: string, code: number, out: string }} */ (results.find((x) => x.project === project));
    const lines = r.out.split("\n");
    for (const line of lines) if (line.startsWith("/")) covered.add(relative(ROOT, resolve(line.trim())));
    // One diagnostic = its first line plus the indented lines that explain it.
    /** @type {string[]} */
    const diagnostics = [];
    for (const line of lines) {
      if (!line.trim() || line.startsWith("/")) continue;
      if (line.startsWith(" ") && diagnostics.length > 0) diagnostics[diagnostics.length - 1] += `\n    ${line}`;
      else diagnostics.push(line);
    }
    const fresh = diagnostics.filter((d) => !shown.has(d));
    const repeated = diagnostics.length - fresh.length;
    console.log(`  tsc -p ${project}: ${r.code === 0 ? "ok" : `${diagnostics.length} error(s)${repeated ? `, ${repeated} shown above` : ""}`}`);
    if (r.code !== 0) failed++;
    for (const d of fresh) {
      shown.add(d);
      console.log(`    ${d}`);
    }
  }
  const files = execFileSync("git", ["ls-files", "--cached", "--others", "--exclude-standard"], { cwd: ROOT, encoding: "utf8" })
    .split("\n")
    .filter((f) => CHECKED.test(f) && !f.endsWith(".d.ts"));
  const missing = files.filter((f) => !covered.has(f));
  for (const f of missing) console.log(`  ${f}: in no tsconfig of scripts/check.mjs — add it to the tsconfig of its side`);
  const note = `${PROJECTS.length} projects, ${files.length} files${failed ? `, ${failed} project(s) with errors` : ""}${missing.length ? `, ${missing.length} file(s) unchecked` : ""}`;
  return { ok: failed === 0 && missing.length === 0, note };
}

/** @returns {Promise<{ ok: boolean, note: string }>} */
async function deps() {
  const problems = checkDeps(ROOT);
  for (const line of problems) console.log(`  ${line}`);
  return { ok: problems.length === 0, note: problems.length ? `${problems.length} violation(s)` : "one way, no cycles" };
}

/** @returns {Promise<{ ok: boolean, note: string }>} */
async function lint() {
  const { code, out } = await run([BIOME, "lint", "--colors=off", "."]);
  const summary = out
    .split("\n")
    .filter((l) => /^(Checked|Found) /.test(l))
    .map((l) => l.replace(/ No fixes applied\.$/, "").replace(/\.$/, ""));
  if (code !== 0) console.log(out.trimEnd());
  return { ok: code === 0, note: summary.join("; ") || `exit code ${code}` };
}

/** @returns {Promise<{ ok: boolean, note: string }>} */
async function format() {
  const { code, out } = await run([BIOME, "format", "--colors=off", "."]);
  if (code !== 0) console.log(out.trimEnd());
  return { ok: code === 0, note: code === 0 ? "formatted" : "run `npm run format`" };
}

const STEPS = { types, deps, lint, format };

const wanted = process.argv.slice(2);
for (const name of wanted) if (!(name in STEPS)) throw new Error(`unknown step ${name}: use ${Object.keys(STEPS).join(", ")}`);
/** @type {Array<[string, { ok: boolean, note: string }]>} */
const results = [];
for (const [name, step] of Object.entries(STEPS)) {
  if (wanted.length > 0 && !wanted.includes(name)) continue;
  const started = Date.now();
  console.log(`━━ ${name} ━━`);
  const r = await step();
  results.push([name, { ...r, note: `${r.note}; ${((Date.now() - started) / 1000).toFixed(1)} s` }]);
}
console.log("━━ summary ━━");
for (const [name, r] of results) console.log(`  ${name.padEnd(6)} ${r.ok ? "ok" : "FAILED"} (${r.note})`);
process.exit(results.every(([, r]) => r.ok) ? 0 : 1);
