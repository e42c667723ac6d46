// coturn on 127.0.0.1 for the call bench: TURN REST credentials (the scheme worker/turn.ts signs for),
// loopback peers allowed (bench and tests only), the command line of TOOLCHAIN.md. Same flags as the
// browser tests' harness (test/browser/support/coturn.ts). A path outage is a stop, then a start with
// the same `port` and `secret`.
import { randomBytes } from "node:crypto";
import { createSocket } from "node:dgram";
import { join } from "node:path";
import { turnserverArgs } from "../../scripts/find-browser.mjs";
import { startChild, stopChild, freePort, sleep } from "./proc.mjs";

/**
 * @param {string} dir  log, pid file and user database go here
 * @param {{ port?: number, secret?: string }} [again]  start again where a stopped one listened
 * @returns {Promise<{ port: number, secret: string, url: string, child: import("node:child_process").ChildProcess, stop: () => Promise<void> }>}
 */
export async function startCoturn(dir, again = {}) {
  const port = again.port ?? (await freePort());
  const secret = again.secret ?? randomBytes(18).toString("base64url");
  const child = startChild(
    process.env.TURNSERVER_PATH ?? "/usr/bin/turnserver",
    turnserverArgs({ port, secret, dir, minPort: 51000, maxPort: 51999, logFile: join(dir, "turn.log") }),
    { logFile: join(dir, "turnserver.out") },
  );
  const deadline = Date.now() + 15_000;
  while (!(await stunAnswers(port, 300))) {
    if (child.exitCode !== null) throw new Error(`turnserver exited (${child.exitCode}); see ${join(dir, "turn.log")}`);
    if (Date.now() > deadline) throw new Error(`turnserver did not answer on 127.0.0.1:${port} within 15 s`);
    await sleep(100);
  }
  return { port, secret, url: `turn:127.0.0.1:${port}?transport=udp`, child, stop: () => stopChild(child) };
}

/** A STUN Binding request (RFC 5389) answered with our transaction id. */
function stunAnswers(port, timeoutMs) {
  return new Promise((resolve) => {
    const s = createSocket("udp4");
    const req = Buffer.alloc(20);
    req.writeUInt16BE(0x0001, 0);
    req.writeUInt32BE(0x2112a442, 4);
    const tid = randomBytes(12);
    tid.copy(req, 8);
    const done = (ok) => {
      clearTimeout(timer);
      s.close();
      resolve(ok);
    };
    const timer = setTimeout(() => done(false), timeoutMs);
    s.on("error", () => done(false));
    s.on("message", (msg) => msg.length >= 20 && msg.subarray(8, 20).equals(tid) && done(true));
    s.send(req, port, "127.0.0.1");
  });
}
