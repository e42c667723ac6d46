import { SELF, abortAllDurableObjects } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { ChatMessage } from "../protocol/index.ts";
import { api, connect, inboxIdle, join, ORIGIN, token } from "../test/workerd/helpers.ts";

const guest = (body: unknown, ip = "203.0.113.7") =>
  SELF.fetch(`${ORIGIN}/api/guest`, { method: "POST", headers: { "Content-Type": "application/json", "CF-Connecting-IP": ip }, body: JSON.stringify(body) });

describe("GET /api/rooms/:room/messages (transcript)", () => {
  it("needs the API key", async () => {
    expect((await api("/api/rooms/r-t/messages", { key: null })).status).toBe(401);
    expect((await api("/api/rooms/r-t/messages", { key: "wrong" })).status).toBe(401);
  });

  it("pages oldest first with an exclusive `before` and a bounded limit", async () => {
    const a = await join("r-t", "alice");
    for (let i = 1; i <= 5; i++) {
      a.send({ type: "send", id: `t-msg-${i}xx`, text: `m${i}` });
      await a.until((f) => f.filter((x) => x.type === "ack").length === i, `ack ${i}`);
    }
    const page = async (q: string) => ((await (await api(`/api/rooms/r-t/messages${q}`)).json()) as { messages: ChatMessage[] }).messages;
    expect((await page("")).map((m) => m.seq)).toEqual([1, 2, 3, 4, 5]);
    expect((await page("?before=4&limit=2")).map((m) => m.seq)).toEqual([2, 3]);
    expect((await page("?limit=1"))[0]).toMatchObject({ seq: 5, user: "alice", name: "alice name", text: "m5" });
    expect((await api("/api/rooms/r-t/messages?limit=201")).status).toBe(400);
    expect((await api("/api/rooms/r-t/messages?before=abc")).status).toBe(400);
    expect((await api("/api/rooms/bad%20room/messages")).status).toBe(400);
  });
});

describe("POST /api/guest", () => {
  it("refuses rooms without the guest prefix", async () => {
    const res = await guest({ room: "private-1", name: "Visitor" });
    expect(res.status).toBe(403);
    expect(await res.json()).toMatchObject({ error: { code: "forbidden" } });
  });

  it("issues a token for a prefixed room, and the same id to a returning guest with its key", async () => {
    const first = await guest({ room: "demo-abc", name: "Visitor" }, "198.51.100.1");
    expect(first.status).toBe(200);
    const a = (await first.json()) as { token: string; user: string; key: string; expires_at: number };
    expect(a.user).toMatch(/^g_/);
    const again = (await (await guest({ room: "demo-abc", name: "Visitor", user: a.user, key: a.key }, "198.51.100.1")).json()) as { user: string };
    expect(again.user).toBe(a.user);
    const stolen = (await (await guest({ room: "demo-abc", name: "Thief", user: a.user, key: "forged" }, "198.51.100.1")).json()) as { user: string };
    expect(stolen.user).not.toBe(a.user);
    const c = await connect("demo-abc", a.token);
    expect(typeof c).not.toBe("number");
    expect(await connect("demo-other", a.token)).toBe(403);
  });

  it("rate limits per client address with Retry-After", async () => {
    const ip = "198.51.100.99";
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push((await guest({ room: "demo-rl", name: "V" }, ip)).status);
    expect(statuses).toEqual([200, 200, 200, 429]);
    const limited = await guest({ room: "demo-rl", name: "V" }, ip);
    expect(Number(limited.headers.get("Retry-After"))).toBeGreaterThan(0);
    expect((await guest({ room: "demo-rl", name: "V" }, "198.51.100.100")).status).toBe(200);
  });

  it("validates the body", async () => {
    expect((await guest({ room: "demo-x" })).status).toBe(400);
    expect((await guest({ room: "demo x", name: "V" })).status).toBe(400);
  });
});

