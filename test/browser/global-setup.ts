// One shared chat server (`wrangler dev`, fresh persisted state) and one host-page server on a
// different origin for every browser test file. Files that need to stop the server start their
// own (support/wrangler.ts) so they never disturb the others.
import { existsSync, mkdirSync, readdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import type { TestProject } from "vitest/node";
import { findChromium } from "../../scripts/find-browser.mjs";
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
  }
}

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

  const server = await startWrangler({ port: await freePort(), persistTo: join(tmpDir, "state-shared"), logDir: tmpDir, name: "shared" });
  const host = await startHostServer(await freePort());
  project.provide("serverOrigin", server.origin);
  project.provide("hostOrigin", host.origin);
  project.provide("chromiumPath", chromiumPath);
  project.provide("tmpDir", tmpDir);
  console.log(`browser tests: chat server ${server.origin}, host page ${host.origin}, scratch ${tmpDir}`);

  return async () => {
    await host.close();
    await server.stop();
  };
}
