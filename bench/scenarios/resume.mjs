// 3. Resume: a client disconnects, `missed` messages are sent (and acked), it reconnects with `since`:
// time from the reconnect's TCP connect until it holds every missed message, following `sync` pages,
// checked for order, gaps and duplicates. (Socket.IO keeps nothing to resume from: ours only.)
import { BenchClient, messageText } from "../lib/clients.mjs";
import { medSpread, printTable, fmt } from "../lib/stats.mjs";
import { sleep } from "../lib/proc.mjs";

async function sendAll(sender, tag, count, window = 16) {
  let next = 0;
  let acked = 0;
  const seqs = [];
  await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`only ${acked}/${count} acked in 30 s`)), 30000);
    const push = () => {
      if (next < count) {
        sender.send(`${tag}-${next}`, messageText(next));
        next++;
      }
    };
    sender.onAck = (_id, seq) => {
      seqs.push(seq);
      if (++acked === count) {
        clearTimeout(timer);
        resolve();
      } else push();
    };
    for (let i = 0; i < window; i++) push();
  });
  return seqs;
}

async function resumeRep(target, { missed, tag }) {
  const room = `resume-${tag}`;
  const sender = new BenchClient("ours", await target.wsUrl(room, "sender"));
  await sender.open();
  // Some history before the gap, so `since` is not 0.
  await sendAll(sender, `${tag}-pre`, 20);

  const reader = new BenchClient("ours", await target.wsUrl(room, "reader"));
  let lastSeen = 0;
  reader.onMessage = (m) => (lastSeen = Math.max(lastSeen, m.seq));
  reader.onFrame = (f) => {
    if (f.type === "history") for (const m of f.messages) lastSeen = Math.max(lastSeen, m.seq);
  };
  await reader.open();
  await sleep(50);
  await reader.close();

  const t0Send = performance.now();
  await sendAll(sender, `${tag}-gap`, missed);
  const sendMs = performance.now() - t0Send;

  const got = [];
  let pages = 0;
  let tAll = NaN;
  let resolveAll;
  const allP = new Promise((r) => (resolveAll = r));
  const again = new BenchClient("ours", await target.wsUrl(room, "reader", lastSeen));
  const t0 = performance.now();
  again.onFrame = (f, t) => {
    if (f.type === "history") {
      // The server judged the gap too large (or `since` unusable) and sent the latest page instead.
      got.push(...f.messages);
      resolveAll("history");
    }
    if (f.type !== "sync") return;
    pages++;
    got.push(...f.messages);
    if (f.more) again.sendFrame({ type: "sync", since: f.messages.at(-1).seq });
    else {
      tAll = t - t0;
      resolveAll("sync");
    }
  };
  again.onMessage = (m) => got.push(m);
  const opened = await again.open();
  const how = await Promise.race([allP, sleep(10000).then(() => "timeout")]);
  await Promise.all([again.close(), sender.close()]);

  const ids = got.map((m) => m.id);
  const wanted = Array.from({ length: missed }, (_, i) => `${tag}-gap-${i}`);
  const inOrder = got.every((m, i) => i === 0 || m.seq === got[i - 1].seq + 1);
  const dupes = ids.length - new Set(ids).size;
  const complete = wanted.every((id, i) => ids[i] === id) && got.length === missed;
  return { missed, how, ms: tAll, welcomeMs: opened.welcomeMs, firstPageMs: opened.readyMs, pages, received: got.length, inOrder, dupes, complete, sendMs };
}

export async function runResume(targets, { missed, reps }, log) {
  const results = [];
  for (let rep = 0; rep < reps; rep++) {
    for (const target of targets) {
      const tag = `${rep}${target.name.replace(/\W+/g, "")}${Date.now().toString(36)}`;
      try {
        const r = await resumeRep(target, { missed, tag });
        results.push({ target: target.name, rep, ...r });
        log(
          `resume rep ${rep + 1}/${reps} ${target.name}: ${fmt(r.ms)} ms, ${r.pages} pages, ${r.received} received, complete ${r.complete}, in order ${r.inOrder}, dupes ${r.dupes} (${r.how})`,
        );
      } catch (e) {
        results.push({ target: target.name, rep, error: e.message });
        log(`resume ${target.name}: FAILED ${e.message}`);
      }
    }
  }
  const rows = targets.map((t) => {
    const rs = results.filter((r) => r.target === t.name && !r.error);
    return [
      t.name,
      medSpread(
        rs.map((r) => r.ms),
        1,
      ),
      medSpread(
        rs.map((r) => r.welcomeMs),
        1,
      ),
      medSpread(
        rs.map((r) => r.firstPageMs),
        1,
      ),
      rs[0]?.pages ?? "–",
      `${rs.filter((r) => r.complete && r.inOrder && r.dupes === 0).length}/${rs.length}`,
      medSpread(
        rs.map((r) => r.sendMs),
        0,
      ),
    ];
  });
  printTable(
    `Resume: ${missed} messages missed while disconnected; reconnect with ?since= and follow sync pages (median (min–max) of ${reps})`,
    ["target", "all in hand ms", "welcome ms", "first page ms", "pages", "complete, in order, no dupes", `sending ${missed} took ms`],
    rows,
  );
  return results;
}
