#!/usr/bin/env node
// `npm run test:browser`: the real-Chromium suite alone (needs dist/: `node scripts/build.mjs`).
// Chromium writes to HOME, TMPDIR and XDG_* dirs: they all point inside the ignored .tmp/ folder.
// Extra arguments go to vitest (e.g. a file filter or `--reporter=json`).
// The whole suite (wrangler, coturn, Chromium) runs inside a loopback-only network namespace
// (scripts/netns.mjs): WebRTC in the call tests must never pair a real interface.
import { spawnSync } from "node:child_process";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { ensureDevVars } from "../../scripts/dev-vars.mjs";
import { findChromium, findTurnserver } from "../../scripts/find-browser.mjs";
import { ensureLoopbackNetns } from "../../scripts/netns.mjs";

const root = fileURLToPath(new URL("../..", import.meta.url));
ensureDevVars(root);
findChromium();
findTurnserver();
ensureLoopbackNetns(fileURLToPath(import.meta.url), process.argv.slice(2));

const base = join(root, ".tmp/e2e");
const dirs = { HOME: "home", TMPDIR: "tmp", XDG_CONFIG_HOME: "config", XDG_CACHE_HOME: "cache", XDG_DATA_HOME: "data", XDG_RUNTIME_DIR: "runtime" };
/** @type {NodeJS.ProcessEnv} */
const env = { ...process.env, INAPP_TALK_E2E_TMP: base };
for (const [name, sub] of Object.entries(dirs)) {
  const dir = join(base, sub);
  env[name] = dir;
  mkdirSync(dir, { recursive: true, mode: 0o700 });
}

const vitest = join(root, "node_modules/vitest/vitest.mjs");
const r = spawnSync(process.execPath, [vitest, "run", "--config", "test/browser/vitest.config.ts", ...process.argv.slice(2)], {
  cwd: root,
  env,
  stdio: "inherit",
});
process.exit(r.status ?? 1);
