// Issue 11: a user with 2,000 conversations (a seller with 2,000 buyers). Real Chromium opens a blank host
// page holding only our script tag and `<inapp-talk inbox token=…>`; we time navigation start → the first
// page of the inbox on screen (30 `part="conversation"` rows in the shadow root, checked every frame).
// Cold = fresh browser context (empty cache); warm = the same page loaded again in that context. Also the
// host API's first page (`GET /api/users/:user/rooms`) for the same user, from node.
// Setup: the host API creates 2,000 two-member rooms (seller + one buyer each); buyers write one message in
// the newest `withMessages` rooms, so the first page has previews and counts like a real inbox.
import { createServer } from "node:http";
import { mkdirSync, existsSync } from "node:fs";
import { join } from "node:path";
import WebSocket from "ws";
import { medSpread, printTable, fmt } from "../lib/stats.mjs";
import { freePort } from "../lib/proc.mjs";
import { devVars, signToken } from "../lib/targets.mjs";
import { CHROMIUM_ARGS } from "../../scripts/find-browser.mjs";

const ROOT = new URL("../../", import.meta.url).pathname;
const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const FIRST_PAGE = 30;

/** Runs `fn` over `items` with at most `n` at a time. */
async function pool(items, n, fn) {
  let next = 0;
  await Promise.all(
    Array.from({ length: n }, async () => {
      while (next < items.length) await fn(items[next++]);
    }),
  );
}

/** One message from `user` in `room`, over the widget's own protocol; resolves on the ack. */
function say(base, token, room, text) {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`${base.replace(/^http/, "ws")}/parties/room/${room}?token=${token}&v=1`);
    const timer = setTimeout(() => {
      ws.terminate();
      reject(new Error(`no ack in ${room}`));
    }, 15000);
    ws.on("message", (data) => {
      const f = JSON.parse(String(data));
      if (f.type === "welcome") ws.send(JSON.stringify({ type: "send", id: `bench_${room}`, text }));
      if (f.type === "ack") {
        clearTimeout(timer);
        ws.close();
        resolve();
      }
    });
    ws.on("error", reject);
  });
}

async function setup(base, apiKey, secret, { conversations, withMessages }, log) {
  const seller = `bench-seller-${Date.now().toString(36)}`;
  const rooms = Array.from({ length: conversations }, (_, i) => ({ room: `inbox-bench-${seller.slice(13)}-${i}`, buyer: `buyer-${i}` }));
  const t0 = performance.now();
  await pool(rooms, 8, async ({ room, buyer }) => {
    const body = JSON.stringify({
      members: [
        { user: seller, name: "Seller" },
        { user: buyer, name: `Buyer ${buyer.slice(6)}` },
      ],
    });
    // PUT is idempotent: a 503 from a busy wrangler dev ("restarted mid-request") is tried again.
    for (let attempt = 1; ; attempt++) {
      const res = await fetch(`${base}/api/rooms/${room}`, {
        method: "PUT",
        headers: { authorization: `Bearer ${apiKey}`, "content-type": "application/json" },
        body,
      });
      if (res.ok) break;
      if (res.status !== 503 || attempt === 5) throw new Error(`PUT /api/rooms/${room} → ${res.status} ${await res.text()}`);
      await new Promise((r) => setTimeout(r, 500 * attempt));
    }
  });
  log(`inbox-page: ${conversations} rooms created in ${fmt((performance.now() - t0) / 1000, 1)} s`);
  const t1 = performance.now();
  await pool(rooms.slice(-withMessages), 8, ({ room, buyer }) =>
    say(base, signToken(secret, { user: buyer, name: `Buyer ${buyer.slice(6)}`, rooms: [room] }), room, `Is item ${buyer.slice(6)} still available?`),
  );
  log(`inbox-page: ${withMessages} buyers wrote in ${fmt((performance.now() - t1) / 1000, 1)} s`);
  // The index is updated off the ack path: wait until the host API lists every conversation.
  const deadline = Date.now() + 120_000;
  for (;;) {
    const count = await countRooms(base, apiKey, seller);
    if (count >= conversations) break;
    if (Date.now() > deadline) throw new Error(`the seller's index has ${count} of ${conversations} rooms after 2 minutes`);
    await new Promise((r) => setTimeout(r, 1000));
  }
  return seller;
}

async function countRooms(base, apiKey, user) {
  let n = 0;
  let before = null;
  for (;;) {
    const res = await fetch(`${base}/api/users/${user}/rooms?limit=200${before ? `&before=${encodeURIComponent(before)}` : ""}`, {
      headers: { authorization: `Bearer ${apiKey}` },
    });
    if (!res.ok) throw new Error(`GET /api/users/${user}/rooms → ${res.status} ${await res.text()}`);
    const body = await res.json();
    n += body.rooms.length;
    if (!body.next) return n;
    before = body.next;
  }
}

