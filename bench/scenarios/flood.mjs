// Flood isolation (issue 8): two normal members chat while one user floods from many sockets that
// reconnect as soon as they are closed (4429) or refused at the door (429 during the cool-down).
// Reports the normal members' delivery and ack latency with and without the flood, same room, same run.
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import WebSocket from "ws";
import { BenchClient } from "../lib/clients.mjs";
import { fmt, median, percentiles, printTable } from "../lib/stats.mjs";
import { sleep } from "../lib/proc.mjs";
import { startOurs } from "../lib/targets.mjs";

/** One window of normal chat: A sends at `rate` (within the 5/s budget), B receives. */
async function chatWindow(target, room, { seconds, rate }, tag) {
  const a = new BenchClient(target.kind, await target.wsUrl(room, `normal-a`));
  const b = new BenchClient(target.kind, await target.wsUrl(room, `normal-b`));
  await Promise.all([a.open(), b.open()]);
  const sent = new Map();
  const delivery = [];
  const acks = [];
  b.onMessage = (m, t) => sent.has(m.id) && delivery.push(t - sent.get(m.id));
  a.onAck = (id, _seq, t) => sent.has(id) && acks.push(t - sent.get(id));
  const n = Math.round(seconds * rate);
  for (let i = 0; i < n; i++) {
    const id = `${tag}-${String(i).padStart(6, "0")}`;
    sent.set(id, performance.now());
    a.send(id, `normal message ${i}`);
    await sleep(1000 / rate);
  }
  await sleep(500);
  await Promise.all([a.close(), b.close()]);
  return { delivery, acks, sent: n, lost: n - delivery.length };
}

/** `sockets` loops of: connect as the flooder, send as fast as possible until closed, reconnect at once. */
function startFlood(target, room, sockets) {
  let stop = false;
  const stats = { opened: 0, refused: 0, closed4429: 0, frames: 0 };
  const loop = async () => {
    while (!stop) {
      const url = await target.wsUrl(room, "flooder");
      const ws = new WebSocket(url, { perMessageDeflate: false });
      await new Promise((resolve) => {
        ws.once("unexpected-response", () => {
          stats.refused++;
          resolve();
        });
        ws.once("error", resolve);
        ws.once("close", (code) => {
          if (code === 4429) stats.closed4429++;
          resolve();
        });
        ws.once("open", async () => {
          stats.opened++;
          while (!stop && ws.readyState === WebSocket.OPEN) {
            for (let k = 0; k < 20 && ws.readyState === WebSocket.OPEN; k++, stats.frames++) ws.send('{"type":"typing"}');
            await sleep(5);
          }
          ws.terminate();
        });
      });
      await sleep(10);
    }
  };
  const loops = Array.from({ length: sockets }, loop);
  const end = async () => {
    stop = true;
    await Promise.all(loops);
  };
  return { stats, stop: end };
}

/**
 * The other scenarios measure a server with its rate limits raised out of the way; this one needs the
 * real ones (README defaults), so it starts a server of its own.
 */
export async function runFlood(workDir, plan, log) {
  const dir = join(workDir, "flood");
  mkdirSync(dir, { recursive: true });
  const ours = await startOurs(dir, {
    label: " (default limits)",
    extraVars: {
      RATE_LIMIT_MSG_PER_SEC: "5",
      RATE_LIMIT_MSG_BURST: "20",
      RATE_LIMIT_FLOOD_STRIKES: "25",
      RATE_LIMIT_FLOOD_WINDOW_SEC: "10",
      RATE_LIMIT_FLOOD_COOLDOWN_SEC: "60",
    },
  });
  try {
    return await measureFlood(ours.direct ?? ours.proxy, plan, log);
  } finally {
    await ours.stop();
  }
}

async function measureFlood(target, plan, log) {
  const room = `flood-${Date.now()}`;
  const reps = plan.reps ?? 1;
  // Windows alternate (no flood, flood, no flood, flood…) so a busy moment of the shared machine hits
  // both; each round's p99 ratio is reported and the median of the rounds is the figure.
  const base = { delivery: [], acks: [], lost: 0, sent: 0 };
  const during = { delivery: [], acks: [], lost: 0, sent: 0 };
  const ratios = [];
  const flooder = { opened: 0, refused: 0, closed4429: 0, frames: 0 };
  const add = (into, w) => {
    into.delivery.push(...w.delivery);
    into.acks.push(...w.acks);
    into.lost += w.lost;
    into.sent += w.sent;
  };
  for (let r = 0; r < reps; r++) {
    const b = await chatWindow(target, room, plan, `base${r}`);
    add(base, b);
    const flood = startFlood(target, room, plan.sockets);
    await sleep(500);
    let d;
    try {
      d = await chatWindow(target, room, plan, `flood${r}`);
    } catch (e) {
      // What a normal member sees matters most: report it instead of losing the run.
      await flood.stop();
      const error = `normal members could not chat during the flood: ${e instanceof Error ? e.message : e}`;
      log(`flood: ${error}; flooder ${JSON.stringify(flood.stats)}`);
      console.log(`Flood isolation (${target.name}): during the flood: ${error}`);
      return { error, baseline: percentiles(base.delivery), flooder: flood.stats, target: target.name };
    }
    await flood.stop();
    add(during, d);
    for (const k of Object.keys(flooder)) flooder[k] += flood.stats[k];
    const ratio = percentiles(d.delivery).p99 / percentiles(b.delivery).p99;
    ratios.push(ratio);
    log(
      `flood round ${r + 1}/${reps}: delivery p99 ${fmt(percentiles(b.delivery).p99)} → ${fmt(percentiles(d.delivery).p99)} ms (${fmt(ratio)} ×); flooder ${JSON.stringify(flood.stats)}`,
    );
  }
  const row = (name, w) => {
    const d = percentiles(w.delivery);
    const a = percentiles(w.acks);
    return { name, d50: d.p50, d99: d.p99, a50: a.p50, a99: a.p99, lost: w.lost, sent: w.sent };
  };
  const rows = [row("no flood", base), row(`flood (${plan.sockets} reconnecting sockets)`, during)];
  printTable(
    `Flood isolation: 2 members chatting at ${plan.rate}/s, ${reps} × ${plan.seconds} s alone and ${reps} × ${plan.seconds} s while one user floods from ${plan.sockets} reconnecting sockets, alternating (${target.name})`,
    ["window", "delivery p50 ms", "delivery p99 ms", "ack p50 ms", "ack p99 ms", "lost"],
    rows.map((r) => [r.name, fmt(r.d50), fmt(r.d99), fmt(r.a50), fmt(r.a99), `${r.lost}/${r.sent}`]),
  );
  const ratio = median(ratios);
  console.log(
    `p99 delivery ratio flood/no flood: median ${fmt(ratio)} of ${reps} rounds (${ratios.map((x) => fmt(x)).join(", ")}), pooled ${fmt(rows[1].d99 / rows[0].d99)} (goal ≤ 1.5); flooder: ${flooder.opened} sockets opened, ${flooder.refused} refused at the door, ${flooder.closed4429} closed 4429, ${flooder.frames} frames sent`,
  );
  return { rows, ratio, ratios, flooder, target: target.name };
}
