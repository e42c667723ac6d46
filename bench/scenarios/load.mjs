// 6. Load: real Chromium opens a blank host page (its own loopback origin) that holds only our script tag
// and element; we time navigation start → `inapp-talk-ready` (connected, first history page rendered)
// and count the JS bytes that crossed the wire (CDP Network: encodedDataLength of Script responses).
// Cold = fresh browser context (empty cache); warm = the same page loaded again in that context.
import { createServer } from "node:http";
import { mkdirSync, existsSync } from "node:fs";
import { join } from "node:path";
import { medSpread, printTable, fmt } from "../lib/stats.mjs";
import { freePort } from "../lib/proc.mjs";
import { CHROMIUM_ARGS } from "../../scripts/find-browser.mjs";

const ROOT = new URL("../../", import.meta.url).pathname;
const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
// No media flags: no call here.
const ARGS = CHROMIUM_ARGS;

function hostPage(serverPort, room) {
  return `<!doctype html><html><head><meta charset="utf-8"><title>bench host</title></head><body>
<script type="module" src="http://localhost:${serverPort}/inapp-talk.js"></script>
<inapp-talk room="${room}" guest name="Bench"></inapp-talk>
</body></html>`;
}

async function measurePage(context, url, timeoutMs) {
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send("Network.enable");
  const types = new Map();
  let jsBytes = 0;
  let allBytes = 0;
  let jsFiles = 0;
  cdp.on("Network.responseReceived", (e) => types.set(e.requestId, e.type));
  cdp.on("Network.loadingFinished", (e) => {
    allBytes += e.encodedDataLength;
    if (types.get(e.requestId) === "Script") {
      jsBytes += e.encodedDataLength;
      jsFiles++;
    }
  });
  let wsFrames = 0;
  cdp.on("Network.webSocketFrameReceived", () => wsFrames++);
  await page.addInitScript(() => {
    document.addEventListener(
      "inapp-talk-ready",
      () => {
        /** @type {any} */ (window).__benchReady = performance.now();
      },
      { capture: true, once: true },
    );
    document.addEventListener(
      "inapp-talk-error",
      (e) => {
        /** @type {any} */ (window).__benchError = JSON.stringify(/** @type {CustomEvent} */ (e).detail);
      },
      { capture: true },
    );
  });
  await page.goto(url, { waitUntil: "load" });
  const handle = await page.waitForFunction(
    () => {
      const w = /** @type {any} */ (window);
      return w.__benchReady ?? (w.__benchError ? -1 : null);
    },
    null,
    {
      timeout: timeoutMs,
      polling: 10,
    },
  );
  const readyMs = await handle.jsonValue();
  const error = await page.evaluate(() => /** @type {any} */ (window).__benchError ?? null);
  const timing = await page.evaluate(() => {
    const nav = /** @type {PerformanceNavigationTiming} */ (performance.getEntriesByType("navigation")[0]);
    return { dcl: nav.domContentLoadedEventEnd, load: nav.loadEventEnd };
  });
  await page.waitForTimeout(100); // let loadingFinished of late responses arrive
  const out = { readyMs, error, jsBytes, jsFiles, allBytes, wsFrames, ...timing };
  return { page, cdp, out };
}

export async function runLoad(ours, workDir, { reps }, log) {
  if (!ours) return { skipped: "our server is not running" };
  if (!existsSync(CHROMIUM)) return { skipped: `no Chromium at ${CHROMIUM}` };
  const { chromium } = await import("playwright-core");
  const home = join(ROOT, ".tmp", "bench-chromium");
  mkdirSync(home, { recursive: true });
  const hostPort = await freePort();
  const room = `demo-bench-${Date.now().toString(36)}`;
  const html = hostPage(ours.httpPort, room);
  const server = createServer((_req, res) => res.writeHead(200, { "content-type": "text/html; charset=utf-8", "cache-control": "no-store" }).end(html));
  await /** @type {Promise<void>} */ (new Promise((r) => server.listen(hostPort, "127.0.0.1", r)));
  const url = `http://localhost:${hostPort}/`;
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ARGS,
    env: { ...process.env, HOME: home, TMPDIR: home, XDG_CONFIG_HOME: join(home, "config"), XDG_CACHE_HOME: join(home, "cache") },
  });
  const results = [];
  try {
    for (let rep = 0; rep < reps; rep++) {
      const context = await browser.newContext();
      try {
        const cold = await measurePage(context, url, 15000);
        await cold.page.close();
        const warm = await measurePage(context, url, 15000);
        await warm.page.close();
        results.push({ rep, cold: cold.out, warm: warm.out });
        log(
          `load rep ${rep + 1}/${reps}: cold ready ${fmt(cold.out.readyMs)} ms, JS ${cold.out.jsBytes} B; warm ready ${fmt(warm.out.readyMs)} ms, JS ${warm.out.jsBytes} B${cold.out.error ? ` error ${cold.out.error}` : ""}`,
        );
      } catch (e) {
        results.push({ rep, error: e.message });
        log(`load rep ${rep + 1}: FAILED ${e.message.split("\n")[0]}`);
      } finally {
        await context.close();
      }
    }
  } finally {
    await browser.close();
    server.close();
  }
  const ok = results.filter((r) => !r.error);
  const row = (label, pick, d = 1) => [
    label,
    medSpread(
      ok.map((r) => pick(r.cold)),
      d,
    ),
    medSpread(
      ok.map((r) => pick(r.warm)),
      d,
    ),
  ];
  printTable(
    `Load in Chromium ${browser.version?.() ?? ""}: blank host page on :${hostPort} + <script type=module src=http://localhost:${ours.httpPort}/inapp-talk.js> (${ours.name}); guest sign-in, socket, first page; median (min–max) of ${ok.length}`,
    ["", "cold (empty cache)", "warm (same context)"],
    [
      row("navigation → inapp-talk-ready ms", (x) => x.readyMs),
      row("navigation → load event ms", (x) => x.load),
      row("JS bytes transferred (KB)", (x) => x.jsBytes / 1024),
      row("JS files", (x) => x.jsFiles, 0),
      row("all bytes transferred (KB)", (x) => x.allBytes / 1024),
    ],
  );
  return { hostPort, serverPath: ours.path, rows: results };
}
