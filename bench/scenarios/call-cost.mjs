// 11. What a video call costs the browser (issue 10): CPU and memory of one Chromium running both
// sides of a video call for `seconds` (5 minutes by default), against a baseline in the same run —
// the same two widget pages open and connected, no call, for the same time. Also the call's uplink
// and downlink bitrate from getStats() (bytesSent / bytesReceived of the RTP streams, per side).
// Fake camera (640×480, 20 fps) and microphone; direct (host) path on loopback. CPU from
// /proc/<pid>/stat of the browser's process tree (10 ms ticks), memory as the tree's summed RSS.
//
// Runs inside the loopback-only network namespace (bench/run.mjs re-execs itself): see TOOLCHAIN.md.
import { existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { startCallPages } from "../lib/call-pages.mjs";
import { commName, cpuMicros, descendants, freePort, rssBytes, sleep } from "../lib/proc.mjs";
import { fmt, printTable } from "../lib/stats.mjs";
import { startOurs } from "../lib/targets.mjs";
import { CHROMIUM, launchChromium } from "../lib/chromium.mjs";

const WAIT = 45_000;

/** CPU (µs) and RSS (bytes) of every Chromium process this bench started (its whole process tree). */
function treeUsage() {
  const pids = descendants(process.pid).filter((p) => /chrom/i.test(commName(p)));
  let cpu = 0;
  let rss = 0;
  for (const p of pids) {
    cpu += cpuMicros(p) ?? 0;
    rss += rssBytes(p) ?? 0;
  }
  return { cpu, rss };
}

/** Bytes sent and received by the RTP streams of the page's call (getCallStats()). */
const rtpBytes = (page) =>
  page.evaluate(async () => {
    const report = await /** @type {any} */ (document.querySelector("inapp-talk")).getCallStats();
    let sent = 0;
    let received = 0;
    for (const s of report?.values() ?? []) {
      if (s.type === "outbound-rtp") sent += s.bytesSent ?? 0;
      if (s.type === "inbound-rtp") received += s.bytesReceived ?? 0;
    }
    return { sent, received, at: Date.now() };
  });

/** Samples the browser tree every second for `seconds`; returns CPU % of one core and mean/peak RSS. */
async function sample(seconds) {
  const start = treeUsage();
  const t0 = performance.now();
  const rss = [];
  for (let i = 0; i < seconds; i++) {
    await sleep(1000);
    rss.push(treeUsage().rss);
  }
  const end = treeUsage();
  const wallUs = (performance.now() - t0) * 1000;
  return {
    cpuPct: ((end.cpu - start.cpu) / wallUs) * 100,
    rssMeanMB: rss.reduce((a, b) => a + b, 0) / rss.length / 2 ** 20,
    rssPeakMB: Math.max(...rss) / 2 ** 20,
  };
}

/**
 * @param {string} workDir
 * @param {{ seconds: number }} plan
 * @param {(line: string) => void} log
 */
export async function runCallCost(workDir, plan, log) {
  if (!existsSync(CHROMIUM)) return { skipped: `no Chromium at ${CHROMIUM}` };
  const dir = join(workDir, "call-cost");
  mkdirSync(dir, { recursive: true });
  const ours = await startOurs(dir, { label: " (call cost)", extraVars: { CALL_RING_TIMEOUT_SEC: "60", CALL_CONNECT_TIMEOUT_SEC: "30" } });
  const serverPort = ours.directPort ?? ours.port;
  const pages = await startCallPages(await freePort(), `http://localhost:${serverPort}`);
  const browser = await launchChromium();
  const contexts = [];
  try {
    const room = `bench-cost-${Date.now().toString(36)}`;
    const open = async (user) => {
      const context = await browser.newContext({ viewport: { width: 900, height: 700 } });
      contexts.push(context);
      const page = await context.newPage();
      await page.goto(`${pages.origin}/widget?room=${room}&relay=0&token=${encodeURIComponent(await ours.token(room, user))}`);
      return page;
    };
    const a = await open("alice");
    const b = await open("bob");
    const widget = (p) => p.locator("inapp-talk");
    await widget(a).locator('[part~="video-call-button"]').waitFor({ timeout: WAIT });
    log(`call cost: baseline, two connected widget pages without a call, ${plan.seconds} s`);
    const idle = await sample(plan.seconds);
    await widget(a).locator('[part~="video-call-button"]').click();
    await widget(b).locator('[part~="accept"]').click({ timeout: WAIT });
    for (const p of [a, b]) await widget(p).locator('[part~="call-status"][data-phase="connected"]').waitFor({ timeout: WAIT });
    await sleep(3000);
    const before = await Promise.all([a, b].map(rtpBytes));
    log(`call cost: video call, ${plan.seconds} s`);
    const call = await sample(plan.seconds);
    const after = await Promise.all([a, b].map(rtpBytes));
    const kbps = (i, k) => ((after[i][k] - before[i][k]) * 8) / (after[i].at - before[i].at);
    const rates = { uplinkKbps: [kbps(0, "sent"), kbps(1, "sent")], downlinkKbps: [kbps(0, "received"), kbps(1, "received")] };
    await widget(a)
      .locator('[part~="hangup"]')
      .click()
      .catch(() => {});
    printTable(
      `Call cost: one Chromium running both sides of a 640×480 fake-camera video call for ${plan.seconds} s, against the same pages without a call`,
      ["", "CPU (% of one core)", "RSS mean MB", "RSS peak MB"],
      [
        ["two pages, no call", fmt(idle.cpuPct, 1), fmt(idle.rssMeanMB, 0), fmt(idle.rssPeakMB, 0)],
        ["two pages, video call", fmt(call.cpuPct, 1), fmt(call.rssMeanMB, 0), fmt(call.rssPeakMB, 0)],
        ["the call's share (both sides)", fmt(call.cpuPct - idle.cpuPct, 1), fmt(call.rssMeanMB - idle.rssMeanMB, 0), ""],
      ],
    );
    console.log(
      `bitrate per side: uplink ${rates.uplinkKbps.map((x) => fmt(x, 0)).join(" / ")} kbit/s, downlink ${rates.downlinkKbps.map((x) => fmt(x, 0)).join(" / ")} kbit/s (caller / callee)`,
    );
    return { idle, call, rates, seconds: plan.seconds };
  } finally {
    await Promise.all(contexts.map((c) => c.close().catch(() => {})));
    await browser.close();
    await pages.close();
    await ours.stop();
  }
}
