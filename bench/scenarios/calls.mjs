// 7. Calls (issue 9): accept → first decoded remote video frame, our widget vs a bare RTCPeerConnection
// page, in the same run, on the same Chromium, coturn and ICE servers; direct and relay-only. Medians
// over `calls` calls per variant, the variants interleaved (one call of each, then the next round) so
// a busy moment of the shared machine hits them alike.
//
// One call: two fresh browser contexts (empty cache: a page's first call) load the caller's and the
// callee's page; the caller starts a video call; the callee's page rings; after `settleMs` (a person
// takes at least that long to answer — our widget prefetches ICE servers and the peer library while
// it rings) the callee's page itself notes the time and clicks accept. Each page polls getStats()
// every 5 ms for the first decoded remote video frame (the same poller for both: our element's
// getCallStats(), the bare page's pc.getStats()). Reported per side and for "both" (the later side).
// Also noted, per call, when each page got its media and our room's call frames, for the breakdown.
//
// Runs inside the loopback-only network namespace (bench/run.mjs re-execs itself): see TOOLCHAIN.md.
import { existsSync, mkdirSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { startCoturn } from "../lib/coturn.mjs";
import { INSTRUMENT, startCallPages } from "../lib/call-pages.mjs";
import { freePort, sleep } from "../lib/proc.mjs";
import { fmt, median, medSpread, printTable } from "../lib/stats.mjs";
import { startOurs } from "../lib/targets.mjs";
import { CHROMIUM, launchChromium } from "../lib/chromium.mjs";

const ROOT = new URL("../../", import.meta.url).pathname;
const WAIT = 30_000;

/** Sizes of what a call downloads: the main bundle, the calls chunk and the peer library's chunk. */
export function callSizes() {
  const gz = (f) => gzipSync(readFileSync(f), { level: 9 }).length;
  const main = join(ROOT, "dist/inapp-talk.js");
  if (!existsSync(main)) return null;
  const chunks = existsSync(join(ROOT, "dist/chunks")) ? readdirSync(join(ROOT, "dist/chunks")) : [];
  const pick = (re) =>
    chunks
      .filter((f) => re.test(f))
      .map((f) => ({ file: `dist/chunks/${f}`, min: readFileSync(join(ROOT, "dist/chunks", f)).length, gz: gz(join(ROOT, "dist/chunks", f)) }));
  return {
    main: { file: "dist/inapp-talk.js", min: readFileSync(main).length, gz: gz(main) },
    calls: pick(/^calls-.*\.js$/),
    peer: pick(/^simplepeer.*\.js$/),
    ko: pick(/^ko-calls-.*\.js$/),
  };
}

/** Finds a part in the widget's shadow DOM (any depth) and clicks it, noting the time first. */
function clickPartTimed(part) {
  const find = (root) => {
    const hit = root.querySelector(`[part~="${part}"]`);
    if (hit) return hit;
    for (const el of root.querySelectorAll("*")) {
      const inner = el.shadowRoot && find(el.shadowRoot);
      if (inner) return inner;
    }
    return null;
  };
  const el = find(document.querySelector("inapp-talk").shadowRoot);
  const w = /** @type {any} */ (window);
  w.__t0 = w.__now();
  el.click();
  return w.__t0;
}

async function newPage(browser, url) {
  const context = await browser.newContext({ viewport: { width: 900, height: 700 } });
  const page = await context.newPage();
  await page.addInitScript(INSTRUMENT);
  await page.goto(url);
  return { context, page };
}

/** One call of our widget; times are absolute ms (performance.timeOrigin-based) in both pages. */
async function oursCall(browser, pages, ours, relay, i) {
  const room = `bench-call-${Date.now().toString(36)}-${i}`;
  const url = async (user) => `${pages.origin}/widget?room=${room}&relay=${relay ? 1 : 0}&token=${encodeURIComponent(await ours.token(room, user))}`;
  const a = await newPage(browser, await url("alice"));
  const b = await newPage(browser, await url("bob"));
  try {
    const widget = (p) => p.locator("inapp-talk");
    await widget(a.page).locator('[part~="video-call-button"]').waitFor({ timeout: WAIT });
    const firstA = a.page.evaluate(() =>
      /** @type {any} */ (window).__firstFrame(() => /** @type {any} */ (document.querySelector("inapp-talk")).getCallStats()),
    );
    const firstB = b.page.evaluate(() =>
      /** @type {any} */ (window).__firstFrame(() => /** @type {any} */ (document.querySelector("inapp-talk")).getCallStats()),
    );
    await widget(a.page).locator('[part~="video-call-button"]').click();
    await widget(b.page).locator('[part~="accept"]').waitFor({ timeout: WAIT });
    await sleep(pages.settleMs);
    const t0 = await b.page.evaluate(clickPartTimed, "accept");
    const [fa, fb] = await withTimeout(Promise.all([firstA, firstB]), WAIT, "no remote video frame");
    const marks = {
      caller: await a.page.evaluate(() => /** @type {any} */ (window).__marks),
      callee: await b.page.evaluate(() => /** @type {any} */ (window).__marks),
    };
    const ice = await b.page.evaluate(() =>
      /** @type {PerformanceResourceTiming[]} */ (performance.getEntriesByType("resource"))
        .filter((r) => r.name.includes("/api/ice"))
        .map((r) => ({ start: performance.timeOrigin + r.startTime, end: performance.timeOrigin + r.responseEnd })),
    );
    await widget(a.page)
      .locator('[part~="hangup"]')
      .click()
      .catch(() => {});
    return {
      t0,
      callerFrame: fa - t0,
      calleeFrame: fb - t0,
      both: Math.max(fa, fb) - t0,
      marks: relative(marks, t0),
      iceFetch: ice.map((r) => ({ start: r.start - t0, end: r.end - t0 })),
    };
  } finally {
    await Promise.all([a.context.close(), b.context.close()]);
  }
}

/** One call of the bare page. */
async function bareCall(browser, pages, iceServers, relay, i) {
  const room = `bare-${Date.now().toString(36)}-${i}`;
  const url = (role) => `${pages.origin}/bare?room=${room}&role=${role}&relay=${relay ? 1 : 0}&ice=${encodeURIComponent(JSON.stringify(iceServers))}`;
  const a = await newPage(browser, url("caller"));
  const b = await newPage(browser, url("callee"));
  try {
    for (const p of [a.page, b.page]) await p.waitForFunction(() => /** @type {any} */ (window).__ready === true, null, { timeout: WAIT });
    const first = (p) => p.evaluate(() => /** @type {any} */ (window).__firstFrame(async () => /** @type {any} */ (window).__pc?.getStats() ?? null));
    const firstA = first(a.page);
    const firstB = first(b.page);
    await sleep(pages.settleMs);
    const t0 = await b.page.evaluate(() => {
      const w = /** @type {any} */ (window);
      const t = w.__now();
      w.accept();
      return t;
    });
    const [fa, fb] = await withTimeout(Promise.all([firstA, firstB]), WAIT, "no remote video frame");
    const marks = {
      caller: await a.page.evaluate(() => /** @type {any} */ (window).__marks),
      callee: await b.page.evaluate(() => /** @type {any} */ (window).__marks),
    };
    await Promise.all([a.page.evaluate(() => /** @type {any} */ (window).hangup()), b.page.evaluate(() => /** @type {any} */ (window).hangup())]).catch(
      () => {},
    );
    return { t0, callerFrame: fa - t0, calleeFrame: fb - t0, both: Math.max(fa, fb) - t0, marks: relative(marks, t0) };
  } finally {
    await Promise.all([a.context.close(), b.context.close()]);
  }
}

function relative(marks, t0) {
  const out = {};
  for (const [side, list] of Object.entries(marks)) out[side] = list.map((m) => ({ what: m.what, ms: +(m.at - t0).toFixed(1) }));
  return out;
}

function withTimeout(p, ms, what) {
  let timer;
  return Promise.race([p, new Promise((_, reject) => (timer = setTimeout(() => reject(new Error(`${what} within ${ms} ms`)), ms)))]).finally(() =>
    clearTimeout(timer),
  );
}

/** The first mark named `what` (or any of them) on `side` at or after accept (ms after accept), per call. */
const markAt = (calls, side, what) => {
  const names = Array.isArray(what) ? what : [what];
  return calls.map((c) => c.marks[side].find((m) => names.includes(m.what) && m.ms >= -1)?.ms ?? NaN);
};
/** How many marks named `what` a side made after accept, per call. */
const countOf = (calls, side, what) => calls.map((c) => c.marks[side].filter((m) => m.what === what && m.ms >= -1).length);

/**
 * @param {string} workDir
 * @param {{ calls: number, settleMs: number }} plan
 * @param {(line: string) => void} log
 */
export async function runCalls(workDir, plan, log) {
  if (!existsSync(CHROMIUM)) return { skipped: `no Chromium at ${CHROMIUM}` };
  const sizes = callSizes();
  const dir = join(workDir, "calls");
  mkdirSync(dir, { recursive: true });
  const turn = await startCoturn(dir);
  const lift = "100000";
  const ours = await startOurs(dir, {
    label: " (calls)",
    extraVars: {
      TURN_SECRET: turn.secret,
      TURN_URLS: turn.url,
      CALL_RING_TIMEOUT_SEC: "60",
      CALL_CONNECT_TIMEOUT_SEC: "30",
      RATE_LIMIT_ICE_PER_MIN: lift,
      RATE_LIMIT_SESSION_PER_MIN: lift,
      RATE_LIMIT_TOKEN_PER_MIN: lift,
    },
  });
  // Production has no wrangler proxy in front of the worker: serve the widget (and its socket) from the
  // worker's own port when it serves the script there too.
  let serverPort = ours.port;
  let via = "wrangler's proxy";
  if (ours.directPort) {
    const res = await fetch(`http://127.0.0.1:${ours.directPort}/inapp-talk.js`).catch(() => null);
    if (res?.ok && (await res.text()).length > 1000) {
      serverPort = ours.directPort;
      via = "the worker's own port";
    }
  }
  const widgetOrigin = `http://localhost:${serverPort}`;
  const pages = { ...(await startCallPages(await freePort(), widgetOrigin)), settleMs: plan.settleMs };
  // The bare page gets exactly what our widget gets from /api/ice (same coturn, same credential kind).
  const iceRes = await fetch(`http://127.0.0.1:${serverPort}/api/ice`, { headers: { authorization: `Bearer ${await ours.token("bench-ice", "bare")}` } });
  const { iceServers } = /** @type {{ iceServers: RTCIceServer[] }} */ (await iceRes.json());
  log(`calls: coturn ${turn.url}; widget from ${widgetOrigin} (${via}); pages ${pages.origin}; ICE servers ${JSON.stringify(iceServers.map((s) => s.urls))}`);

  const browser = await launchChromium();
  const variants = [
    { name: "ours direct", run: (i) => oursCall(browser, pages, ours, false, i) },
    { name: "bare direct", run: (i) => bareCall(browser, pages, iceServers, false, i) },
    { name: "ours relay", run: (i) => oursCall(browser, pages, ours, true, i) },
    { name: "bare relay", run: (i) => bareCall(browser, pages, iceServers, true, i) },
  ];
  /** @type {Record<string, any[]>} */
  const results = Object.fromEntries(variants.map((v) => [v.name, []]));
  const failures = [];
  try {
    // One warm-up call each (Chromium's first WebRTC use, workerd's first room), not counted.
    for (const v of variants) await v.run(-1).catch((e) => log(`calls warm-up ${v.name}: ${e.message}`));
    for (let i = 0; i < plan.calls; i++) {
      for (const v of variants) {
        try {
          const r = await v.run(i);
          results[v.name].push(r);
          log(`calls ${v.name} ${i + 1}/${plan.calls}: both sides ${fmt(r.both, 0)} ms (caller ${fmt(r.callerFrame, 0)}, callee ${fmt(r.calleeFrame, 0)})`);
        } catch (e) {
          failures.push({ variant: v.name, call: i, error: e.message });
          log(`calls ${v.name} ${i + 1}: FAILED ${e.message.split("\n")[0]}`);
        }
      }
    }
  } finally {
    await browser.close();
    await pages.close();
    await ours.stop();
    await turn.stop();
  }

  const med = (name, pick) => median(results[name].map(pick));
  const row = (name) => {
    const r = results[name];
    const bare = name.startsWith("ours") ? name.replace("ours", "bare") : null;
    const ratio = bare ? med(name, (c) => c.both) / med(bare, (c) => c.both) : NaN;
    return [
      name,
      r.length,
      medSpread(
        r.map((c) => c.both),
        0,
      ),
      medSpread(
        r.map((c) => c.callerFrame),
        0,
      ),
      medSpread(
        r.map((c) => c.calleeFrame),
        0,
      ),
      bare ? `${fmt(ratio)} ×` : "",
    ];
  };
  printTable(
    `Calls: accept → first decoded remote video frame, ms; median (min–max) of n fresh-page calls; video 640×480 fake camera, loopback netns, coturn on 127.0.0.1; accept ${plan.settleMs} ms after the ring`,
    ["variant", "n", "both sides", "caller sees callee", "callee sees caller", "vs bare"],
    variants.map((v) => row(v.name)),
  );

  // Where the time goes, medians of ms after accept (our room's frames and the pages' own marks).
  const steps = [
    ["callee: getUserMedia done", "callee", "gum done"],
    ["caller: hears the answer (ours: room's `connecting`; bare: `accept`)", "caller", null],
    ["caller: sends the offer", "caller", "send signal offer"],
    ["callee: receives the offer", "callee", "recv signal offer"],
    ["callee: sends the answer", "callee", "send signal answer"],
    ["caller: receives the answer", "caller", "recv signal answer"],
    ["caller: ICE connected (ours: sends call_connected)", "caller", { ours: "send call_connected", bare: ["ice connected", "ice completed"] }],
    ["callee: ICE connected (ours: sends call_connected)", "callee", { ours: "send call_connected", bare: ["ice connected", "ice completed"] }],
  ];
  const stepRows = steps.map(([label, side, what]) => {
    const cells = variants.map((v) => {
      const calls = results[v.name];
      const kind = v.name.startsWith("ours") ? "ours" : "bare";
      const w = what === null ? (kind === "ours" ? "recv call connecting" : "recv accept") : typeof what === "string" ? what : what[kind];
      return fmt(median(markAt(calls, side, w)), 0);
    });
    return [label, ...cells];
  });
  stepRows.push([
    "callee: first frame (caller's video)",
    ...variants.map((v) =>
      fmt(
        med(v.name, (c) => c.calleeFrame),
        0,
      ),
    ),
  ]);
  stepRows.push([
    "caller: first frame (callee's video)",
    ...variants.map((v) =>
      fmt(
        med(v.name, (c) => c.callerFrame),
        0,
      ),
    ),
  ]);
  stepRows.push(["caller: candidates sent (count)", ...variants.map((v) => fmt(median(countOf(results[v.name], "caller", "send signal candidate")), 0))]);
  printTable("Calls: where the time goes — median ms after the accept click", ["step", ...variants.map((v) => v.name)], stepRows);
  const iceDuring = results["ours direct"].flatMap((c) => c.iceFetch ?? []).filter((r) => r.end > 0).length;
  console.log(
    `our /api/ice fetches still running after accept: ${iceDuring} of ${results["ours direct"].length} direct calls (fetched while it rang otherwise)`,
  );

  if (sizes) {
    const kb = (n) => `${fmt(n / 1024, 1)} KB`;
    const sum = (l) => l.reduce((n, f) => n + f.gz, 0);
    console.log(
      `sizes (min+gzip -9): inapp-talk.js ${kb(sizes.main.gz)}; calls chunk ${sizes.calls.map((f) => kb(f.gz)).join(" + ")} + simple-peer chunk ${sizes.peer.map((f) => kb(f.gz)).join(" + ")} = ${kb(sum(sizes.calls) + sum(sizes.peer))} for a call (+ ${sizes.ko.map((f) => kb(f.gz)).join(" + ")} in Korean)`,
    );
  }
  return { plan, sizes, serverPath: via, iceServers: iceServers.map((s) => s.urls), failures, calls: results };
}
