// Our server for benchmarks without wrangler's inspector (and, with its own config, the runtime floor of
// bench/servers/floor, started the same way): `wrangler dev` forwards every Worker → Durable Object subrequest through its node process for the DevTools network panel, ~3 ms of CPU per connect that
// production never pays. wrangler's own API (`unstable_startWorker`) with `dev.inspector: false` runs the
// same workerd without that plumbing. Started by bench/lib/targets.mjs:
//   node ours-quiet.mjs <config> <port> <persistDir> <bindings JSON>
// Prints "READY <url>" once the worker answers; stops (and disposes workerd) on SIGINT/SIGTERM.
import { unstable_startWorker } from "wrangler";

const [config, port, persist, bindingsJson] = process.argv.slice(2);
const bindings = Object.fromEntries(Object.entries(JSON.parse(bindingsJson)).map(([k, v]) => [k, { type: "plain_text", value: String(v) }]));

const worker = await unstable_startWorker({
  config,
  bindings,
  dev: {
    inspector: false,
    server: { hostname: "127.0.0.1", port: Number(port) },
    persist,
    watch: false,
    liveReload: false,
    remote: false,
    logLevel: "warn",
    enableContainers: false,
  },
});
await worker.ready;
console.log(`READY ${(await worker.url).href}`);

let stopping = false;
const stop = async () => {
  if (stopping) return;
  stopping = true;
  await Promise.race([worker.dispose(), new Promise((r) => setTimeout(r, 3000))]);
  process.exit(0);
};
process.on("SIGINT", stop);
process.on("SIGTERM", stop);
