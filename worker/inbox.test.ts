import { SELF } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { api, connect, join, ORIGIN, sleep, token } from "../test/workerd/helpers.ts";
import { anyRoomToken, eventually, inboxRooms, openInbox, row, userObject, type InboxClient } from "../test/workerd/inbox.ts";

const put = (path: string, body: unknown) => api(path, { method: "PUT", body: JSON.stringify(body) });
const session = async (room: string, tok: string) =>
  (await SELF.fetch(`${ORIGIN}/api/session?room=${room}`, { headers: { Authorization: `Bearer ${tok}` } })).status;

async function inbox(user: string, tok: string): Promise<InboxClient> {
  const c = await openInbox(user, tok);
  if (typeof c === "number") throw new Error(`inbox refused: ${c}`);
  return c;
}

describe('rooms: ["*"] tokens', () => {
  it("are issued alone, never mixed with room ids", async () => {
    expect((await api("/api/token", { method: "POST", body: JSON.stringify({ user: "w1", name: "W", rooms: ["*"] }) })).status).toBe(200);
    expect((await api("/api/token", { method: "POST", body: JSON.stringify({ user: "w1", name: "W", rooms: ["*", "r1"] }) })).status).toBe(400);
    expect((await api("/api/token", { method: "POST", body: JSON.stringify({ user: "w1", name: "W", rooms: ["**"] }) })).status).toBe(400);
  });

  it("open rooms where the user is a member only, moderators included; named tokens behave as before", async () => {
    await put("/api/rooms/wc-open", { members: [{ user: "wc-member", name: "Member" }] });
    await put("/api/rooms/wc-open/members/wc-mod", { name: "Mod", role: "moderator" });
    const member = await connect("wc-open", await anyRoomToken("wc-member"));
    expect(typeof member).not.toBe("number");
    expect(await connect("wc-open", await anyRoomToken("wc-stranger"))).toBe(403);
    expect(await session("wc-open", await anyRoomToken("wc-stranger"))).toBe(403);
    expect(await session("wc-open", await anyRoomToken("wc-member"))).toBe(200);
    // A moderator's "*" opens only the rooms they are a member of.
    expect(await connect("wc-open", await anyRoomToken("wc-outside-mod", { role: "moderator" }))).toBe(403);
    const mod = await connect("wc-open", await anyRoomToken("wc-mod", { role: "moderator" }));
    expect(typeof mod).not.toBe("number");
    // A token naming this open room still makes its holder a member, as before.
    await join("wc-open", "wc-stranger");
    expect(typeof (await connect("wc-open", await anyRoomToken("wc-stranger")))).not.toBe("number");
  });
});

