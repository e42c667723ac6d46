// Runs a node script inside a network namespace that has nothing but loopback. Chromium's WebRTC
// ignores `lo` and pairs the machine's other interface addresses (docs: /work/shared/TOOLCHAIN.md), so
// call tests and the call bench must run where no other interface exists: then every ICE candidate,
// TURN allocation and media packet stays on 127.0.0.1. wrangler, coturn and Chromium are all started
// by the re-executed script, so they share the namespace.
//
// `unshare -n` needs root (CI runs as root). Without it we stop with one line saying so: a call test
// that quietly ran on the real network, or quietly did not run, proves nothing.
import { spawnSync } from "node:child_process";
import { networkInterfaces } from "node:os";

/** Set in the re-executed process: we are inside the loopback-only namespace. */
export const NETNS_ENV = "INAPP_TALK_LOOPBACK_NETNS";

const SHELL = 'ip link set lo up && exec "$@"';

/**
 * When not yet inside the namespace: re-runs `script` with `args` inside a fresh one and exits with
 * its status (never returns). Inside: checks that only loopback exists and returns.
 * @param {string} script  absolute path of the calling script
 * @param {string[]} args
 * @param {NodeJS.ProcessEnv} [env]
 */
export function ensureLoopbackNetns(script, args, env = process.env) {
  if (process.env[NETNS_ENV] === "1") {
    const others = Object.entries(networkInterfaces()).filter(([, addrs]) => (addrs ?? []).some((a) => !a.internal));
    if (others.length > 0) die(`${NETNS_ENV}=1 but interfaces ${others.map(([n]) => n).join(", ")} exist: unset it and let the script make its own namespace.`);
    return;
  }
  const probe = spawnSync("unshare", ["-n", "sh", "-c", "ip link set lo up"], { stdio: ["ignore", "ignore", "pipe"] });
  if (probe.error || probe.status !== 0) {
    const why = probe.error ? probe.error.message : (probe.stderr?.toString().trim().split("\n")[0] ?? `exit ${probe.status}`);
    die(
      `the browser/call runs need a loopback-only network namespace (\`unshare -n\`, ${why}): run as root (e.g. \`sudo npm test\`; CI runs as root) — nothing was run.`,
    );
  }
  const r = spawnSync("unshare", ["-n", "sh", "-c", SHELL, "netns", process.execPath, script, ...args], {
    stdio: "inherit",
    env: { ...env, [NETNS_ENV]: "1" },
  });
  if (r.error) die(`unshare failed: ${r.error.message}`);
  process.exit(r.status ?? 1);
}

/** @param {string} line @returns {never} */
function die(line) {
  console.error(`error: ${line}`);
  process.exit(1);
}
