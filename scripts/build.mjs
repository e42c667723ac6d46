// `npm run build`: builds dist/ (widget + demo page) with vite and prints what a host site downloads:
// inapp-talk.js first, then only the chunks its page needs (a layout, a language, a feature).
// Fails when inapp-talk.js breaks the size rule.
import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");
const DIST = join(ROOT, "dist");

const vite = (/** @type {string[]} */ ...args) =>
  execFileSync(process.execPath, [join(ROOT, "node_modules/vite/bin/vite.js"), "build", "--logLevel", "warn", ...args], { cwd: ROOT, stdio: "inherit" });
vite(); // the widget: dist/inapp-talk.js + dist/chunks/ (empties dist/ first)
vite("--mode", "demo"); // the demo page: dist/index.html + dist/assets/
vite("--mode", "sw"); // the push service worker: dist/inapp-talk-sw.js (the demo serves it at /inapp-talk-sw.js)

/**
 * Every .js file under dist/, relative path → [minified bytes, gzip bytes].
 * @param {string} dir
 * @returns {Array<{ file: string, min: number, gzip: number }>}
 */
function jsSizes(dir, prefix = "") {
  /** @type {Array<{ file: string, min: number, gzip: number }>} */
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

/** The rule: the widget's entry stays ≤ 25 KB min+gzip; features load as chunks. */
const RULE = 25 * 1024;
/** Where it should stay after issue 7, to leave room for the entry points of features to come. */
const TARGET = 23 * 1024;

const kb = (/** @type {number} */ n) => `${(n / 1024).toFixed(1)} KB`;
const sizes = jsSizes(DIST);
const widget = sizes.find((s) => s.file === "inapp-talk.js");
if (!widget) throw new Error("dist/inapp-talk.js was not built");
console.log("\nfile                                  min        min+gzip");
for (const s of sizes) console.log(`${s.file.padEnd(36)}  ${kb(s.min).padStart(9)}  ${kb(s.gzip).padStart(9)}`);
console.log(
  `\ninapp-talk.js (what a host page loads first): ${(widget.gzip / 1024).toFixed(2)} KB min+gzip (${widget.gzip} bytes); ` +
    `rule ≤ ${kb(RULE)}, target ≤ ${kb(TARGET)}${widget.gzip > TARGET ? " — over the target" : ""}`,
);
if (widget.gzip > RULE) {
  console.error(`inapp-talk.js is ${widget.gzip - RULE} bytes over the ${kb(RULE)} rule: load more of it lazily (see widget/features/registry.ts).`);
  process.exit(1);
}
