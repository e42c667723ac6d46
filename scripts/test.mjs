// `npm test`: every suite, in the order that fails cheapest first, stopping at the first failure.
//   1. protocol + widget helpers  plain node vitest   (vitest.protocol.config.ts)
//   2. party + worker             inside workerd       (vitest.workers.config.ts)
//   3. build dist/                vite                 (scripts/build.mjs)
//   4. browser end-to-end         real Chromium against `wrangler dev` and coturn, in a loopback-only
//                                 network namespace (test/browser/run.mjs re-execs itself: needs root)
// The last line is always `N passed, N failed` over all suites; the exit code is non-zero on any
// failure. A skipped test counts as failed: a suite that quietly skips proves nothing.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, rmSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { ensureDevVars } from "./dev-vars.mjs";
import { findChromium } from "./find-browser.mjs";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");
const REPORTS = join(ROOT, ".tmp/test-reports");
const VITEST = join(ROOT, "node_modules/vitest/vitest.mjs");

ensureDevVars(ROOT);
// Before anything slow: the browser suite must be able to run, or we say so now.
findChromium();
rmSync(REPORTS, { recursive: true, force: true });
mkdirSync(REPORTS, { recursive: true });

/** @typedef {{ name: string, kind: "vitest" | "step", args: string[] }} Suite */
/** @type {Suite[]} */
const suites = [
  { name: "protocol", kind: "vitest", args: [VITEST, "run", "--config", "vitest.protocol.config.ts"] },
  { name: "workers", kind: "vitest", args: [VITEST, "run", "--config", "vitest.workers.config.ts"] },
  { name: "build", kind: "step", args: [join(ROOT, "scripts/build.mjs")] },
  { name: "browser", kind: "vitest", args: [join(ROOT, "test/browser/run.mjs")] },
];

/** @type {Array<{ name: string, passed: number, failed: number, skipped: number, note: string }>} */
const results = [];
let failedSuite = null;
for (const suite of suites) {
  const started = Date.now();
  console.log(`\n━━ ${suite.name} ━━ ${suite.args.map((a) => a.replace(ROOT + "/", "")).join(" ")}`);
  const report = join(REPORTS, `${suite.name}.json`);
  const args = suite.kind === "vitest" ? [...suite.args, "--reporter=default", "--reporter=json", `--outputFile.json=${report}`] : suite.args;
  const run = spawnSync(process.execPath, args, { cwd: ROOT, stdio: "inherit" });
  const code = run.status ?? 1;
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  const r = { name: suite.name, passed: 0, failed: 0, skipped: 0, note: "" };
  if (suite.kind === "vitest") {
    const counts = readCounts(report);
    if (counts) Object.assign(r, counts);
    else r.note = "no report (the suite did not start)";
    if (code !== 0 && r.failed === 0) {
      r.failed = 1; // a suite-level error (setup, import, config) with no failing test to count
      r.note ||= `exit code ${code} with no failing test: see the errors above`;
    }
    if (r.skipped > 0) r.note = `${r.skipped} skipped or todo test(s) count as failed`;
  } else {
    r.passed = code === 0 ? 1 : 0;
    r.failed = code === 0 ? 0 : 1;
    if (code !== 0) r.note = `exit code ${code ?? run.signal}`;
  }
  r.note = [r.note, `${seconds} s`].filter(Boolean).join("; ");
  results.push(r);
  if (code !== 0 || r.failed > 0 || r.skipped > 0) {
    failedSuite = suite.name;
    break;
  }
}

console.log("\n━━ summary ━━");
for (const s of suites) {
  const r = results.find((x) => x.name === s.name);
  if (!r) console.log(`  ${s.name.padEnd(9)} not run (stopped after ${failedSuite} failed)`);
  else if (s.kind === "step") console.log(`  ${s.name.padEnd(9)} ${r.failed ? "FAILED" : "ok"} (${r.note})`);
  else console.log(`  ${s.name.padEnd(9)} ${r.failed || r.skipped ? "FAILED" : "ok"}: ${r.passed} passed, ${r.failed} failed (${r.note})`);
}
const passed = results.filter((r) => r.name !== "build").reduce((n, r) => n + r.passed, 0);
const failed = results.reduce((n, r) => n + r.failed + r.skipped, 0);
console.log(`${passed} passed, ${failed} failed`);
process.exit(failedSuite ? 1 : 0);

/**
 * Test counts from vitest's JSON reporter, or null when it wrote none.
 * @param {string} file
 */
function readCounts(file) {
  if (!existsSync(file)) return null;
  try {
    const j = JSON.parse(readFileSync(file, "utf8"));
    return { passed: j.numPassedTests ?? 0, failed: j.numFailedTests ?? 0, skipped: (j.numPendingTests ?? 0) + (j.numTodoTests ?? 0) };
  } catch {
    return null;
  }
}
