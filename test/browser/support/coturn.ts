// A real coturn on 127.0.0.1 for the call tests: TURN REST credentials (`--use-auth-secret`, the
// scheme worker/turn.ts signs for), relaying to loopback peers allowed (tests only: production must
// deny private ranges, see README), logs in the run's scratch dir. Command line from TOOLCHAIN.md.
// It can be stopped and started again on the same port (a TURN outage mid-call).
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { createSocket } from "node:dgram";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { findTurnserver, turnserverArgs } from "../../../scripts/find-browser.mjs";
import { freePort } from "./wrangler.ts";

export interface CoturnOptions {
  /** The `--static-auth-secret` (the chat server's TURN_SECRET must match it). */
  secret: string;
  /** Directory for its log, pid file and user database. */
  dir: string;
  /** UDP+TCP listening port; a free one when absent. */
  port?: number;
  /** Relay port range: each instance needs its own when several run at once. */
  relayPorts?: [number, number];
}

export interface Coturn {
  readonly port: number;
  readonly secret: string;
  /** `turn:127.0.0.1:<port>?transport=udp`, the value for TURN_URLS. */
  readonly url: string;
  readonly logFile: string;
  /** Stops it (SIGTERM, SIGKILL after 5 s) and resolves once it has exited. */
  stop(): Promise<void>;
  /** Starts it again on the same port with the same secret. */
  start(): Promise<void>;
}

export async function startCoturn(o: CoturnOptions): Promise<Coturn> {
  const binary = findTurnserver();
  mkdirSync(o.dir, { recursive: true });
  const port = o.port ?? (await freeUdpAndTcpPort());
  const [minPort, maxPort] = o.relayPorts ?? [50_000, 50_199];
  const logFile = join(o.dir, "turn.log");
  let child: ChildProcess | null = null;

  const start = async () => {
    if (child) return;
    const proc = spawn(binary, turnserverArgs({ port, secret: o.secret, dir: o.dir, minPort, maxPort, logFile, verbose: true }), { stdio: "ignore" });
    child = proc;
    let exited: string | null = null;
    proc.once("exit", (code, signal) => {
      exited = `exited with ${code ?? signal}`;
      if (child === proc) child = null;
    });
    const deadline = Date.now() + 15_000;
    for (;;) {
      if (exited) throw new Error(`turnserver ${exited} before answering on 127.0.0.1:${port}; see ${logFile}`);
      if (await stunAnswers(port, 300)) return;
      if (Date.now() > deadline) throw new Error(`turnserver did not answer a STUN Binding on 127.0.0.1:${port} within 15 s; see ${logFile}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  };

  const stop = async () => {
    const proc = child;
    child = null;
    if (!proc || proc.exitCode !== null || proc.signalCode !== null) return;
    const done = new Promise<void>((resolve) => proc.once("exit", () => resolve()));
    proc.kill("SIGTERM");
    const forced = setTimeout(() => proc.kill("SIGKILL"), 5000);
    await done;
    clearTimeout(forced);
  };

  await start();
  return { port, secret: o.secret, url: `turn:127.0.0.1:${port}?transport=udp`, logFile, stop, start };
}

/** A port free for both TCP and UDP on 127.0.0.1 (coturn listens on both). */
async function freeUdpAndTcpPort(): Promise<number> {
  for (let i = 0; i < 20; i++) {
    const port = await freePort();
    const free = await new Promise<boolean>((resolve) => {
      const s = createSocket("udp4");
      s.once("error", () => resolve(false));
      s.bind(port, "127.0.0.1", () => s.close(() => resolve(true)));
    });
    if (free) return port;
  }
  throw new Error("no port free for both TCP and UDP on 127.0.0.1");
}

/** Sends a STUN Binding request (RFC 5389) and reports whether a response with our transaction id came back. */
export function stunAnswers(port: number, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = createSocket("udp4");
    const tid = randomBytes(12);
    const req = Buffer.alloc(20);
    req.writeUInt16BE(0x0001, 0); // Binding request
    req.writeUInt16BE(0, 2); // no attributes
    req.writeUInt32BE(0x2112a442, 4); // magic cookie
    tid.copy(req, 8);
    const done = (ok: boolean) => {
      clearTimeout(timer);
      s.close();
      resolve(ok);
    };
    const timer = setTimeout(() => done(false), timeoutMs);
    s.on("error", () => done(false));
    s.on("message", (msg) => {
      if (msg.length >= 20 && msg.subarray(8, 20).equals(tid)) done(true);
    });
    s.send(req, port, "127.0.0.1");
  });
}
