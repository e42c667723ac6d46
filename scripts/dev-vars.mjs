// Local development configuration. `npm start` and `npm test` need no setup: the committed
// `.dev.vars.example` becomes `.dev.vars` (which wrangler reads) the first time either runs.
import { copyFileSync, existsSync, readFileSync } from "node:fs";
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
 * Copies `.dev.vars.example` to `.dev.vars` when the latter is missing (an existing file is the
 * developer's and is never overwritten) and returns the parsed variables.
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
  }
  // Web push needs a VAPID key pair; a local one is generated once, no manual step.
  ensureVapidKeys(file);
  return parseDevVars(readFileSync(file, "utf8"));
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  console.log(Object.keys(ensureDevVars()).join("\n"));
}
