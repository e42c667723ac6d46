import { runInDurableObject } from "cloudflare:test";
import { SignJWT } from "jose";
import { describe, expect, it } from "vitest";
import type { User } from "../user.ts";
import { api, env, join, sleep } from "../../test/workerd/helpers.ts";
import { anyRoomToken, eventually, openInbox, userObject } from "../../test/workerd/inbox.ts";

/** A `*` token that expires in `seconds` (the token API's shortest ttl is 60 s). */
async function shortToken(user: string, seconds: number) {
  const key = new TextEncoder().encode((env as unknown as { TOKEN_SECRET: string }).TOKEN_SECRET);
  return new SignJWT({ name: user, rooms: ["*"], role: "member" })
    .setProtectedHeader({ alg: "HS256" })
    .setSubject(user)
    .setIssuedAt()
    .setExpirationTime(Math.floor(Date.now() / 1000) + seconds)
    .sign(key);
}

describe("the user's inbox socket", () => {
  it("closes 4401 when its token expires, without waiting for a frame", async () => {
    const client = await openInbox("ib-expiring", await shortToken("ib-expiring", 2));
    if (typeof client === "number") throw new Error(`refused: ${client}`);
    await client.until((c) => c.of("inbox")[0], "first page");
    await client.until((c) => c.closed, "closed at expiry", 6000);
    expect(client.closed?.code).toBe(4401);
    expect(client.of("error").at(-1)?.code).toBe("expired");
  });

  it("backfills, on first use, a room the user opened that never wrote their row", async () => {
    const room = "ib-old-room";
    const user = "ib-old-user";
    const member = await join(room, user);
    const stub = userObject(user);
    await eventually(
      async () => (await stub.inboxPage(null, 10)).conversations.length,
      (n) => n === 1,
      "the room's row",
    );
    member.close();
    await sleep(300);
    // As if the room predates the inbox: the user's object knows the room was opened, but has no row.
    await runInDurableObject(stub, (_user: User, state) => {
      state.storage.sql.exec("DELETE FROM inbox");
      state.storage.sql.exec("DELETE FROM settings WHERE key = 'inbox_backfilled'");
    });
    const client = await openInbox(user, await anyRoomToken(user));
    if (typeof client === "number") throw new Error(`refused: ${client}`);
    const first = await client.until((c) => c.of("inbox")[0], "first page");
    expect(first.conversations.map((c) => c.room)).toEqual([room]);
    client.close();
    expect((await api(`/api/users/${user}/rooms`)).status).toBe(200);
  });
});
