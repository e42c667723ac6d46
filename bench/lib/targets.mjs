// The servers under test. Each target yields { name, kind, path, wsUrl(room, user) → Promise<string>,
// procs() → [{ pid, label }] } so scenarios measure them all the same way.
import { createHmac } from "node:crypto";
import { existsSync, readFileSync, mkdirSync, writeFileSync, cpSync, symlinkSync } from "node:fs";
import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { protocolConstant, protocolVersionOf } from "./protocol-constants.mjs";
import { startChild, stopChild, freePort, waitForHttp, descendants, listeningPorts, commName, sleep } from "./proc.mjs";

const ROOT = new URL("../../", import.meta.url).pathname;
const PROTOCOL_VERSION = protocolConstant("PROTOCOL_VERSION");

// --- Socket.IO baseline -------------------------------------------------------------------------

export async function startSocketIO(logDir) {
  const port = await freePort();
  const child = startChild(process.execPath, [join(ROOT, "bench/servers/socketio.mjs"), String(port)], {
    cwd: ROOT,
    logFile: join(logDir, "socketio.log"),
  });
  await waitForHttp(`http://127.0.0.1:${port}/`, (res) => res.status === 404, 15000, child);
  return {
    name: "socket.io",
    kind: "sio",
    path: `node ${process.version}, socket.io 4.8.4, 127.0.0.1:${port}`,
    port,
    child,
    wsUrl: async (room, user) =>
      `ws://127.0.0.1:${port}/socket.io/?EIO=4&transport=websocket&room=${encodeURIComponent(room)}&user=${encodeURIComponent(user)}`,
    procs: () => [{ pid: child.pid, label: "node" }],
    stop: () => stopChild(child),
  };
}

// --- Ours: wrangler dev (proxy workerd → worker workerd) ---------------------------------------

/** Reads KEY=VALUE lines from .dev.vars, or .dev.vars.example when the developer has not made one. */
export function devVars() {
  const file = existsSync(join(ROOT, ".dev.vars")) ? ".dev.vars" : ".dev.vars.example";
  const vars = {};
  for (const line of readFileSync(join(ROOT, file), "utf8").split("\n")) {
    const m = /^\s*([A-Z0-9_]+)\s*=\s*(.*?)\s*$/.exec(line);
    if (m) vars[m[1]] = m[2].replace(/^"(.*)"$/, "$1");
  }
  return { file, vars };
}

const b64url = (buf) => Buffer.from(buf).toString("base64url");

/** HS256 JWT with the claims the worker issues (sub, name, rooms, role, iat, exp), signed synchronously. */
export function signToken(secret, { user, name, rooms, ttl = 3600 }) {
  const now = Math.floor(Date.now() / 1000);
  const head = b64url(JSON.stringify({ alg: "HS256", typ: "JWT" }));
  const body = b64url(JSON.stringify({ sub: user, name, rooms, role: "member", iat: now, exp: now + ttl }));
  const sig = createHmac("sha256", secret).update(`${head}.${body}`).digest("base64url");
  return `${head}.${body}.${sig}`;
}

/**
 * Builds dist/ (`node scripts/build.mjs`) when dist/inapp-talk.js is missing, as on a fresh clone or after the
 * workers tests (they create an empty dist/). wrangler.toml serves dist/ as static assets, and wrangler
 * refuses to start without the folder; the weight scenario measures the built widget.
 * @param {(line: string) => void} [log]
 * @returns {boolean} whether it built
 */
export function ensureDist(log = (line) => process.stderr.write(`${line}\n`)) {
  if (existsSync(join(ROOT, "dist/inapp-talk.js"))) return false;
  log("dist/inapp-talk.js is missing: building it first (node scripts/build.mjs)");
  // The build's size table goes to stderr: stdout is the bench's own report.
  execFileSync(process.execPath, [join(ROOT, "scripts/build.mjs")], { cwd: ROOT, stdio: ["ignore", 2, 2] });
  return true;
}

const WRANGLER_ENV = { WRANGLER_SEND_METRICS: "false", CLOUDFLARE_CF_FETCH_ENABLED: "false", XDG_CONFIG_HOME: join(ROOT, ".config"), NO_COLOR: "1", CI: "1" };

/**
 * Freezes the server for the run: bundles the worker once (`wrangler deploy --dry-run`), copies dist/, and
 * writes a config that points at the copies. Others edit party/ and rebuild dist/ while the bench runs;
 * `wrangler dev` on the live tree would reload the worker (new ports, dropped sockets) mid-measurement.
 */
