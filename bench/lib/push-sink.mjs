// A local push service for the push bench, on 127.0.0.1 in a thread of its own (like the webhook
// receiver, ./webhook-receiver.mjs): the load generator's event loop also stamps the senders' acks, and
// a sink sharing it would delay them by its own request handling. `/push/<room index>` → 201; the
// first arrival per index is stamped in the sink's thread (epoch ms) and reported in batches.
import { createServer } from "node:http";
import { isMainThread, parentPort, Worker } from "node:worker_threads";

const BATCH_MS = 50;

if (!isMainThread) {
  let batch = [];
  const server = createServer((req, res) => {
    const at = performance.timeOrigin + performance.now();
    req.resume();
    req.on("end", () => {
      batch.push({ i: Number(/^\/push\/(\d+)$/.exec(req.url ?? "")?.[1]), at });
      res.writeHead(201).end();
    });
  });
  // Longer than the server may leave a pooled connection unused (a room at its limit reads no answers for
  // seconds): node's default 5 s closes it under the sender, whose next request on it fails and is retried later.
  server.keepAliveTimeout = 120_000;
  setInterval(() => {
    if (batch.length === 0) return;
    parentPort?.postMessage({ type: "arrivals", batch });
    batch = [];
  }, BATCH_MS);
  parentPort?.on("message", (m) => {
    if (m === "close") server.close(() => process.exit(0));
  });
  server.listen(0, "127.0.0.1", () => {
    const address = server.address();
    parentPort?.postMessage({ type: "listening", port: typeof address === "object" && address ? address.port : 0 });
  });
}

/** Starts the sink thread; `arrivals`: room index → first arrival on this process's `performance.now()` clock. */
export async function startSink() {
  const worker = new Worker(new URL(import.meta.url));
  const arrivals = new Map();
  const port = await new Promise((resolve, reject) => {
    worker.once("error", reject);
    worker.on("message", (m) => {
      if (m.type === "listening") return resolve(m.port);
      for (const { i, at } of m.batch) if (!arrivals.has(i)) arrivals.set(i, at - performance.timeOrigin);
    });
  });
  return {
    origin: `http://127.0.0.1:${port}`,
    arrivals,
    close: async () => {
      worker.postMessage("close");
      await new Promise((r) => worker.once("exit", r));
    },
  };
}
