// Finds the system Chromium (driven by playwright-core) and coturn's turnserver for the browser
// tests. Nothing is ever downloaded by playwright: the binaries come from Debian packages. When
// they are missing we install them if we can (root + apt-get, as in CI) and otherwise stop with
// one line saying what to run — a browser suite that silently skips proves nothing.
import { spawnSync } from "node:child_process";
import { accessSync, constants, existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

const APT_PACKAGES = ["chromium", "coturn"];
const INSTALL_HINT = `apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends ${APT_PACKAGES.join(" ")}`;

/**
 * Path of the Chromium binary: `CHROMIUM_PATH`, else Debian's `/usr/bin/chromium` (installed on demand).
 * @returns {string}
 */
export function findChromium() {
  return findBinary("Chromium", "CHROMIUM_PATH", "/usr/bin/chromium");
}

/**
 * Path of coturn's `turnserver`: `TURNSERVER_PATH`, else `/usr/bin/turnserver` (installed on demand).
 * @returns {string}
 */
export function findTurnserver() {
  return findBinary("turnserver (coturn)", "TURNSERVER_PATH", "/usr/bin/turnserver");
}

/** @param {string} label @param {string} envName @param {string} defaultPath */
function findBinary(label, envName, defaultPath) {
  const override = process.env[envName];
  if (override) {
    if (isExecutable(override)) return override;
    die(`${envName}=${override} is not an executable file; fix it or unset it to use ${defaultPath}.`);
  }
  if (isExecutable(defaultPath)) return defaultPath;
  if (canInstall()) {
    installPackages();
    if (isExecutable(defaultPath)) return defaultPath;
    die(`${label} is still missing at ${defaultPath} after apt-get install ${APT_PACKAGES.join(" ")}.`);
  }
  die(`${label} not found at ${defaultPath}: run as root \`${INSTALL_HINT}\` or set ${envName}.`);
}

function canInstall() {
  return process.getuid?.() === 0 && existsSync("/usr/bin/apt-get");
}

function installPackages() {
  console.error(`Installing ${APT_PACKAGES.join(" ")} with apt-get (needed by the browser tests)…`);
  const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
  for (const args of [["update"], ["install", "-y", "--no-install-recommends", ...APT_PACKAGES]]) {
    const r = spawnSync("apt-get", args, { stdio: ["ignore", "inherit", "inherit"], env });
    if (r.status !== 0) die(`\`apt-get ${args.join(" ")}\` failed (exit ${r.status ?? r.signal}); run \`${INSTALL_HINT}\` by hand.`);
  }
}

/** @param {string} path */
function isExecutable(path) {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** @param {string} line @returns {never} */
function die(line) {
  console.error(`error: ${line}`);
  process.exit(1);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  console.log(findChromium());
  console.log(findTurnserver());
}

/**
 * Chromium flags for every headless run here (browser tests and benchmarks; TOOLCHAIN.md): nothing
 * that reaches out, and a resolver that knows only loopback, so a run can never touch (or wait on)
 * the outside world.
 */
export const CHROMIUM_ARGS = [
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE localhost , EXCLUDE 127.0.0.1",
];

/** Added for calls: fake camera and microphone, autoplay, and peer connections over loopback. */
export const CHROMIUM_MEDIA_ARGS = [
  "--autoplay-policy=no-user-gesture-required",
  "--use-fake-device-for-media-stream=device-count=2",
  "--use-fake-ui-for-media-stream",
  "--allow-loopback-in-peer-connection",
];

/**
 * coturn on 127.0.0.1 for tests and benchmarks (TOOLCHAIN.md): TURN REST credentials from `secret`,
 * no TLS, and `--allow-loopback-peers`, which only a loopback-only test network may use — production
 * configurations deny private peers (README, "TURN for calls").
 * @param {{ port: number, secret: string, dir: string, minPort: number, maxPort: number, logFile: string, verbose?: boolean }} o
 * @returns {string[]}
 */
export function turnserverArgs(o) {
  return [
    "-n",
    "--listening-ip=127.0.0.1",
    "--relay-ip=127.0.0.1",
    `--listening-port=${o.port}`,
    `--min-port=${o.minPort}`,
    `--max-port=${o.maxPort}`,
    "--use-auth-secret",
    `--static-auth-secret=${o.secret}`,
    "--realm=inapp-talk",
    "--no-tls",
    "--no-dtls",
    "--no-cli",
    "--no-rfc5780",
    // Every peer is 127.0.0.1 here. Without it coturn answers 403 Forbidden IP.
    "--allow-loopback-peers",
    "--fingerprint",
    // Logs each session and allocation (user, outcome): tests read who was relayed.
    ...(o.verbose ? ["--verbose"] : []),
    `--userdb=${o.dir}/turndb`,
    `--pidfile=${o.dir}/turn.pid`,
    `--log-file=${o.logFile}`,
    "--simple-log",
  ];
}
