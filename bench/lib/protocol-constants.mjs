// The bench is plain .mjs (no build step) and node 20 cannot import protocol/*.ts, so the few constants
// it needs are read from the source text: they stay in step with the protocol instead of being copied.
import { readFileSync } from "node:fs";

const ROOT = new URL("../../", import.meta.url).pathname;
const source = ["limits.ts", "version.ts"].map((f) => readFileSync(`${ROOT}protocol/${f}`, "utf8")).join("\n");

/** Value of `export const NAME = <number | "string">;` in protocol/. */
export function protocolConstant(name) {
  const m = new RegExp(`export const ${name}\\s*=\\s*("[^"]*"|[\\d_]+)\\s*;`).exec(source);
  if (!m) throw new Error(`protocol constant ${name} not found in protocol/limits.ts or version.ts`);
  return m[1].startsWith('"') ? JSON.parse(m[1]) : Number(m[1].replaceAll("_", ""));
}
