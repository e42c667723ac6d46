// Issue 8: text that round-trips exactly, tokens a host can revoke, HTTP limits that survive a restart.
import { abortAllDurableObjects, SELF } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { encodeIdentity, IDENTITY_HEADER, type Identity } from "../party/identity.ts";
import { PROTOCOL_VERSION, type ChatMessage } from "../protocol/index.ts";
import { api, connect, join, ORIGIN, roomStub, sleep, token } from "../test/workerd/helpers.ts";

const transcript = async (room: string) => ((await (await api(`/api/rooms/${room}/messages`)).json()) as { messages: ChatMessage[] }).messages;

describe("text is well-formed before it is counted or stored", () => {
  it("refuses a lone surrogate in a message with invalid_text and stores nothing; paired ones round-trip byte for byte", async () => {
    const a = await join("r-sur", "alice");
    const b = await join("r-sur", "bob");
    // Written as JSON escapes, the way the probe sent them (JSON.stringify would do the same).
    a.send('{"type":"send","id":"lone-00001","text":"a\\ud800b"}');
    expect(await a.next("error")).toMatchObject({ code: "invalid_text", id: "lone-00001" });
    a.send(`{"type":"send","id":"lone-00002","text":"${"\\udc00".repeat(3000)}"}`);
    await a.until((f) => f.filter((x) => x.type === "error").length === 2, "second error");
    expect(a.of("error")[1]).toMatchObject({ code: "invalid_text" });
    const good = "pair 😀 한국어 \u0000 end";
    a.send({ type: "send", id: "good-00001", text: good });
    await a.next("ack");
    const live = (await b.next("message")).message.text;
    const stored = (await transcript("r-sur")).map((m) => m.text);
    const history = (await join("r-sur", "carol")).of("history")[0]!.messages.map((m) => m.text);
    expect(stored).toEqual([good]);
    expect(live).toBe(good);
    expect(history).toEqual([good]);
  });

  it("refuses a lone surrogate in a display name at /api/token and /api/guest", async () => {
    const tokenRes = await api("/api/token", { method: "POST", body: JSON.stringify({ user: "u-sur", name: "Eve\ud800", rooms: ["r1"], ttl: 3600 }) });
    expect(tokenRes.status).toBe(400);
    const guestRes = await SELF.fetch(`${ORIGIN}/api/guest`, {
      method: "POST",
      headers: { "Content-Type": "application/json", "CF-Connecting-IP": "203.0.113.77" },
      body: JSON.stringify({ room: "demo-sur", name: "\udfffEve" }),
    });
    expect(guestRes.status).toBe(400);
    expect(((await guestRes.json()) as { error: { code: string } }).error.code).toBe("invalid_request");
  });
});

describe("POST /api/users/:user/revoke", () => {
  it("needs the API key", async () => {
    expect((await api("/api/users/u1/revoke", { method: "POST", key: null })).status).toBe(401);
    expect((await api("/api/users/u1/revoke", { method: "POST", key: "wrong" })).status).toBe(401);
  });

  it("refuses earlier tokens at the upgrade and /api/session, closes open sockets with 4401, and leaves other users alone", async () => {
    const victim = await join("r-rev1", "victim");
    const victim2 = await join("r-rev2", "victim");
    const bystander = await join("r-rev1", "bystander");
    const old = await token("victim", ["r-rev1", "r-rev3"]);
    const res = await api("/api/users/victim/revoke", { method: "POST" });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ user: "victim", rooms: 2, closed_sockets: 2 });
    await victim.until(() => victim.closed, "close");
    await victim2.until(() => victim2.closed, "close");
    expect(victim.closed?.code).toBe(4401);
    expect(victim2.closed?.code).toBe(4401);
    expect(bystander.closed).toBeNull();
    // A room the user never opened refuses the old token too: the check is the user's, not the room's.
    expect(await connect("r-rev3", old)).toBe(401);
    expect(await connect("r-rev1", old)).toBe(401);
    const session = await api("/api/session?room=r-rev1", { key: old });
    expect(session.status).toBe(401);
    expect(((await session.json()) as { error: { code: string; message: string } }).error).toMatchObject({
      code: "unauthorized",
      message: "This token was revoked.",
    });
    // A token issued after the revocation's second works.
    await sleep(1100);
    const fresh = await connect("r-rev1", await token("victim", ["r-rev1"]));
    expect(typeof fresh).not.toBe("number");
  });
});

describe("revocation against connects already under way", () => {
  // What the Worker forwards once the user's object admitted a token: the verified identity, in a header.
  const upgrade = (room: string, identity: Identity) =>
    roomStub(room).fetch(`${ORIGIN}/parties/room/${room}?v=${PROTOCOL_VERSION}`, {
      headers: { Upgrade: "websocket", [IDENTITY_HEADER]: encodeIdentity(identity) },
    });

  it("a room told of a revocation refuses an upgrade admitted before it that arrives after it", async () => {
    const now = Math.floor(Date.now() / 1000);
    const identity: Identity = { user: "inflight", name: "In flight", role: "member", exp: now + 600, iat: now, relay: false, callSeconds: null };
    expect(await roomStub("r-rev-inflight").revoke("inflight", now + 1)).toBe(0);
    const late = await upgrade("r-rev-inflight", identity);
    expect(late.status).toBe(401);
    expect(((await late.json()) as { error: { code: string; message: string } }).error).toEqual({ code: "unauthorized", message: "This token was revoked." });
    // A token from after the boundary, and another user's, still open the room.
    const fresh = await upgrade("r-rev-inflight", { ...identity, iat: now + 1 });
    const other = await upgrade("r-rev-inflight", { ...identity, user: "bystander" });
    expect([fresh.status, other.status]).toEqual([101, 101]);
    fresh.webSocket?.accept();
    other.webSocket?.accept();
    fresh.webSocket?.close();
    other.webSocket?.close();
  });
});

describe("per-address limits on the HTTP API", () => {
  it("keep their window across a restart of the limiter", async () => {
    const hit = () =>
      SELF.fetch(`${ORIGIN}/api/guest`, {
        method: "POST",
        headers: { "Content-Type": "application/json", "CF-Connecting-IP": "198.51.100.9" },
        body: JSON.stringify({ room: "demo-lim", name: "G" }),
      });
    for (let i = 0; i < 3; i++) expect((await hit()).status).toBe(200);
    expect((await hit()).status).toBe(429);
    await abortAllDurableObjects();
    const after = await hit();
    expect(after.status).toBe(429);
    expect(Number(after.headers.get("Retry-After"))).toBeGreaterThan(0);
  });
});
