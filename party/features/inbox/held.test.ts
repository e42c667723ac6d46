import { runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { api, inboxIdle, join, roomStub } from "../../../test/workerd/helpers.ts";
import { eventually, row } from "../../../test/workerd/inbox.ts";
import type { ChatMessage } from "../../../protocol/index.ts";
import type { RoomEvents } from "../../feature.ts";
import type { Room } from "../../room.ts";
import { HELD } from "./held.ts";

const put = (path: string, body: unknown) => api(path, { method: "PUT", body: JSON.stringify(body) });

/** The room's held-rows timer: who is held and until when (null: nobody). */
async function heldTimer(room: string): Promise<{ due: number; users: string[] } | null> {
  const timer = await runInDurableObject(roomStub(room), (r: Room) => r.probe().timers.find((t) => t.key === `inbox:${HELD}`));
  return timer ? { due: timer.due, users: [...(timer.payload as { users: string[] }).users].sort() } : null;
}

describe("rows of members who are in the room are held", () => {
  it("until their read, their leaving or the delay's end; an away member's row goes at once", async () => {
    const room = "ib-held";
    const [sender, away, reader, leaver] = ["ib-h-sender", "ib-h-away", "ib-h-reader", "ib-h-leaver"];
    await put(`/api/rooms/${room}`, { title: "Held", members: [sender, away, reader, leaver].map((user) => ({ user, name: user })) });
    for (const user of [sender, away, reader, leaver]) await eventually(() => row(user, room), Boolean, `${user} row`);
    const sockets = { sender: await join(room, sender), reader: await join(room, reader), leaver: await join(room, leaver) };

    sockets.sender.send({ type: "send", id: "held-0001", text: "hello" });
    await sockets.sender.next("ack");
    await eventually(
      () => row(away, room),
      (r) => r?.last?.seq === 1,
      "the away member's row",
    );
    const held = await heldTimer(room);
    expect(held?.users).toEqual([leaver, reader, sender].sort());
    expect((await row(reader, room))?.last).toBeNull();
    expect((await row(leaver, room))?.last).toBeNull();

    // A read is never held: it goes with the whole row as of now, and releases the reader.
    sockets.reader.send({ type: "read", seq: 1 });
    expect(
      await eventually(
        () => row(reader, room),
        (r) => r?.last_read === 1,
        "the reader's row",
      ),
    ).toMatchObject({ last: { seq: 1 }, unread: 0 });
    // Leaving: the row goes when the last socket closes.
    sockets.leaver.close();
    expect(
      await eventually(
        () => row(leaver, room),
        (r) => r?.last?.seq === 1,
        "the leaver's row",
      ),
    ).toMatchObject({ unread: 1 });
    // Both came before the delay ended; the sender is still held.
    expect(Date.now()).toBeLessThan(held?.due ?? 0);
    expect((await heldTimer(room))?.users).toEqual([sender]);
    expect((await row(sender, room))?.last).toBeNull();

    // The delay ends: the sender's row follows with the latest state, and nothing is held any more.
    await eventually(
      () => row(sender, room),
      (r) => r?.last?.seq === 1,
      "the sender's row after the delay",
    );
    expect(await heldTimer(room)).toBeNull();
    sockets.sender.close();
    sockets.reader.close();
  });

  it("when every member is in the room, an entry's rows are held in the entry's own turn (one commit, not two)", async () => {
    const room = "ib-held-all";
    const [a, b, c] = ["ib-ha-a", "ib-ha-b", "ib-ha-c"];
    await put(`/api/rooms/${room}`, { title: "All here", members: [a, b, c].map((user) => ({ user, name: user })) });
    const sockets = [await join(room, a), await join(room, b)];
    const stub = roomStub(room);
    /** Raises `stored` as a stored entry does (after clearing the held timer, if asked), and reads the held users in the same synchronous turn. */
    const storedNow = (seq: number, clear: boolean) =>
      runInDurableObject(stub, (r: Room) => {
        const inner = r as unknown as { events: RoomEvents; ctx: DurableObjectState };
        // The joins' own holds first (their rows are written on the next event).
        r.joins.flush();
        if (clear) inner.ctx.storage.sql.exec("DELETE FROM timers WHERE key = ?", `inbox:${HELD}`);
        inner.events.stored([{ seq } as ChatMessage]);
        const timer = r.probe().timers.find((t) => t.key === `inbox:${HELD}`);
        const watermark = inner.ctx.storage.sql.exec<{ value: string }>("SELECT value FROM meta WHERE key = 'inbox_seq'").one().value;
        return { held: timer ? [...(timer.payload as { users: string[] }).users].sort() : null, watermark: Number(watermark) };
      });
    // c is away: the follow waits for the entry's commit, in a turn of its own (nothing held yet).
    expect(await storedNow(1, true)).toMatchObject({ held: null });
    // c comes in (and the first entry's flush ends): everyone is here, so the rows are held at once and
    // the watermark moves with the entry.
    sockets.push(await join(room, c));
    await inboxIdle(room);
    expect(await storedNow(2, true)).toEqual({ held: [a, b, c].sort(), watermark: 2 });
    // The next entry finds nothing changed: no reads, no writes (the watermark stays; the held rows go as of when due).
    expect(await storedNow(3, false)).toEqual({ held: [a, b, c].sort(), watermark: 2 });
    // c leaves: the next entry's rows are not only held any more (c's goes now, after the commit).
    sockets.pop()?.close();
    await eventually(
      () => runInDurableObject(stub, (r: Room) => [...r.getConnections()].length),
      (n) => n === 2,
      "c's close",
    );
    expect(await storedNow(4, true)).toMatchObject({ held: null });
    for (const s of sockets) s.close();
    await inboxIdle(room);
  });
});