export function snapshotWorker(workDir, patch, base) {
  ensureDist();
  const source = base ? extractCommit(workDir, base) : ROOT;
  const dir = join(workDir, "worker");
  mkdirSync(dir, { recursive: true });
  execFileSync(process.execPath, [join(ROOT, "node_modules/wrangler/bin/wrangler.js"), "deploy", "--dry-run", "--outdir", join(dir, "build")], {
    cwd: source,
    env: { ...process.env, ...WRANGLER_ENV },
    stdio: "pipe",
  });
  if (patch) {
    const file = join(dir, "build", "index.js");
    writeFileSync(file, patch(readFileSync(file, "utf8")));
  }
  if (existsSync(join(ROOT, "dist"))) cpSync(join(ROOT, "dist"), join(dir, "dist"), { recursive: true });
  else mkdirSync(join(dir, "dist"));
  const toml = readFileSync(join(source, "wrangler.toml"), "utf8")
    .replace(/^main\s*=.*$/m, 'main = "build/index.js"\nno_bundle = true')
    .replace(/^directory\s*=.*$/m, 'directory = "dist"');
  writeFileSync(join(dir, "wrangler.toml"), toml);
  // The version its clients ask for: a base from before protocol v2 refuses `v=2` (unsupported_version).
  if (base)
    return {
      config: join(dir, "wrangler.toml"),
      source: execFileSync("git", ["rev-parse", "--short", base], { cwd: ROOT }).toString().trim(),
      v: protocolVersionOf(source),
    };
  const commit = execFileSync("git", ["rev-parse", "--short", "HEAD"], { cwd: ROOT }).toString().trim();
  const dirty = execFileSync("git", ["status", "--porcelain", "party", "worker", "protocol"], { cwd: ROOT }).toString().trim() !== "";
  return { config: join(dir, "wrangler.toml"), source: `${commit}${dirty ? " + uncommitted party/worker/protocol changes" : ""}`, v: PROTOCOL_VERSION };
}

/**
 * The tree of an earlier commit (`git archive`, no worktree), with this checkout's node_modules: a
 * "before" server for an A/B in one run, which on a shared machine is fairer than two runs.
 */
function extractCommit(workDir, commit) {
  const dir = join(workDir, "base-src");
  mkdirSync(dir, { recursive: true });
  const tar = execFileSync("git", ["archive", "--format=tar", commit], { cwd: ROOT, maxBuffer: 1 << 28 });
  execFileSync("tar", ["-x", "-C", dir], { input: tar });
  symlinkSync(join(ROOT, "node_modules"), join(dir, "node_modules"));
  // wrangler checks that the assets folder exists; the copy of this checkout's dist/ follows as usual.
  mkdirSync(join(dir, "dist"), { recursive: true });
  return dir;
}

/**
 * Starts a server command (wrangler dev, or ours-quiet.mjs / the floor through unstable_startWorker), waits until
 * `probePath` on `port` gives the expected answer, then finds the worker's own workerd port (the one behind
 * wrangler's proxy) among the listening sockets of its children, so both paths can be measured.
 * @param {string} workDir
 * @param {string[]} args  node arguments
 * @param {{ port: number, inspectorPort?: number, probePath: string, isAnswer: (res: Response, body: string) => boolean }} probe
 */
async function launch(workDir, args, { port, inspectorPort, probePath, isAnswer }) {
  const logFile = join(workDir, "wrangler.log");
  const t0 = performance.now();
  const child = startChild(process.execPath, args, {
    cwd: ROOT,
    logFile,
    // A dev registry of its own: servers of the same worker name see each other's start and stop in a
    // shared one, and that reloads the worker (new ports, dropped sockets, "restarted mid-request").
    env: { ...WRANGLER_ENV, WRANGLER_REGISTRY_PATH: join(workDir, "registry") },
  });
  try {
    await waitForHttp(`http://127.0.0.1:${port}${probePath}`, isAnswer, 60000, child);
  } catch (e) {
    const log = existsSync(logFile) ? readFileSync(logFile, "utf8").split("\n").slice(-25).join("\n") : "";
    await stopChild(child);
    throw new Error(`wrangler dev did not answer: ${e.message}\n--- ${logFile} (tail) ---\n${log}`);
  }
  const startMs = performance.now() - t0;

  // The worker's own port: listening sockets of wrangler's workerd children other than the proxy and inspector.
  let directPort = null;
  const tree = descendants(child.pid);
  for (let attempt = 0; attempt < 10 && directPort === null; attempt++) {
    const candidates = listeningPorts(tree).filter((l) => l.port !== port && l.port !== inspectorPort);
    for (const { port: p } of candidates) {
      try {
        const res = await fetch(`http://127.0.0.1:${p}${probePath}`, { signal: AbortSignal.timeout(2000) });
        if (isAnswer(res, await res.text())) {
          directPort = p;
          break;
        }
      } catch {}
    }
    if (directPort === null) await sleep(300);
  }
  const portsByPid = new Map();
  for (const l of listeningPorts(descendants(child.pid))) portsByPid.set(l.pid, [...(portsByPid.get(l.pid) ?? []), l.port]);
  const procs = () => {
    const out = [{ pid: child.pid, label: "wrangler (node)" }];
    for (const pid of descendants(child.pid)) {
      const ports = portsByPid.get(pid) ?? [];
      const comm = commName(pid);
      if (comm === "workerd") out.push({ pid, label: ports.includes(directPort) ? "workerd (worker)" : ports.includes(port) ? "workerd (proxy)" : "workerd" });
      else out.push({ pid, label: comm });
    }
    return out;
  };
  return { child, startMs, directPort, procs };
}

