// `npm start`: builds the widget and demo, then serves everything with `wrangler dev` (Worker and
// Durable Objects on the local workerd runtime, SQLite state in .wrangler/) on http://localhost:8787.
import { spawn, execFileSync } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { ensureDevVars } from "./dev-vars.mjs";
import { wranglerDevArgs, wranglerEnv } from "./wrangler-env.mjs";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");
const PORT = Number(process.env.PORT ?? 8787);

ensureDevVars(ROOT);
execFileSync(process.execPath, [join(ROOT, "scripts/build.mjs")], { cwd: ROOT, stdio: "inherit" });

const wrangler = spawn(join(ROOT, "node_modules/.bin/wrangler"), wranglerDevArgs(PORT).slice(1), {
  cwd: ROOT,
  env: wranglerEnv(ROOT),
  stdio: "inherit",
});
console.log(`\ninapp-talk demo: http://localhost:${PORT}/  (widget: http://localhost:${PORT}/inapp-talk.js)\n`);
for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => wrangler.kill("SIGINT"));
wrangler.on("exit", (code) => process.exit(code ?? 0));
