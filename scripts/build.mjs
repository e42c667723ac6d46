// `npm run build`: builds dist/ (widget + demo page) with vite and prints what a host site downloads.
import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");
const DIST = join(ROOT, "dist");

const vite = (...args) => execFileSync(process.execPath, [join(ROOT, "node_modules/vite/bin/vite.js"), "build", "--logLevel", "warn", ...args], { cwd: ROOT, stdio: "inherit" });
vite(); // the widget: dist/inapp-talk.js + dist/chunks/ (empties dist/ first)
vite("--mode", "demo"); // the demo page: dist/index.html + dist/assets/

/** Every .js file under dist/, relative path → [minified bytes, gzip bytes]. */
function jsSizes(dir, prefix = "") {
  const out = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...jsSizes(path, `${prefix}${name}/`));
    else if (name.endsWith(".js")) {
      const bytes = readFileSync(path);
      out.push({ file: prefix + name, min: bytes.length, gzip: gzipSync(bytes, { level: 9 }).length });
    }
  }
  return out;
}

const kb = (n) => `${(n / 1024).toFixed(1)} KB`;
const sizes = jsSizes(DIST);
const widget = sizes.find((s) => s.file === "inapp-talk.js");
if (!widget) throw new Error("dist/inapp-talk.js was not built");
console.log("\nfile                                  min        min+gzip");
for (const s of sizes) console.log(`${s.file.padEnd(36)}  ${kb(s.min).padStart(9)}  ${kb(s.gzip).padStart(9)}`);
console.log(`\ninapp-talk.js (what a host page loads first): ${kb(widget.gzip)} min+gzip (goal ≤ 25 KB)`);
