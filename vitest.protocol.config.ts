// Plain-node unit tests: the wire protocol, the widget's pure helpers (no DOM, no workerd), the check scripts,
// and party/notify/ (pure Web Crypto, checked against node-only reference libraries; its *.workerd.test.ts run in workerd).
// Other party/ and worker/ tests run inside workerd (vitest.workers.config.ts); the widget itself is
// tested in real Chromium (test/browser/).
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    name: "protocol",
    environment: "node",
    include: ["protocol/**/*.test.ts", "widget/**/*.test.ts", "scripts/**/*.test.ts", "party/notify/**/*.test.ts"],
    exclude: ["**/node_modules/**", "**/*.browser.test.ts", "**/*.workerd.test.ts"],
    passWithNoTests: false,
  },
});
