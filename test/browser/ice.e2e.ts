// GET /api/ice against the real coturn the run started (global-setup.ts): the credential is
// recomputed here with node:crypto (an independent HMAC, not the worker's code), and coturn itself
// must accept it — Chromium allocates a relay with it and two relay-only peers exchange data through
// it — while a tampered one is refused (401). Also: coturn can be stopped and started on its port.
import { createHmac } from "node:crypto";
import { join } from "node:path";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { mintToken, uniqueRoom } from "./support/api.ts";
import { useBrowser, userTmp } from "./support/browser.ts";
import { startCoturn, stunAnswers } from "./support/coturn.ts";
import { barePairOverRelay, candidateType, fetchIce, gather, type IceServerJson } from "./support/rtc.ts";

const server = () => inject("serverOrigin");
const browser = useBrowser();

let page: Page;
beforeAll(async () => {
  page = await browser().newPage();
});
afterAll(async () => {
  await page?.close();
});

const DEFAULT_TURN_TTL = 86_400;

async function iceFor(user: string): Promise<IceServerJson[]> {
  const room = uniqueRoom("ice");
  const token = await mintToken(server(), { user, name: user, rooms: [room] });
  const { status, body } = await fetchIce(server(), token);
  expect(status).toBe(200);
  return body.iceServers!;
}

describe("GET /api/ice with coturn TURN REST credentials", () => {
  it("signs username <expiry>:<user> with base64(HMAC-SHA1(TURN_SECRET, username)), recomputed in node", async () => {
    const room = uniqueRoom("ice");
    const token = await mintToken(server(), { user: "ice-alice", name: "Alice", rooms: [room] });
    const before = Math.floor(Date.now() / 1000);
    const { status, body } = await fetchIce(server(), token);
    const after = Math.floor(Date.now() / 1000);
    expect(status).toBe(200);
    expect(body.ttl).toBe(DEFAULT_TURN_TTL);
    // Only what the server was configured with (no STUN_URLS here): no hidden public defaults.
    expect(body.iceServers).toHaveLength(1);
    const turn = body.iceServers![0]!;
    expect(turn.urls).toEqual([inject("turnUrl")]);
    const m = /^(\d+):(.+)$/.exec(turn.username ?? "");
    expect(m, `username ${turn.username}`).not.toBeNull();
    expect(m![2]).toBe("ice-alice");
    const expiry = Number(m![1]);
    // workerd's clock only moves on I/O: allow a second either way around node's.
    expect(expiry, `expiry ${expiry} vs node's clock ${before}..${after} + ttl`).toBeGreaterThanOrEqual(before + DEFAULT_TURN_TTL - 1);
    expect(expiry, `expiry ${expiry} vs node's clock ${before}..${after} + ttl`).toBeLessThanOrEqual(after + DEFAULT_TURN_TTL + 1);
    const expected = createHmac("sha1", inject("turnSecret")).update(turn.username!).digest("base64");
    expect(turn.credential).toBe(expected);
  });

  it("answers 401 without a room token", async () => {
    const { status } = await fetchIce(server(), null);
    expect(status).toBe(401);
    expect((await fetchIce(server(), "not-a-token")).status).toBe(401);
  });

  it("coturn accepts the credential: a relay-only peer gathers a relay candidate on 127.0.0.1", async () => {
    const servers = await iceFor("ice-bob");
    const got = await gather(page, servers, "relay");
    const relay = got.candidates.filter((c) => candidateType(c) === "relay");
    expect(relay.length, JSON.stringify(got)).toBeGreaterThan(0);
    expect(relay[0]).toContain(" 127.0.0.1 ");
    // Relay-only: nothing else is offered.
    expect(got.candidates.filter((c) => candidateType(c) !== "relay")).toEqual([]);
  });

  it("coturn refuses a tampered credential (401) and no relay candidate appears", async () => {
    const [turn] = await iceFor("ice-carol");
    const bad = createHmac("sha1", "not-the-secret").update(turn!.username!).digest("base64");
    const got = await gather(page, [{ ...turn!, credential: bad }], "relay", 5000);
    expect(got.candidates).toEqual([]);
    expect(got.errors.map((e) => e.errorCode)).toContain(401);
  });

  it("two relay-only peers exchange data through coturn; both selected candidates are relay", async () => {
    const servers = await iceFor("ice-dave");
    const r = await barePairOverRelay(page, servers);
    expect(r.received).toBe("through the relay");
    expect(r.selected).toEqual([
      { local: "relay", remote: "relay" },
      { local: "relay", remote: "relay" },
    ]);
    for (const types of r.localTypes) expect(new Set(types)).toEqual(new Set(["relay"]));
  });
});

describe("coturn harness", () => {
  it("stops and starts again on the same port", async () => {
    const turn = await startCoturn({ secret: "restart-secret", dir: join(userTmp("coturn-restart")), relayPorts: [50_400, 50_449] });
    try {
      expect(await stunAnswers(turn.port, 1000)).toBe(true);
      await turn.stop();
      expect(await stunAnswers(turn.port, 500)).toBe(false);
      await turn.start();
      expect(await stunAnswers(turn.port, 1000)).toBe(true);
      const username = `${Math.floor(Date.now() / 1000) + 600}:restart-user`;
      const credential = createHmac("sha1", "restart-secret").update(username).digest("base64");
      const got = await gather(page, [{ urls: turn.url, username, credential }], "relay");
      expect(
        got.candidates.some((c) => candidateType(c) === "relay"),
        JSON.stringify(got),
      ).toBe(true);
    } finally {
      await turn.stop();
    }
  });
});
