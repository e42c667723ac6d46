import { describe, expect, it } from "vitest";
import { api, join, sleep } from "../../../test/workerd/helpers.ts";
import { anyRoomToken, eventually, type InboxClient, openInbox, row, unreadTotal, userObject } from "../../../test/workerd/inbox.ts";

// INBOX_FANOUT_LIMIT is 6 in the test vars (vitest.workers.config.ts): 8 members make a large room.
const put = (path: string, body: unknown) => api(path, { method: "PUT", body: JSON.stringify(body) });
const updates = async (user: string) => (await userObject(user)).inboxTest().then((t) => t.updates);

async function inbox(user: string): Promise<InboxClient> {
  const client = await openInbox(user, await anyRoomToken(user));
  if (typeof client === "number") throw new Error(`inbox refused: ${client}`);
  return client;
}

describe("a large room (more than INBOX_FANOUT_LIMIT members) is read on demand", () => {
  it("messages write only watchers' objects; the others read the room when their inbox is shown", async () => {
    const room = "ib-large";
    const users = Array.from({ length: 8 }, (_, i) => `ib-large-${i}`);
    await put(`/api/rooms/${room}`, { title: "Community", members: users.map((user) => ({ user, name: user })) });
    await eventually(() => row(users[7] as string, room), Boolean, "the last member's row");
    await sleep(600); // the first flush lands

    const idleBefore = await updates("ib-large-5");
    const watcher = await inbox("ib-large-6");
    await watcher.until((c) => c.of("inbox")[0], "first inbox page");
    const watcherBefore = await updates("ib-large-6");

    const sender = await join(room, "ib-large-0");
    for (let i = 1; i <= 3; i++) {
      sender.send({ type: "send", id: `ib-large-m${i}`, text: `hello ${i}` });
      await sleep(30);
    }
    await sender.until((f) => f.filter((x) => x.type === "ack").length === 3, "three acks");
    // The watcher's open inbox gets the row live, pushed by the room.
    const live = await watcher.until((c) => c.of("inbox_row").find((f) => f.conversation.room === room && f.conversation.last?.seq === 3), "live row");
    expect(live.conversation.unread).toBe(3);
    expect(await updates("ib-large-6")).toBeGreaterThan(watcherBefore);
    await sleep(600); // any trailing flush lands
    // Nobody else's object was written by the messages…
    expect(await updates("ib-large-5")).toBe(idleBefore);
    // …yet their inbox is exact when read: the host API reads the room first.
    expect(await row("ib-large-5", room)).toMatchObject({ title: "Community", unread: 3, last: { seq: 3, text: "hello 3", user: "ib-large-0" } });
    expect(await unreadTotal("ib-large-5")).toBe(3);
    // An inbox socket opening reads it too, before its first page.
    const opened = await inbox("ib-large-4");
    const first = await opened.until((c) => c.of("inbox")[0], "first page");
    expect(first.conversations.find((c) => c.room === room)).toMatchObject({ unread: 3, last: { seq: 3 } });
    expect(first.total).toBe(3);
    opened.close();

    // A member's own read still reaches their object at once (their count clears everywhere).
    const reader = await join(room, "ib-large-5");
    reader.send({ type: "read", seq: 3 });
    await eventually(
      () => updates("ib-large-5"),
      (n) => n > idleBefore,
      "the reader's own row",
    );
    expect(await row("ib-large-5", room)).toMatchObject({ unread: 0, last_read: 3 });
    reader.close();

    // The last inbox socket closes: the watcher gets no more writes.
    watcher.close();
    await sleep(300);
    const closedAt = await updates("ib-large-6");
    sender.send({ type: "send", id: "ib-large-m4", text: "after close" });
    await sender.next("ack");
    await sleep(600);
    expect(await updates("ib-large-6")).toBe(closedAt);
    expect(await row("ib-large-6", room)).toMatchObject({ last: { seq: 4 }, unread: 4 });
    sender.close();
  });

  it("a room that shrinks back to the limit writes every member again", async () => {
    const room = "ib-shrink";
    const users = Array.from({ length: 7 }, (_, i) => `ib-shrink-${i}`);
    await put(`/api/rooms/${room}`, { members: users.map((user) => ({ user, name: user })) });
    await eventually(() => row(users[6] as string, room), Boolean, "the last member's row");
    expect((await api(`/api/rooms/${room}/members/ib-shrink-6`, { method: "DELETE" })).status).toBe(204);
    await sleep(600);
    const before = await updates("ib-shrink-3");
    const sender = await join(room, "ib-shrink-0");
    sender.send({ type: "send", id: "ib-shrink-m1", text: "six of us now" });
    await sender.next("ack");
    await eventually(
      () => updates("ib-shrink-3"),
      (n) => n > before,
      "a pushed row in a small room",
    );
    sender.close();
  });
});
