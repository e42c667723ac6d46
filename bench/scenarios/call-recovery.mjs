// 10. Call recovery (issue 10): how long a relay-only call takes to come back after its path breaks.
// One audio call between two widget pages through our coturn; each trial stops coturn (both TURN
// allocations die, as when a network drops), waits until both sides show `reconnecting`, starts
// coturn again on the same port, and waits until both show `connected` (media flowing again after the
// widget's ICE restart). Reported per trial: break → `reconnecting` (detection), coturn back →
// `connected` (the restart itself), break → `connected`. Times come from the pages' own clocks
// (a MutationObserver on `call-status[data-phase]`), not from polling here.
//
// Runs inside the loopback-only network namespace (bench/run.mjs re-execs itself): see TOOLCHAIN.md.
import { existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { startCoturn } from "../lib/coturn.mjs";
import { startCallPages } from "../lib/call-pages.mjs";
import { freePort, sleep } from "../lib/proc.mjs";
import { fmt, median, printTable } from "../lib/stats.mjs";
import { startOurs } from "../lib/targets.mjs";
import { CHROMIUM, launchChromium } from "../lib/chromium.mjs";

const WAIT = 45_000;

/** In the page: records when call-status shows each phase (Date.now()), into window.__phases. */
function WATCH_PHASES() {
  const w = /** @type {any} */ (window);
  w.__phases = [];
  const find = (root) => {
    const hit = root.querySelector('[part~="call-status"]');
    if (hit) return hit;
    for (const el of root.querySelectorAll("*")) {
      const inner = el.shadowRoot && find(el.shadowRoot);
      if (inner) return inner;
    }
    return null;
  };
  let last = null;
  const check = () => {
    const host = document.querySelector("inapp-talk");
    const el = host?.shadowRoot && find(host.shadowRoot);
    const phase = el?.getAttribute("data-phase") ?? null;
    if (phase !== last) {
      last = phase;
      w.__phases.push({ phase, at: Date.now() });
    }
  };
  setInterval(check, 20);
}

async function waitPhaseAfter(page, phase, after) {
  await page.waitForFunction(([p, t]) => /** @type {any} */ (window).__phases.some((x) => x.phase === p && x.at >= t), [phase, after], {
    timeout: WAIT,
    polling: 50,
  });
  return page.evaluate(([p, t]) => /** @type {any} */ (window).__phases.find((x) => x.phase === p && x.at >= t).at, [phase, after]);
}

/**
 * @param {string} workDir
 * @param {{ trials: number }} plan
 * @param {(line: string) => void} log
 */
export async function runCallRecovery(workDir, plan, log) {
  if (!existsSync(CHROMIUM)) return { skipped: `no Chromium at ${CHROMIUM}` };
  const dir = join(workDir, "call-recovery");
  mkdirSync(dir, { recursive: true });
  let turn = await startCoturn(dir);
  const ours = await startOurs(dir, {
    label: " (call recovery)",
    extraVars: { TURN_SECRET: turn.secret, TURN_URLS: turn.url, STUN_URLS: "", CALL_RING_TIMEOUT_SEC: "60", CALL_CONNECT_TIMEOUT_SEC: "30" },
  });
  const serverPort = ours.directPort ?? ours.port;
  const pages = await startCallPages(await freePort(), `http://localhost:${serverPort}`);
  const browser = await launchChromium();
  const trials = [];
  const contexts = [];
  try {
    const room = `bench-recovery-${Date.now().toString(36)}`;
    const open = async (user, relay) => {
      const context = await browser.newContext({ viewport: { width: 900, height: 700 } });
      contexts.push(context);
      const page = await context.newPage();
      await page.addInitScript(WATCH_PHASES);
      await page.goto(`${pages.origin}/widget?room=${room}&relay=${relay ? 1 : 0}&token=${encodeURIComponent(await ours.token(room, user))}`);
      return page;
    };
    const a = await open("alice", true);
    const b = await open("bob", false);
    const widget = (p) => p.locator("inapp-talk");
    await widget(a).locator('[part~="call-button"]').click({ timeout: WAIT });
    await widget(b).locator('[part~="accept"]').click({ timeout: WAIT });
    for (const p of [a, b]) await waitPhaseAfter(p, "connected", 0);
    await sleep(2000);
    for (let i = 0; i < plan.trials; i++) {
      const brokeAt = Date.now();
      await turn.stop();
      const seen = await Promise.all([a, b].map((p) => waitPhaseAfter(p, "reconnecting", brokeAt)));
      const upAt = Date.now();
      turn = await startCoturn(dir, { port: turn.port, secret: turn.secret });
      const back = await Promise.all([a, b].map((p) => waitPhaseAfter(p, "connected", upAt)));
      const trial = { detectMs: Math.max(...seen) - brokeAt, restartMs: Math.max(...back) - upAt, totalMs: Math.max(...back) - brokeAt };
      trials.push(trial);
      log(`call recovery ${i + 1}/${plan.trials}: ${JSON.stringify(trial)}`);
      await sleep(3000);
    }
    await widget(a)
      .locator('[part~="hangup"]')
      .click()
      .catch(() => {});
  } finally {
    await Promise.all(contexts.map((c) => c.close().catch(() => {})));
    await browser.close();
    await pages.close();
    await ours.stop();
    await turn.stop();
  }
  const col = (k) => trials.map((t) => t[k]);
  printTable(
    `Call recovery: a relay-only audio call whose TURN server stops and starts again, ${trials.length} trials (both sides)`,
    ["", "median ms", "min ms", "max ms"],
    [
      ["break → both show reconnecting", ...stats(col("detectMs"))],
      ["TURN back → both connected (ICE restart)", ...stats(col("restartMs"))],
      ["break → both connected (outage included)", ...stats(col("totalMs"))],
    ],
  );
  return { trials };
}

const stats = (xs) => [fmt(median(xs)), fmt(Math.min(...xs)), fmt(Math.max(...xs))];