/**
 * Starts `wrangler dev` on a free port with fresh local storage and the rate limits raised, then finds
 * the worker's own workerd port (the one behind wrangler's proxy) so both paths can be measured.
 * @param {string} workDir
 * With `quiet`, the same snapshot runs through wrangler's API without the inspector (bench/servers/ours-quiet.mjs):
 * no DevTools forwarding of subrequests through node, which production does not have either.
 * With `base` (a commit), the server is that commit's code instead of the working tree's.
 * @param {{ extraVars?: Record<string, string>, patch?: (code: string) => string, label?: string, quiet?: boolean, base?: string }} [options]
 */
export async function startOurs(workDir, { extraVars = {}, patch, label = "", quiet = false, base } = {}) {
  const port = await freePort();
  const inspectorPort = await freePort();
  const persist = join(workDir, "state");
  mkdirSync(persist, { recursive: true });
  const { file: varsFile, vars } = devVars();
  const bindings = {
    INAPP_TALK_API_KEY: vars.INAPP_TALK_API_KEY,
    TOKEN_SECRET: vars.TOKEN_SECRET,
    GUEST_ROOM_PREFIX: vars.GUEST_ROOM_PREFIX ?? "demo-",
    RATE_LIMIT_MSG_PER_SEC: "100000",
    RATE_LIMIT_MSG_BURST: "100000",
    RATE_LIMIT_FLOOD_STRIKES: "100000",
    RATE_LIMIT_GUEST_PER_MIN: "100000",
    ...extraVars,
  };
  const snap = snapshotWorker(workDir, patch, base);
  const args = quiet
    ? [
        join(ROOT, "bench/servers/ours-quiet.mjs"),
        snap.config,
        String(port),
        persist,
        JSON.stringify(Object.fromEntries(Object.entries(bindings).filter(([, v]) => v !== undefined))),
      ]
    : [
        join(ROOT, "node_modules/wrangler/bin/wrangler.js"),
        "dev",
        "--config",
        snap.config,
        "--port",
        String(port),
        "--ip",
        "127.0.0.1",
        "--local",
        "--show-interactive-dev-session=false",
        "--inspector-port",
        String(inspectorPort),
        "--persist-to",
        persist,
      ];
  if (!quiet) for (const [k, v] of Object.entries(bindings)) if (v !== undefined) args.push("--var", `${k}:${v}`);
  const isSessionAnswer = (res, body) => res.status === 401 && body.includes('"error"');
  const { child, startMs, directPort, procs } = await launch(workDir, args, {
    port,
    inspectorPort,
    probePath: "/api/session?room=bench-probe",
    isAnswer: isSessionAnswer,
  });

  // Tokens: signed here when the worker accepts them (checked once), else minted through POST /api/token.
  const secret = bindings.TOKEN_SECRET;
  let localSigning = false;
  if (secret) {
    const probe = signToken(secret, { user: "bench-probe", name: "Probe", rooms: ["bench-probe"] });
    const res = await fetch(`http://127.0.0.1:${port}/api/session?room=bench-probe`, { headers: { authorization: `Bearer ${probe}` } });
    localSigning = res.status === 200;
  }
  const tokenCache = new Map();
  const token = async (room, user) => {
    const key = `${room}\u0000${user}`;
    if (tokenCache.has(key)) return tokenCache.get(key);
    let t;
    if (localSigning) t = signToken(secret, { user, name: user, rooms: [room] });
    else {
      const res = await fetch(`http://127.0.0.1:${port}/api/token`, {
        method: "POST",
        headers: { authorization: `Bearer ${bindings.INAPP_TALK_API_KEY}`, "content-type": "application/json" },
        body: JSON.stringify({ user, name: user, rooms: [room], ttl: 3600 }),
      });
      if (!res.ok) throw new Error(`POST /api/token → ${res.status} ${await res.text()}`);
      t = /** @type {{ token: string }} */ (await res.json()).token;
    }
    tokenCache.set(key, t);
    return t;
  };
  const wsUrlFor = (p) => async (room, user, since) =>
    `ws://127.0.0.1:${p}/parties/room/${room}?token=${await token(room, user)}&v=${snap.v}${since !== undefined ? `&since=${since}` : ""}`;

  const common = {
    source: snap.source,
    kind: "ours",
    child,
    procs,
    stop: () => stopChild(child),
    token,
    localSigning,
    startMs,
    varsFile,
    port,
    directPort,
    inspectorPort,
    persist,
    quiet,
  };
  const proxy = {
    ...common,
    name: `ours${label}${quiet ? " (no inspector)" : ""} via proxy`,
    path: `wrangler dev proxy 127.0.0.1:${port}`,
    wsUrl: wsUrlFor(port),
    httpPort: port,
  };
  const direct = directPort
    ? {
        ...common,
        name: `ours${label}${quiet ? " (no inspector)" : ""} direct`,
        path: `worker's own workerd port 127.0.0.1:${directPort}`,
        wsUrl: wsUrlFor(directPort),
        httpPort: directPort,
      }
    : null;
  return { proxy, direct, ...common };
}

