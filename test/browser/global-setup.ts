// One shared chat server (`wrangler dev`, fresh persisted state) and one host-page server on a
// different origin for every browser test file. Files that need to stop the server start their
// own (support/wrangler.ts) so they never disturb the others.
// A real coturn on 127.0.0.1 serves the shared server's TURN credentials (GET /api/ice), and calls
// ring and connect with short timeouts so the missed/failed tests stay quick.
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import type { TestProject } from "vitest/node";
import { findChromium } from "../../scripts/find-browser.mjs";
import { startCoturn } from "./support/coturn.ts";
import { startHostServer } from "./support/host-server.ts";
import { E2E_TMP, REPO_ROOT } from "./support/paths.ts";
import { freePort, startWrangler } from "./support/wrangler.ts";

declare module "vitest" {
  export interface ProvidedContext {
    /** Origin of the chat server as the widget's script tag names it: http://localhost:<port>. */
    serverOrigin: string;
    /** Origin of the host page: http://127.0.0.1:<port> (a different origin on purpose). */
    hostOrigin: string;
    chromiumPath: string;
    /** Per-run scratch directory (under .tmp/e2e). */
    tmpDir: string;
    /** The shared coturn: `turn:127.0.0.1:<port>?transport=udp`, its port and TURN REST secret. */
    turnUrl: string;
    turnPort: number;
    turnSecret: string;
    /** CALL_RING_TIMEOUT_SEC / CALL_CONNECT_TIMEOUT_SEC of the shared server. */
    callRingSec: number;
    callConnectSec: number;
  }
}

/**
 * Short enough that a missed call ends in a few seconds, long enough that a test answers well
 * within it on two busy cores (answering takes ~1 s there) and a call connects well within it
 * (~0.2 s plus the call chunk, getUserMedia and /api/ice).
 */
export const CALL_RING_SEC = 10;
export const CALL_CONNECT_SEC = 10;

export default async function setup(project: TestProject) {
  if (!existsSync(join(REPO_ROOT, "dist/inapp-talk.js"))) {
    throw new Error("dist/inapp-talk.js is missing: run `node scripts/build.mjs` first (`npm test` does).");
  }
  const chromiumPath = findChromium();
  // Only the latest run's state and logs are kept (for reading after a failure).
  mkdirSync(E2E_TMP, { recursive: true });
  for (const old of readdirSync(E2E_TMP)) if (old.startsWith("run-")) rmSync(join(E2E_TMP, old), { recursive: true, force: true });
  const tmpDir = join(E2E_TMP, `run-${Date.now()}`);
  mkdirSync(tmpDir, { recursive: true });

  // A fresh secret per run: nothing but this run's server can sign credentials this coturn accepts.
  const turnSecret = randomBytes(18).toString("base64url");
  const turn = await startCoturn({ secret: turnSecret, dir: join(tmpDir, "coturn-shared") });
  const server = await startWrangler({
    port: await freePort(),
    persistTo: join(tmpDir, "state-shared"),
    logDir: tmpDir,
    name: "shared",
    vars: {
      TURN_SECRET: turnSecret,
      TURN_URLS: turn.url,
      CALL_RING_TIMEOUT_SEC: String(CALL_RING_SEC),
      CALL_CONNECT_TIMEOUT_SEC: String(CALL_CONNECT_SEC),
    },
  });
  const host = await startHostServer(await freePort());
  project.provide("serverOrigin", server.origin);
  project.provide("hostOrigin", host.origin);
  project.provide("chromiumPath", chromiumPath);
  project.provide("tmpDir", tmpDir);
  project.provide("turnUrl", turn.url);
  project.provide("turnPort", turn.port);
  project.provide("turnSecret", turnSecret);
  project.provide("callRingSec", CALL_RING_SEC);
  project.provide("callConnectSec", CALL_CONNECT_SEC);
  console.log(`browser tests: chat server ${server.origin}, host page ${host.origin}, coturn ${turn.url}, scratch ${tmpDir}`);

  return async () => {
    await host.close();
    await server.stop();
    await turn.stop();
  };
}