async function measurePage(context, url, timeoutMs) {
  const page = await context.newPage();
  await page.addInitScript(() => {
    document.addEventListener("inapp-talk-error", (e) => {
      /** @type {any} */ (window).__benchError = JSON.stringify(/** @type {CustomEvent} */ (e).detail);
    });
  });
  await page.goto(url, { waitUntil: "commit" });
  const handle = await page.waitForFunction(
    (n) => {
      const w = /** @type {any} */ (window);
      if (w.__benchError) return -1;
      const rows = document.querySelector("inapp-talk")?.shadowRoot?.querySelectorAll('[part~="conversation"]').length ?? 0;
      return rows >= n ? performance.now() : null;
    },
    FIRST_PAGE,
    { timeout: timeoutMs, polling: "raf" },
  );
  const shownMs = await handle.jsonValue();
  const error = await page.evaluate(() => /** @type {any} */ (window).__benchError ?? null);
  return { page, out: { shownMs, error } };
}

/**
 * @param {{ httpPort: number, name: string, path: string } | null} ours
 * @param {{ conversations: number, withMessages: number, reps: number, apiReps: number }} plan
 * @param {(line: string) => void} log
 */
export async function runInboxPage(ours, plan, log) {
  if (!ours) return { skipped: "our server is not running" };
  if (!existsSync(CHROMIUM)) return { skipped: `no Chromium at ${CHROMIUM}` };
  const { vars } = devVars();
  const base = `http://127.0.0.1:${ours.httpPort}`;
  const seller = await setup(base, vars.INAPP_TALK_API_KEY, vars.TOKEN_SECRET, plan, log);

  const api = [];
  for (let i = 0; i < plan.apiReps; i++) {
    const t0 = performance.now();
    const res = await fetch(`${base}/api/users/${seller}/rooms`, { headers: { authorization: `Bearer ${vars.INAPP_TALK_API_KEY}` } });
    const body = await res.json();
    api.push({ ms: performance.now() - t0, rows: body.rooms?.length ?? 0 });
  }

  const { chromium } = await import("playwright-core");
  const home = join(ROOT, ".tmp", "bench-chromium");
  mkdirSync(home, { recursive: true });
  const token = signToken(vars.TOKEN_SECRET, { user: seller, name: "Seller", rooms: ["*"] });
  const html = `<!doctype html><html><head><meta charset="utf-8"><title>bench inbox</title></head><body>
<script type="module" src="http://localhost:${ours.httpPort}/inapp-talk.js"></script>
<div style="height:640px;width:400px"><inapp-talk inbox token="${token}" lang="en"></inapp-talk></div>
</body></html>`;
  const hostPort = await freePort();
  const server = createServer((_req, res) => res.writeHead(200, { "content-type": "text/html; charset=utf-8", "cache-control": "no-store" }).end(html));
  await /** @type {Promise<void>} */ (new Promise((r) => server.listen(hostPort, "127.0.0.1", r)));
  const url = `http://localhost:${hostPort}/`;
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: CHROMIUM_ARGS,
    env: { ...process.env, HOME: home, TMPDIR: home, XDG_CONFIG_HOME: join(home, "config"), XDG_CACHE_HOME: join(home, "cache") },
  });
  const results = [];
  try {
    for (let rep = 0; rep < plan.reps; rep++) {
      const context = await browser.newContext();
      try {
        const cold = await measurePage(context, url, 20000);
        await cold.page.close();
        const warm = await measurePage(context, url, 20000);
        await warm.page.close();
        results.push({ rep, cold: cold.out, warm: warm.out });
        log(
          `inbox-page rep ${rep + 1}/${plan.reps}: cold ${fmt(cold.out.shownMs)} ms, warm ${fmt(warm.out.shownMs)} ms${cold.out.error ? ` error ${cold.out.error}` : ""}`,
        );
      } catch (e) {
        results.push({ rep, error: e.message });
        log(`inbox-page rep ${rep + 1}: FAILED ${e.message.split("\n")[0]}`);
      } finally {
        await context.close();
      }
    }
  } finally {
    await browser.close();
    server.close();
  }
  const ok = results.filter((r) => !r.error && r.cold.shownMs > 0 && r.warm.shownMs > 0);
  printTable(
    `Inbox of a user with ${plan.conversations} conversations (${plan.withMessages} with a message), ${ours.name}: median (min–max) of ${ok.length}`,
    ["", "cold (empty cache)", "warm (same context)"],
    [
      [
        `navigation → first ${FIRST_PAGE} rows on screen ms`,
        medSpread(
          ok.map((r) => r.cold.shownMs),
          1,
        ),
        medSpread(
          ok.map((r) => r.warm.shownMs),
          1,
        ),
      ],
      [
        `host API first page (GET /api/users/:user/rooms, ${api[0]?.rows ?? 0} rows) ms, ${api.length} calls`,
        medSpread(
          api.map((a) => a.ms),
          1,
        ),
        "",
      ],
    ],
  );
  return { conversations: plan.conversations, withMessages: plan.withMessages, serverPath: ours.path, api, rows: results };
}
