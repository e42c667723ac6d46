// Issue 7: a durable timer set before `wrangler dev` is stopped fires after it is started again
// (same port, same persisted state). No browser: the probe feature's test routes set the timer and
// read what fired (party/features/probe, on only with INAPP_TALK_TEST_HOOKS=true).
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEV_API_KEY, uniqueRoom } from "./support/api.ts";
import { eventually, userTmp } from "./support/browser.ts";
import { freePort, startWrangler, type Wrangler } from "./support/wrangler.ts";

let server: Wrangler;

beforeAll(async () => {
  const dir = userTmp("timers");
  server = await startWrangler({ port: await freePort(), persistTo: join(dir, "state"), logDir: dir, name: "timers" });
});
afterAll(async () => {
  await server?.stop();
});

interface Probed {
  fired: { key: string; at: number }[];
  timers: { key: string; due: number }[];
}

async function timers(room: string, set?: { key: string; in_ms: number; fail?: number }): Promise<Probed> {
  const res = await fetch(`${server.origin.replace("localhost", "127.0.0.1")}/api/_test/rooms/${room}/timers`, {
    method: set ? "POST" : "GET",
    headers: { authorization: `Bearer ${DEV_API_KEY}`, "content-type": "application/json" },
    body: set ? JSON.stringify(set) : undefined,
  });
  if (res.status !== 200) throw new Error(`timers: ${res.status} ${await res.text()}`);
  return (await res.json()) as Probed;
}

describe("durable timers across a server restart", () => {
  it("a timer set before wrangler dev stopped fires after it starts again", async () => {
    const room = uniqueRoom("timers");
    const { timers: set } = await timers(room, { key: "survivor", in_ms: 3000 });
    const due = set.find((t) => t.key === "probe:survivor")!.due;
    await server.stop();
    await new Promise((r) => setTimeout(r, 3500));
    await server.restart();
    const { fired } = await eventually(async () => {
      const p = await timers(room);
      expect(p.fired.map((f) => f.key)).toEqual(["survivor"]);
      return p;
    }, 20_000);
    const survivor = fired.find((f) => f.key === "survivor")!;
    expect(survivor.at).toBeGreaterThanOrEqual(due);
    expect((await timers(room)).timers).toEqual([]);
  });
});
