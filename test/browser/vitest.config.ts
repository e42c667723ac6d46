// Real-Chromium end-to-end tests against `wrangler dev` (run by test/browser/run.mjs, which
// `npm test` calls after building dist/). Files run one after another: two cores host wrangler,
// workerd and several Chromium pages, and the restart test owns its own server.
import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

export default defineConfig({
  root: fileURLToPath(new URL("../..", import.meta.url)),
  test: {
    name: "browser",
    environment: "node",
    include: ["test/browser/**/*.e2e.ts"],
    globalSetup: ["test/browser/global-setup.ts"],
    fileParallelism: false,
    testTimeout: 180_000,
    hookTimeout: 180_000,
    teardownTimeout: 60_000,
    // Failures here are about the product, not flakiness: no retries hiding them.
    retry: 0,
  },
});
