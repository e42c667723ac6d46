// Environment for running wrangler offline on this kind of machine (see shared TOOLCHAIN.md):
// no metrics, no cf-request fetch, config written inside the repo instead of the user's home.
import { join } from "node:path";

/** @param {string} root repository root */
export function wranglerEnv(root) {
  return {
    ...process.env,
    WRANGLER_SEND_METRICS: "false",
    CLOUDFLARE_CF_FETCH_ENABLED: "false",
    XDG_CONFIG_HOME: join(root, ".config"),
  };
}

/**
 * Arguments for `wrangler dev` on a loopback port.
 * @param {number | string} port
 * @param {string[]} [extra]
 */
export function wranglerDevArgs(port, extra = []) {
  return ["wrangler", "dev", "--port", String(port), "--ip", "127.0.0.1", "--local", "--show-interactive-dev-session=false", ...extra];
}
