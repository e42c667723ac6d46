// Local development configuration. `npm start` and `npm test` need no setup: the committed
// `.dev.vars.example` becomes `.dev.vars` (which wrangler reads) the first time either runs.
import { appendFileSync, copyFileSync, existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { ensureVapidKeys } from "./vapid.mjs";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");

/**
 * Parses dotenv-style text as wrangler does for `.dev.vars`: `KEY=value` lines, `#` comments,
 * optional single or double quotes around the value.
 * @param {string} text
 * @returns {Record<string, string>}
 */
export function parseDevVars(text) {
  /** @type {Record<string, string>} */
  const vars = {};
  for (const line of text.split(/\r?\n/)) {
    const m = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*?)\s*$/.exec(line);
    if (!m || line.trimStart().startsWith("#")) continue;
    let value = m[2] ?? "";
    const quoted = /^(["'])(.*)\1$/.exec(value);
    if (quoted) value = quoted[2] ?? "";
    else value = value.replace(/\s+#.*$/, "");
    vars[m[1] ?? ""] = value;
  }
  return vars;
}

/**
 * Copies `.dev.vars.example` to `.dev.vars` when the latter is missing, and otherwise appends the
 * example's settings the file does not have yet (a `.dev.vars` made before a setting existed, e.g.
 * `PUSH_ALLOW_HTTP` for local push, would silently lack it); a value already set is the developer's
 * and is never changed. Returns the parsed variables.
 * @example
 *   const { INAPP_TALK_API_KEY } = ensureDevVars();
 * @param {string} [root] repository root
 * @returns {Record<string, string>}
 */
export function ensureDevVars(root = ROOT) {
  const file = join(root, ".dev.vars");
  const example = join(root, ".dev.vars.example");
  if (!existsSync(file)) {
    if (!existsSync(example)) throw new Error(`Neither ${file} nor ${example} exists.`);
    copyFileSync(example, file);
    console.log("Created .dev.vars from .dev.vars.example (local development values).");
  } else if (existsSync(example)) {
    const have = parseDevVars(readFileSync(file, "utf8"));
    const missing = Object.entries(parseDevVars(readFileSync(example, "utf8"))).filter(([k]) => !(k in have));
    if (missing.length > 0) {
      const text = readFileSync(file, "utf8");
      const lines = missing.map(([k, v]) => `${k}=${JSON.stringify(v)}`).join("\n");
      appendFileSync(file, `${text.endsWith("\n") || text === "" ? "" : "\n"}# Added from .dev.vars.example\n${lines}\n`);
      console.log(`Added to .dev.vars from .dev.vars.example: ${missing.map(([k]) => k).join(", ")}`);
    }
  }
  // Web push needs a VAPID key pair; a local one is generated once, no manual step.
  ensureVapidKeys(file);
  return parseDevVars(readFileSync(file, "utf8"));
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  console.log(Object.keys(ensureDevVars()).join("\n"));
}
