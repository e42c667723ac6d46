import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export const REPO_ROOT = join(dirname(fileURLToPath(import.meta.url)), "../../..");
/** Everything the browser tests write (Chromium profile, wrangler state, logs) lives under here. */
export const E2E_TMP = process.env.INAPP_TALK_E2E_TMP ?? join(REPO_ROOT, ".tmp/e2e");
