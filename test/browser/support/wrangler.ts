// Starts and stops `wrangler dev` for the browser tests: offline flags from TOOLCHAIN.md, a free
// loopback port, and a `--persist-to` directory the caller owns so a restart on the same port and
// directory proves that acknowledged messages survive.
import { spawn, type ChildProcess } from "node:child_process";
import { createWriteStream, mkdirSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";
import { REPO_ROOT } from "./paths.ts";

export interface WranglerOptions {
  port: number;
  persistTo: string;
  /** Directory for this instance's log files. */
  logDir: string;
  /** Label used in log file names and error messages. */
  name: string;
  /** More `--var NAME:value` bindings (TURN settings, call timeouts); they override the defaults below. */
  vars?: Record<string, string>;
}

export interface Wrangler {
  readonly origin: string;
  readonly port: number;
  readonly persistTo: string;
  /** Stops wrangler with SIGINT (it stops both workerd children) and resolves once it has exited. */
  stop(): Promise<void>;
  /** Starts it again on the same port with the same persisted state. */
  restart(): Promise<void>;
}

/** A port that was free a moment ago on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const address = srv.address();
      if (address === null || typeof address === "string") return reject(new Error("no port"));
      srv.close(() => resolve(address.port));
    });
  });
}

export async function startWrangler(options: WranglerOptions): Promise<Wrangler> {
  mkdirSync(options.persistTo, { recursive: true });
  mkdirSync(options.logDir, { recursive: true });
  let child: ChildProcess | null = null;
  let runs = 0;

  const launch = async () => {
    runs++;
    const inspectorPort = await freePort();
    const log = createWriteStream(join(options.logDir, `wrangler-${options.name}-${runs}.log`));
    const proc = spawn(
      process.execPath,
      [
        join(REPO_ROOT, "node_modules/wrangler/bin/wrangler.js"),
        "dev",
        "--port",
        String(options.port),
        "--ip",
        "127.0.0.1",
        "--local",
        "--show-interactive-dev-session=false",
        "--persist-to",
        options.persistTo,
        "--inspector-port",
        String(inspectorPort),
        "--log-level",
        "info",
        // The probe feature and /api/_test routes (party/features/probe), for the timer restart test.
        "--var",
        "INAPP_TALK_TEST_HOOKS:true",
        // Every browser test is one client address here; the per-address API limits have workerd tests.
        "--var",
        "RATE_LIMIT_TOKEN_PER_MIN:100000",
        "--var",
        "RATE_LIMIT_SESSION_PER_MIN:100000",
        // Short, so the slow-down test sees a flooder's cool-down end.
        "--var",
        "RATE_LIMIT_FLOOD_COOLDOWN_SEC:4",
        ...Object.entries(options.vars ?? {}).flatMap(([k, v]) => ["--var", `${k}:${v}`]),
      ],
      {
        cwd: REPO_ROOT,
        // Its own process group, so a wrangler that ignores SIGINT can be cleaned up with its workerd children.
        detached: true,
        stdio: ["ignore", "pipe", "pipe"],
        env: {
          ...process.env,
          WRANGLER_SEND_METRICS: "false",
          CLOUDFLARE_CF_FETCH_ENABLED: "false",
          // A dev registry of its own: tests start and stop other servers of this worker (restarts, own
          // vars), and in a shared registry each start or stop reloaded this one mid-test ("Your worker
          // restarted mid-request", every socket dropped).
          WRANGLER_REGISTRY_PATH: join(options.persistTo, "registry"),
          NO_COLOR: "1",
          FORCE_COLOR: "0",
        },
      },
    );
    proc.stdout?.pipe(log);
    proc.stderr?.pipe(log);
    child = proc;
    let exited: string | null = null;
    proc.once("exit", (code, signal) => {
      exited = `exited with ${code ?? signal}`;
    });
    const origin = `http://127.0.0.1:${options.port}`;
    const deadline = Date.now() + 90_000;
    for (;;) {
      if (exited) throw new Error(`wrangler dev (${options.name}) ${exited} before serving; see ${log.path}`);
      if (Date.now() > deadline) throw new Error(`wrangler dev (${options.name}) did not serve ${origin}/inapp-talk.js within 90 s; see ${log.path}`);
      try {
        const res = await fetch(`${origin}/inapp-talk.js`, { signal: AbortSignal.timeout(5000) });
        await res.arrayBuffer();
        if (res.ok) return;
      } catch {
        // not listening yet
      }
      await new Promise((r) => setTimeout(r, 200));
    }
  };

  const stop = async () => {
    const proc = child;
    child = null;
    if (!proc || proc.exitCode !== null || proc.signalCode !== null) return;
    const done = new Promise<void>((resolve) => proc.once("exit", () => resolve()));
    proc.kill("SIGINT");
    const forced = setTimeout(() => {
      try {
        if (proc.pid) process.kill(-proc.pid, "SIGKILL");
      } catch {
        // already gone
      }
    }, 20_000);
    await done;
    clearTimeout(forced);
    // workerd children share the group; make sure none outlive wrangler and keep the port.
    try {
      if (proc.pid) process.kill(-proc.pid, "SIGKILL");
    } catch {
      // group already empty
    }
  };

  await launch();
  return {
    origin: `http://localhost:${options.port}`,
    port: options.port,
    persistTo: options.persistTo,
    stop,
    restart: launch,
  };
}