// --- The runtime floor: a minimal Durable Object chat (bench/servers/floor), started like ours ------------

/**
 * Starts the floor worker (bench/servers/floor/worker.ts) through the same unstable_startWorker launcher as our
 * quiet server, with fresh local storage, and returns its worker-port target. `kind: "floor"` speaks our frames
 * (send → ack) but is ready at its one welcome frame. With `rows`, it writes a member row per connect and a
 * message row per message (one commit each).
 * @param {string} workDir
 * @param {{ rows?: boolean }} [options]
 */
export async function startFloor(workDir, { rows = false } = {}) {
  const port = await freePort();
  const persist = join(workDir, "state");
  mkdirSync(persist, { recursive: true });
  // Bundled once, like our snapshot, so both run a prebuilt script (no_bundle) and no esbuild is left watching.
  const dir = join(workDir, "worker");
  mkdirSync(dir, { recursive: true });
  const source = join(ROOT, "bench/servers/floor/wrangler.toml");
  execFileSync(
    process.execPath,
    [join(ROOT, "node_modules/wrangler/bin/wrangler.js"), "deploy", "--dry-run", "--config", source, "--outdir", join(dir, "build")],
    {
      cwd: ROOT,
      env: { ...process.env, ...WRANGLER_ENV },
      stdio: "pipe",
    },
  );
  const config = join(dir, "wrangler.toml");
  writeFileSync(config, readFileSync(source, "utf8").replace(/^main\s*=.*$/m, 'main = "build/worker.js"\nno_bundle = true'));
  const args = [join(ROOT, "bench/servers/ours-quiet.mjs"), config, String(port), persist, JSON.stringify({ FLOOR_WRITE: rows ? "rows" : "" })];
  const { child, startMs, directPort, procs } = await launch(workDir, args, {
    port,
    probePath: "/parties/room/bench-probe",
    isAnswer: (res, body) => res.status === 426 && body.startsWith("floor:"),
  });
  if (!directPort) {
    await stopChild(child);
    throw new Error("the floor worker's own port was not found");
  }
  return {
    name: rows ? "floor + rows" : "floor",
    kind: "floor",
    path: `bench/servers/floor (${rows ? "a row per connect and per message" : "no writes"}), unstable_startWorker without inspector, worker port 127.0.0.1:${directPort}`,
    child,
    procs,
    startMs,
    directPort,
    persist,
    wsUrl: async (room, user) => `ws://127.0.0.1:${directPort}/parties/room/${encodeURIComponent(room)}?user=${encodeURIComponent(user)}&v=${PROTOCOL_VERSION}`,
    stop: () => stopChild(child),
  };
}

/** CPU time (µs) and RSS (bytes) of a target's processes right now, per label and in total. */
export async function sampleProcs(target, { cpuMicros, rssBytes }) {
  const per = {};
  let cpu = 0;
  let rss = 0;
  for (const { pid, label } of target.procs()) {
    const c = cpuMicros(pid);
    const r = rssBytes(pid);
    per[label] = per[label] ? { cpu: per[label].cpu + c, rss: per[label].rss + r } : { cpu: c, rss: r };
    cpu += c;
    rss += r;
  }
  return { cpu, rss, per };
}
