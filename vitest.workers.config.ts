// Party and Worker tests run inside workerd (the same runtime as `wrangler dev` and production),
// with the wrangler.toml bindings and SQLite-backed Durable Objects.
import { mkdirSync } from "node:fs";
import { cloudflareTest } from "@cloudflare/vitest-pool-workers";
import { configDefaults, defineConfig } from "vitest/config";

// wrangler.toml points static assets at dist/; the API tests do not need a build, only the folder.
mkdirSync(new URL("./dist", import.meta.url), { recursive: true });

export const TEST_VARS = {
  INAPP_TALK_API_KEY: "test-api-key",
  TOKEN_SECRET: "test-token-secret-0123456789abcdef0123456789",
  GUEST_ROOM_PREFIX: "demo-",
  RATE_LIMIT_MSG_PER_SEC: "5",
  RATE_LIMIT_MSG_BURST: "20",
  RATE_LIMIT_FLOOD_STRIKES: "25",
  RATE_LIMIT_FLOOD_WINDOW_SEC: "10",
  // Short, so the cool-down test can also see it end.
  RATE_LIMIT_FLOOD_COOLDOWN_SEC: "3",
  RATE_LIMIT_GUEST_PER_MIN: "3",
  // Every test client shares one address here; the token limit has a test of its own.
  RATE_LIMIT_TOKEN_PER_MIN: "100000",
  RATE_LIMIT_SESSION_PER_MIN: "100000",
  INAPP_TALK_TEST_HOOKS: "true",
  // Rooms above 6 members are read on demand by members' objects (party/features/inbox/large.test.ts).
  INBOX_FANOUT_LIMIT: "6",
  // Calls: short timeouts so the tests see them fire.
  CALL_RING_TIMEOUT_SEC: "1.5",
  CALL_CONNECT_TIMEOUT_SEC: "1.5",
  TURN_SECRET: "test-turn-secret",
  TURN_URLS: "turn:127.0.0.1:3478?transport=udp,turn:127.0.0.1:3478?transport=tcp",
  STUN_URLS: "stun:127.0.0.1:3478",
  TURN_TTL: "600",
  RATE_LIMIT_ICE_PER_MIN: "5",
  VAPID_PUBLIC_KEY: "BCVxsr7N_eNgVRqvHtD0zTZsEc6-VV-JvLexhqUzORcxaOzi6-AYWXvTBHm4bjyPjs7Vd8pZGH6SRpkNtoIAiw4",
};

export default defineConfig({
  plugins: [cloudflareTest({ wrangler: { configPath: "./wrangler.toml" }, miniflare: { bindings: TEST_VARS } })],
  test: {
    include: ["party/**/*.test.ts", "worker/**/*.test.ts"],
    // party/notify/ is pure Web Crypto tested in node (vitest.protocol.config.ts); only its *.workerd.test.ts run here.
    exclude: [...configDefaults.exclude, "party/notify/**/!(*.workerd).test.ts"],
    testTimeout: 20_000,
    // One file at a time: several tests abort every Durable Object (a restart), and an abort that lands
    // in another file's running alarm (the inbox flush) left the pool hanging at the end of the run.
    fileParallelism: false,
  },
});
