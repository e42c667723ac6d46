// The bench is plain .mjs (no build step) and node 20 cannot import protocol/*.ts, so the few constants
// it needs are read from the source text: they stay in step with the protocol instead of being copied.
import { readFileSync } from "node:fs";

const ROOT = new URL("../../", import.meta.url).pathname;
const sourceOf = (root) => ["limits.ts", "version.ts"].map((f) => readFileSync(`${root}/protocol/${f}`, "utf8")).join("\n");
const source = sourceOf(ROOT);

/** Value of `export const NAME = <number | "string">;` in protocol/ (of this checkout, or of the tree at `root`). */
export function protocolConstant(name, text = source) {
  const m = new RegExp(`export const ${name}\\s*=\\s*("[^"]*"|[\\d_]+)\\s*;`).exec(text);
  if (!m) throw new Error(`protocol constant ${name} not found in protocol/limits.ts or version.ts`);
  return m[1].startsWith('"') ? JSON.parse(m[1]) : Number(m[1].replaceAll("_", ""));
}

/** The protocol version an older tree's server speaks (`--base`: a commit from before v2 serves only v1). */
export const protocolVersionOf = (root) => protocolConstant("PROTOCOL_VERSION", sourceOf(root));
