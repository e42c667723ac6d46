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
