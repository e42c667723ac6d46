// The Chromium the call benches drive: the system one (or CHROMIUM_PATH), the browser tests' flags
// (fake camera and microphone, loopback peer connections), its profile dirs under the ignored .tmp/.
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { CHROMIUM_ARGS, CHROMIUM_MEDIA_ARGS } from "../../scripts/find-browser.mjs";

const ROOT = new URL("../../", import.meta.url).pathname;
export const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

export async function launchChromium() {
  const { chromium } = await import("playwright-core");
  const home = join(ROOT, ".tmp", "bench-chromium");
  mkdirSync(home, { recursive: true });
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [...CHROMIUM_ARGS, ...CHROMIUM_MEDIA_ARGS],
    env: { ...process.env, HOME: home, TMPDIR: home, XDG_CONFIG_HOME: join(home, "config"), XDG_CACHE_HOME: join(home, "cache") },
  });
}