describe("rooms and members API", () => {
  it("creates a room with members before anyone opens it, and returns it", async () => {
    const put = await api("/api/rooms/r-shop-1", {
      method: "PUT",
      body: JSON.stringify({
        title: "Bike #42",
        url: "https://shop.example/items/42",
        metadata: { price: 120 },
        members: [
          { user: "buyer", name: "Buyer" },
          { user: "seller", name: "Seller" },
        ],
      }),
    });
    expect(put.status).toBe(200);
    const got = (await (await api("/api/rooms/r-shop-1")).json()) as Record<string, unknown> & { members: { user: string }[] };
    expect(got).toMatchObject({
      room: "r-shop-1",
      title: "Bike #42",
      url: "https://shop.example/items/42",
      metadata: { price: 120 },
      last_seq: 0,
      read_only: false,
    });
    expect(got.members.map((m) => m.user).sort()).toEqual(["buyer", "seller"]);
    const buyer = await join("r-shop-1", "buyer");
    expect(buyer.of("welcome")[0]!.title).toBe("Bike #42");
    expect((await api("/api/rooms/r-never-made")).status).toBe(404);
    expect((await api("/api/rooms/r-shop-1", { key: null })).status).toBe(401);
    expect((await api("/api/rooms/r-shop-1", { method: "PUT", body: JSON.stringify({ url: "javascript:alert(1)" }) })).status).toBe(400);
    expect((await api("/api/rooms/r-shop-1", { method: "PUT", body: JSON.stringify({ members: [{ user: "x" }] }) })).status).toBe(400);
  });

  it("records a user who joined with a token as a member", async () => {
    await join("r-joined", "walker");
    const got = (await (await api("/api/rooms/r-joined")).json()) as { members: { user: string; name: string }[] };
    expect(got.members).toEqual([expect.objectContaining({ user: "walker", name: "walker name", role: "member" })]);
  });

  it("members-only: a token is not enough until the host adds the user; removal closes their socket", async () => {
    await api("/api/rooms/r-private", { method: "PUT", body: JSON.stringify({ members_only: true, members: [{ user: "owner", name: "Owner" }] }) });
    expect(await connect("r-private", await token("stranger", ["r-private"]))).toBe(403);
    const session = await SELF.fetch(`${ORIGIN}/api/session?room=r-private`, {
      headers: { Authorization: `Bearer ${await token("stranger", ["r-private"])}` },
    });
    expect(await session.json()).toMatchObject({ error: { code: "not_member" } });
    expect((await api("/api/rooms/r-private/members/stranger", { method: "PUT", body: JSON.stringify({ name: "Now Friend" }) })).status).toBe(200);
    const c = await join("r-private", "stranger");
    expect((await api("/api/rooms/r-private/members/stranger", { method: "DELETE" })).status).toBe(204);
    await c.until(() => c.closed, "close on removal");
    expect(c.closed?.code).toBe(4403);
    expect((await api("/api/rooms/r-private/members/stranger", { method: "DELETE" })).status).toBe(404);
  });

  it("read-only: members cannot send, moderators can", async () => {
    await api("/api/rooms/r-announce", { method: "PUT", body: JSON.stringify({ read_only: true }) });
    const member = await join("r-announce", "reader");
    expect(member.of("welcome")[0]!.readOnly).toBe(true);
    member.send({ type: "send", id: "ro-attempt", text: "hi" });
    expect(await member.next("error")).toMatchObject({ code: "read_only", id: "ro-attempt" });
    const modTok = await token("mod", ["r-announce"], { role: "moderator" });
    const mod = await connect("r-announce", modTok);
    if (typeof mod === "number") throw new Error("moderator refused");
    await mod.next("history");
    mod.send({ type: "send", id: "mod-notice", text: "Announcement" });
    expect(await mod.next("ack")).toMatchObject({ seq: 1 });
  });

  it("max members: a new member beyond the limit is refused, existing ones still join", async () => {
    await api("/api/rooms/r-small", {
      method: "PUT",
      body: JSON.stringify({
        max_members: 2,
        members: [
          { user: "m1", name: "M1" },
          { user: "m2", name: "M2" },
        ],
      }),
    });
    expect(await connect("r-small", await token("m3", ["r-small"]))).toBe(403);
    await join("r-small", "m1");
  });
});

describe("presence and read receipts", () => {
  it("counts several connections of one user once, and announces the leave with the last one", async () => {
    const observer = await join("r-pres", "obs");
    const tab1 = await join("r-pres", "multi");
    const tab2 = await join("r-pres", "multi");
    expect(
      tab2
        .of("presence")[0]!
        .online.map((p) => p.user)
        .sort(),
    ).toEqual(["multi", "obs"]);
    const mentions = () =>
      observer
        .of("presence_diff")
        .flatMap((d) => [...d.joined.filter((j) => j.user === "multi").map(() => "joined"), ...d.left.filter((u) => u === "multi").map(() => "left")]);
    await observer.until(() => mentions().length > 0, "join");
    tab1.close();
    await new Promise((r) => setTimeout(r, 300));
    expect(mentions()).toEqual(["joined"]);
    tab2.close();
    await observer.until(() => mentions().includes("left"), "leave");
    expect(mentions()).toEqual(["joined", "left"]);
  });

  it("announces a burst of joins in one frame, not one per arrival", async () => {
    const observer = await join("r-burst", "first");
    await new Promise((r) => setTimeout(r, 300)); // let the observer's own join window close
    const before = observer.of("presence_diff").length;
    await Promise.all(["b1", "b2", "b3", "b4", "b5"].map((u) => join("r-burst", u)));
    await observer.until(
      () =>
        observer
          .of("presence_diff")
          .slice(before)
          .flatMap((d) => d.joined).length >= 5,
      "joins",
    );
    await new Promise((r) => setTimeout(r, 300));
    const diffs = observer.of("presence_diff").slice(before);
    expect(diffs.length).toBeLessThanOrEqual(2);
    expect(diffs.flatMap((d) => d.joined.map((j) => j.user)).sort()).toEqual(["b1", "b2", "b3", "b4", "b5"]);
  });

  it("relays typing to the others", async () => {
    const a = await join("r-typing", "alice");
    const b = await join("r-typing", "bob");
    a.send({ type: "typing" });
    expect(await b.next("typing")).toEqual({ type: "typing", user: "alice", name: "alice name" });
  });

  it("stores read positions, broadcasts them, and never moves them back", async () => {
    const a = await join("r-read", "alice");
    const b = await join("r-read", "bob");
    a.send({ type: "send", id: "read-me-01", text: "did you see this?" });
    await b.next("message");
    b.send({ type: "read", seq: 1 });
    const reads = await a.until((f) => f.find((x) => x.type === "reads" && x.reads.length > 0), "reads");
    expect(reads).toEqual({ type: "reads", reads: [{ user: "bob", name: "bob name", seq: 1 }] });
    b.send({ type: "read", seq: 0 });
    await inboxIdle("r-read");
    await abortAllDurableObjects();
    const later = await join("r-read", "carol");
    expect(later.of("reads")[0]!.reads).toEqual([{ user: "bob", name: "bob name", seq: 1 }]);
  });
});
