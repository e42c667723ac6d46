// 5. Widget weight: min+gzip of what a host page downloads. Every candidate is built by the same bundler
// with the same settings (Vite 8 build of one ES module entry = rolldown + its minifier, es2022, browser
// conditions, NODE_ENV=production), from an entry that re-exports the package's public API; sizes are of
// the emitted JS, gzip level 9. Our shipped dist/ (built by the project's own vite config) is listed too.
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { gzipSync, brotliCompressSync, constants } from "node:zlib";
import { printTable, fmt } from "../lib/stats.mjs";

const ROOT = new URL("../../", import.meta.url).pathname;
const KB = 1024;

const gz = (buf) => gzipSync(buf, { level: 9 }).length;
const br = (buf) => brotliCompressSync(buf, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length;

/** What each candidate is: the npm package's public API, as a host would import it. */
const CANDIDATES = [
  { name: "inapp-talk widget (widget/index.ts)", entry: `export * from ${JSON.stringify(join(ROOT, "widget/index.ts"))};`, ours: true },
  { name: "lit + partysocket (our floor)", entry: `export * from "lit";\nexport { default as PartySocket } from "partysocket";` },
  { name: "stream-chat", entry: `export * from "stream-chat";` },
  { name: "@sendbird/chat + groupChannel", entry: `export { default } from "@sendbird/chat";\nexport * from "@sendbird/chat/groupChannel";` },
  { name: "livekit-client (calls)", entry: `export * from "livekit-client";` },
];

function versionOf(pkg) {
  try {
    return JSON.parse(readFileSync(join(ROOT, "node_modules", pkg, "package.json"), "utf8")).version;
  } catch {
    return "?";
  }
}

async function buildOne(vite, dir, candidate) {
  const entry = join(dir, `${candidate.name.replace(/\W+/g, "_")}.js`);
  writeFileSync(entry, `${candidate.entry}\n`);
  const t0 = performance.now();
  // Not Vite's library mode: for ES output it keeps whitespace (to preserve pure annotations), which
  // is not what ships. An app-style build of one module entry that keeps its exports is fully minified,
  // as the project's own config builds dist/inapp-talk.js.
  const out = await vite.build({
    configFile: false,
    root: dir,
    logLevel: "silent",
    mode: "production",
    define: { "process.env.NODE_ENV": JSON.stringify("production") },
    build: {
      write: false,
      target: "es2022",
      minify: true,
      sourcemap: false,
      modulePreload: false,
      reportCompressedSize: false,
      copyPublicDir: false,
      rolldownOptions: { input: entry, preserveEntrySignatures: "exports-only" },
    },
  });
  const outputs = (Array.isArray(out) ? out : [out]).flatMap((o) => o.output);
  const chunks = outputs.filter((o) => o.type === "chunk");
  const entryChunk = chunks.find((c) => c.isEntry);
  const code = (c) => Buffer.from(c.code);
  const all = Buffer.concat(chunks.map(code));
  return {
    entryMin: code(entryChunk).length,
    entryGz: gz(code(entryChunk)),
    entryBr: br(code(entryChunk)),
    allMin: all.length,
    allGz: chunks.reduce((n, c) => n + gz(code(c)), 0),
    chunks: chunks.length,
    buildMs: performance.now() - t0,
  };
}

/** The widget as shipped: dist/inapp-talk.js and the lazily loaded chunks next to it. */
function shipped() {
  const main = join(ROOT, "dist/inapp-talk.js");
  if (!existsSync(main)) return null;
  const entry = readFileSync(main);
  const lazy = [];
  const chunkDir = join(ROOT, "dist/chunks");
  if (existsSync(chunkDir)) {
    for (const f of readdirSync(chunkDir).filter((f) => f.endsWith(".js"))) {
      const buf = readFileSync(join(chunkDir, f));
      lazy.push({ file: relative(ROOT, join(chunkDir, f)), min: buf.length, gz: gz(buf) });
    }
  }
  return { file: "dist/inapp-talk.js", builtAt: statSync(main).mtime.toISOString(), min: entry.length, gz: gz(entry), br: br(entry), lazy };
}

export async function runWeight(workDir, log) {
  const vite = await import("vite");
  const dir = join(workDir, "weight");
  mkdirSync(dir, { recursive: true });
  const rows = [];
  const results = { shipped: shipped(), built: [] };
  const ship = results.shipped;
  if (ship) {
    rows.push([
      "inapp-talk as shipped (dist/inapp-talk.js, project vite config)",
      "",
      ship.min / KB,
      ship.gz / KB,
      ship.br / KB,
      "1 + " + ship.lazy.length + " lazy",
      "–",
    ]);
    for (const l of ship.lazy) rows.push([`  lazy chunk ${l.file}`, "", l.min / KB, l.gz / KB, "", "", "–"]);
  } else {
    log("dist/inapp-talk.js not found (run `npx vite build`): shipped size skipped");
    rows.push(["inapp-talk as shipped (dist/inapp-talk.js)", "", "not built", "", "", "", ""]);
  }
  for (const c of CANDIDATES) {
    try {
      const r = await buildOne(vite, dir, c);
      const pkg = c.ours ? "" : c.name.split(" ")[0];
      const version = c.ours ? "" : pkg === "lit" ? `${versionOf("lit")} + ${versionOf("partysocket")}` : versionOf(pkg);
      results.built.push({ name: c.name, version, ...r });
      rows.push([
        c.name,
        version,
        r.entryMin / KB,
        r.entryGz / KB,
        r.entryBr / KB,
        r.chunks === 1 ? "1" : `${r.chunks} (all: ${fmt(r.allGz / KB, 1)} KB gz)`,
        fmt(r.buildMs / 1000, 1),
      ]);
      log(`weight ${c.name}: ${fmt(r.entryGz / KB, 1)} KB gz`);
    } catch (e) {
      results.built.push({ name: c.name, error: e.message });
      rows.push([c.name, "", "build failed", e.message.split("\n")[0].slice(0, 60)]);
      log(`weight ${c.name}: FAILED ${e.message}`);
    }
  }
  printTable(
    "Widget weight, KB (1024 B): same bundler and settings for every row (Vite 8 build of one ES module entry keeping its exports, minified, es2022); gzip -9, brotli -q 11",
    ["bundle", "version", "min", "min+gzip", "min+brotli", "chunks", "build s"],
    rows.map((r) => r.map((x) => (typeof x === "number" ? fmt(x, 1) : x))),
  );
  const floor = results.built.find((b) => b.name.startsWith("lit"));
  const oursBuilt = results.built.find((b) => b.name.startsWith("inapp-talk"));
  const stream = results.built.find((b) => b.name === "stream-chat");
  if (ship && floor && stream && !stream.error) {
    console.log(
      `shipped widget ${fmt(ship.gz / KB, 1)} KB gz = ${fmt(ship.gz / stream.entryGz)} × stream-chat's client, ${fmt((ship.gz - floor.entryGz) / KB, 1)} KB above the lit + partysocket floor; goal ≤ 25 KB: ${ship.gz / KB <= 25 ? "met" : "NOT met"}`,
    );
  }
  if (oursBuilt && ship && !oursBuilt.error)
    results.note = `widget rebuilt with bench settings: ${fmt(oursBuilt.entryGz / KB, 1)} KB gz vs shipped ${fmt(ship.gz / KB, 1)} KB gz`;
  return results;
}