describe("the inbox socket /parties/user/<user>", () => {
  it("opens only with the user's own * token", async () => {
    expect(await openInbox("is-owner", null)).toBe(401);
    expect(await openInbox("is-owner", "not-a-jwt")).toBe(401);
    expect(await openInbox("is-owner", await anyRoomToken("is-other"))).toBe(403);
    expect(await openInbox("is-owner", await token("is-owner", ["some-room"]))).toBe(403);
    const own = await inbox("is-owner", await anyRoomToken("is-owner"));
    await own.until((c) => c.of("inbox")[0], "first page");
    expect(own.of("inbox")[0]).toEqual({ type: "inbox", conversations: [], next: null, first: true, total: 0 });
    // Only rooms and users' objects take sockets.
    const other = await SELF.fetch(`${ORIGIN}/parties/limiter/x?token=${await anyRoomToken("x")}`, { headers: { Upgrade: "websocket" } });
    expect(other.status).toBe(404);
    own.close();
  });

  it("sends the first page, pushes rows and removals live, answers pages, and says whether it is open", async () => {
    const user = "is-live";
    for (const r of ["is-r1", "is-r2", "is-r3"]) {
      await put(`/api/rooms/${r}`, { title: `Room ${r}`, members: [{ user, name: "Live" }] });
      await eventually(() => row(user, r), Boolean, `row ${r}`);
      await sleep(5); // distinct join times order the rooms
    }
    expect(await userObject(user).inboxOpen()).toBe(false);
    const c = await inbox(user, await anyRoomToken(user));
    const first = await c.until((x) => x.of("inbox")[0], "first page");
    expect(first.conversations.map((r) => r.room)).toEqual(["is-r3", "is-r2", "is-r1"]);
    expect(first).toMatchObject({ first: true, next: null, total: 0 });
    expect(await userObject(user).inboxOpen()).toBe(true);

    // A message in the oldest room: its row comes live, with the total.
    const writer = await join("is-r1", "is-writer");
    writer.send({ type: "send", id: "live-msg-01", text: "ping" });
    const pushed = await c.until((x) => x.of("inbox_row").find((f) => f.conversation.last?.seq === 1), "live row");
    expect(pushed).toMatchObject({ conversation: { room: "is-r1", unread: 1, title: "Room is-r1" }, total: 1 });
    expect((await inboxRooms(user)).rooms[0]!.room).toBe("is-r1");

    // Removed by the host: the row leaves at once.
    expect((await api(`/api/rooms/is-r2/members/${user}`, { method: "DELETE" })).status).toBe(204);
    expect(await c.until((x) => x.of("inbox_removed")[0], "removal")).toEqual({ type: "inbox_removed", room: "is-r2", total: 1 });

    // Paging over the socket with the host API's cursor; a cursor that was never issued is an error.
    const { next } = await inboxRooms(user, "?limit=1");
    expect(next).not.toBeNull();
    c.send({ type: "inbox_page", before: next });
    const page = await c.until((x) => x.of("inbox").find((f) => !f.first), "second page");
    expect(page.conversations.map((r) => r.room)).toEqual(["is-r3"]);
    c.send({ type: "inbox_page", before: "not a cursor" });
    expect(await c.until((x) => x.of("error")[0], "error")).toMatchObject({ code: "invalid_message" });
    c.send("{");
    await c.until((x) => x.of("error").find((e) => e.code === "bad_json"), "bad_json");
    c.close();
    writer.close();
    await eventually(
      () => userObject(user).inboxOpen(),
      (open) => !open,
      "closed",
    );
  });

  it("a revocation closes open inbox sockets and refuses the old token", async () => {
    const tok = await anyRoomToken("is-revoked");
    const c = await inbox("is-revoked", tok);
    await c.until((x) => x.of("inbox")[0], "first page");
    expect((await api("/api/users/is-revoked/revoke", { method: "POST" })).status).toBe(200);
    await c.until((x) => x.closed, "closed");
    expect(c.closed?.code).toBe(4401);
    expect(await openInbox("is-revoked", tok)).toBe(401);
  });
});

describe("host API: a user's conversations", () => {
  it("needs the API key", async () => {
    expect((await api("/api/users/ha-u/rooms", { key: null })).status).toBe(401);
    expect((await api("/api/users/ha-u/unread", { key: "wrong" })).status).toBe(401);
  });

  it("pages newest activity first with a cursor; a new entry moves its room to the top", async () => {
    const user = "ha-pager";
    const rooms = ["ha-1", "ha-2", "ha-3", "ha-4", "ha-5"];
    for (const r of rooms) {
      await put(`/api/rooms/${r}`, { members: [{ user, name: "Pager" }] });
      await eventually(() => row(user, r), Boolean, `row ${r}`);
      await sleep(5);
    }
    const seen: string[] = [];
    let query = "?limit=2";
    for (let pages = 0; pages < 5; pages++) {
      const page = await inboxRooms(user, query);
      seen.push(...page.rooms.map((r) => r.room));
      if (page.next === null) break;
      query = `?limit=2&before=${encodeURIComponent(page.next)}`;
    }
    expect(seen).toEqual([...rooms].reverse());
    const writer = await join("ha-1", "ha-writer");
    writer.send({ type: "send", id: "move-up-01", text: "news" });
    await eventually(
      () => inboxRooms(user, "?limit=1"),
      (p) => p.rooms[0]?.room === "ha-1",
      "ha-1 on top",
    );
    expect((await (await api(`/api/users/${user}/unread`)).json()) as { total: number }).toEqual({ total: 1 });
    expect((await api(`/api/users/${user}/rooms?limit=0`)).status).toBe(400);
    expect((await api(`/api/users/${user}/rooms?limit=x`)).status).toBe(400);
    expect((await api(`/api/users/${user}/rooms?before=12`)).status).toBe(400);
    expect((await api("/api/users/bad%20user/rooms")).status).toBe(400);
    writer.close();
  });

  it("shows nothing of rooms the user is not a member of", async () => {
    await put("/api/rooms/ha-private", { members: [{ user: "ha-in", name: "In" }] });
    await eventually(() => row("ha-in", "ha-private"), Boolean, "member row");
    expect((await inboxRooms("ha-out")).rooms).toEqual([]);
  });
});
