// A webhook receiver on 127.0.0.1 in a thread of its own: the load generator's event loop is busy
// with thousands of socket frames a second, and a receiver sharing it would measure that loop, not
// the server's deliveries (the first webhooks runs saw "0 events/s while chatting" for that reason).
// Every delivery is verified with the reference library `standardwebhooks`; message.created arrivals
// are stamped in the receiver thread (epoch ms) and reported to the parent in batches.
import { createServer } from "node:http";
import { isMainThread, parentPort, Worker, workerData } from "node:worker_threads";
import { Webhook } from "standardwebhooks";

const BATCH_MS = 50;

if (!isMainThread) {
  const verifier = new Webhook(workerData.secret);
  let batch = [];
  let invalid = 0;
  const server = createServer((req, res) => {
    const chunks = [];
    req.on("data", (c) => chunks.push(c));
    req.on("end", () => {
      const body = Buffer.concat(chunks).toString("utf8");
      try {
        const event = /** @type {{ type: string, data: { room: string } }} */ (verifier.verify(body, /** @type {Record<string, string>} */ (req.headers)));
        if (event.type === "message.created") batch.push({ room: event.data.room, id: String(req.headers["webhook-id"]), at: performance.timeOrigin + performance.now() });
        res.writeHead(204).end();
      } catch {
        invalid++;
        res.writeHead(400).end();
      }
    });
  });
  // Longer than the server may leave a pooled connection unused (a room at its limit reads no answers for
  // seconds): node's default 5 s closes it under the sender, whose next request on it fails and is retried later.
  server.keepAliveTimeout = 120_000;
  let connections = 0;
  let clientErrors = 0;
  server.on("connection", () => connections++);
  server.on("clientError", (err, socket) => {
    clientErrors++;
    if (process.env.BENCH_DEBUG) console.error("receiver clientError", err.code, err.message);
    socket.destroy();
  });
  setInterval(() => {
    if (batch.length === 0) return;
    parentPort?.postMessage({ type: "deliveries", batch, invalid });
    batch = [];
  }, BATCH_MS);
  parentPort?.on("message", (m) => {
    if (m === "close") {
      if (process.env.BENCH_DEBUG) console.error(`receiver: ${connections} connections, ${clientErrors} client errors`);
      server.close(() => process.exit(0));
    }
  });
  server.listen(0, "127.0.0.1", () => {
    const address = server.address();
    parentPort?.postMessage({ type: "listening", port: typeof address === "object" && address ? address.port : 0 });
  });
}

/**
 * Starts the receiver thread. `state.byRoom`: room → arrivals `{ id, at }`, `at` on this process's
 * `performance.now()` clock; `settled()` resolves once every arrival stamped before it is counted.
 */
export async function startReceiver(secret) {
  const worker = new Worker(new URL(import.meta.url), { workerData: { secret } });
  const state = { invalid: 0, byRoom: new Map() };
  const port = await new Promise((resolve, reject) => {
    worker.once("error", reject);
    worker.on("message", (m) => {
      if (m.type === "listening") return resolve(m.port);
      state.invalid = m.invalid;
      for (const d of m.batch) {
        const list = state.byRoom.get(d.room) ?? [];
        list.push({ id: d.id, at: d.at - performance.timeOrigin });
        state.byRoom.set(d.room, list);
      }
    });
  });
  return {
    url: `http://127.0.0.1:${port}/hooks`,
    state,
    /** Waits out one report interval, so arrivals up to now are in `state`. */
    settled: () => new Promise((r) => setTimeout(r, BATCH_MS * 3)),
    close: async () => {
      worker.postMessage("close");
      await new Promise((r) => worker.once("exit", r));
    },
  };
}
