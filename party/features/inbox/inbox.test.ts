import { describe, expect, it } from "vitest";
import { INBOX_PREVIEW_LENGTH } from "../../../protocol/index.ts";
import { api, connect, join, sleep, token } from "../../../test/workerd/helpers.ts";
import { eventually, inboxRooms, row, unreadTotal, userObject } from "../../../test/workerd/inbox.ts";
import { FLUSH_INTERVAL_MS } from "./index.ts";

const put = (path: string, body: unknown) => api(path, { method: "PUT", body: JSON.stringify(body) });

describe("the inbox index follows the room", () => {
  it("entries, reads, the title and membership changes reach each member's row", async () => {
    const room = "ib-follow";
    await put(`/api/rooms/${room}`, {
      members: [
        { user: "ib-seller", name: "Seller" },
        { user: "ib-buyer", name: "Buyer" },
      ],
    });
    // Two members, no host title: each sees the other's name, and the other as the peer.
    expect(await eventually(() => row("ib-seller", room), Boolean, "seller row")).toEqual({
      room,
      title: "Buyer",
      last: null,
      unread: 0,
      last_read: 0,
      peer: { user: "ib-buyer", name: "Buyer", online: false },
    });

    const buyer = await join(room, "ib-buyer", {});
    buyer.send({ type: "send", id: "ib-msg-0001", text: "Is it  still\navailable?" });
    const ack = await buyer.next("ack");
    const seller = await eventually(
      () => row("ib-seller", room),
      (r) => r?.last?.seq === 1,
      "entry in seller row",
    );
    expect(seller).toMatchObject({
      unread: 1,
      // The joining token's name is the member's name from now on.
      title: "ib-buyer name",
      last: { seq: 1, kind: "text", user: "ib-buyer", name: "ib-buyer name", text: "Is it still available?", ts: ack.ts },
      peer: { user: "ib-buyer", online: true },
    });
    expect(await unreadTotal("ib-seller")).toBe(1);
    // The sender's own entry is not unread for them.
    expect(
      await eventually(
        () => row("ib-buyer", room),
        (r) => r?.last?.seq === 1,
        "buyer row",
      ),
    ).toMatchObject({ unread: 0 });

    const long = "가".repeat(300);
    buyer.send({ type: "send", id: "ib-msg-0002", text: long });
    await buyer.until((f) => f.filter((x) => x.type === "ack").length === 2, "second ack");
    const two = await eventually(
      () => row("ib-seller", room),
      (r) => r?.last?.seq === 2,
      "second entry",
    );
    expect(two?.unread).toBe(2);
    expect(Array.from(two?.last?.text ?? "")).toHaveLength(INBOX_PREVIEW_LENGTH);

    // The seller reads the first entry: exact unread is what is above the read position.
    const s = await join(room, "ib-seller");
    s.send({ type: "read", seq: 1 });
    expect(
      await eventually(
        () => row("ib-seller", room),
        (r) => r?.last_read === 1,
        "read",
      ),
    ).toMatchObject({ unread: 1 });
    expect(await unreadTotal("ib-seller")).toBe(1);
    s.send({ type: "read", seq: 2 });
    await eventually(
      () => unreadTotal("ib-seller"),
      (n) => n === 0,
      "all read",
    );

    // The host's title wins over names.
    await put(`/api/rooms/${room}`, { title: "Bike #42" });
    await eventually(
      () => row("ib-buyer", room),
      (r) => r?.title === "Bike #42",
      "title for buyer",
    );
    await eventually(
      () => row("ib-seller", room),
      (r) => r?.title === "Bike #42",
      "title for seller",
    );

    // A third member: no peer any more; the newcomer's row appears.
    await put(`/api/rooms/${room}/members/ib-third`, { name: "Third" });
    await eventually(
      () => row("ib-seller", room),
      (r) => r?.peer === null,
      "no peer with three",
    );
    expect(await eventually(() => row("ib-third", room), Boolean, "newcomer row")).toMatchObject({ title: "Bike #42", unread: 2, last: { seq: 2 } });

    // The buyer leaves the peer's online dot: their socket closes.
    buyer.close();
    s.close();
  });

  it("a user who joins with a token naming the room gets the row; the other member's dot follows presence", async () => {
    const room = "ib-presence";
    const a = await join(room, "ib-pa");
    await eventually(() => row("ib-pa", room), Boolean, "joiner row");
    const b = await join(room, "ib-pb");
    await eventually(
      () => row("ib-pa", room),
      (r) => r?.peer?.user === "ib-pb" && r.peer.online,
      "peer online",
    );
    b.close();
    await eventually(
      () => row("ib-pa", room),
      (r) => r?.peer?.online === false,
      "peer offline",
    );
    a.close();
  });

  it("coalesces: a burst of entries reaches a member's index in a few updates, each with the latest state", async () => {
    const room = "ib-burst";
    const a = await join(room, "ib-burst-a");
    const b = await join(room, "ib-burst-b");
    b.close();
    await eventually(
      () => row("ib-burst-b", room),
      (r) => r?.peer?.online === true,
      "a's presence in b's row",
    );
    const before = (await userObject("ib-burst-b").inboxTest()).updates;
    const n = 15;
    const started = Date.now();
    // Spread over ~600 ms, each entry stored and acked on its own: without coalescing, one update each.
    for (let i = 1; i <= n; i++) {
      a.send({ type: "send", id: `burst-${String(i).padStart(5, "0")}`, text: `m${i}` });
      await sleep(40);
    }
    await a.until((f) => f.filter((x) => x.type === "ack").length === n, "all acks");
    await eventually(
      () => row("ib-burst-b", room),
      (r) => r?.last?.seq === n && r.unread === n,
      "latest state",
    );
    const elapsed = Date.now() - started;
    await sleep(600); // let any trailing flush land before counting
    const updates = (await userObject("ib-burst-b").inboxTest()).updates - before;
    // At most one flush per interval while the burst lasted, plus the first and a trailing one.
    expect(updates).toBeGreaterThanOrEqual(1);
    expect(updates).toBeLessThanOrEqual(Math.min(Math.floor(elapsed / FLUSH_INTERVAL_MS) + 2, n / 2));
    a.close();
  });

  it("retries an update the user's object refused, and the index heals", async () => {
    const room = "ib-retry";
    const a = await join(room, "ib-retry-a");
    await put(`/api/rooms/${room}/members/ib-retry-b`, { name: "B" });
    await eventually(() => row("ib-retry-b", room), Boolean, "b's row");
    await userObject("ib-retry-b").inboxTest({ fail: 2 });
    a.send({ type: "send", id: "retry-msg-01", text: "hello?" });
    await a.next("ack");
    // Refused twice (backoff 1 s, then 2 s), then delivered.
    await eventually(
      () => row("ib-retry-b", room),
      (r) => r?.last?.seq === 1 && r.unread === 1,
      "healed row",
      12_000,
    );
    expect((await userObject("ib-retry-b").inboxTest()).failed).toBeGreaterThanOrEqual(2);
    a.close();
  });
});

describe("removal bans", () => {
  it("closes the member's sockets, refuses their token and drops the room from their inbox until re-added", async () => {
    const room = "ib-ban";
    await put(`/api/rooms/${room}`, { members: [{ user: "ib-host", name: "Host" }] });
    const guest = await join(room, "ib-banned"); // an open room: joining made them a member
    await eventually(() => row("ib-banned", room), Boolean, "member row");
    expect((await api(`/api/rooms/${room}/members/ib-banned`, { method: "DELETE" })).status).toBe(204);
    await guest.until(() => guest.closed, "close on removal");
    expect(guest.closed?.code).toBe(4403);
    await eventually(
      () => row("ib-banned", room),
      (r) => r === undefined,
      "row removed",
    );
    // A token naming the room no longer admits them, and does not make them a member again.
    expect(await connect(room, await token("ib-banned", [room]))).toBe(403);
    const info = (await (await api(`/api/rooms/${room}`)).json()) as { members: { user: string }[] };
    expect(info.members.map((m) => m.user)).toEqual(["ib-host"]);
    // A moderator's token is banned too.
    expect(await connect(room, await token("ib-banned", [room], { role: "moderator" }))).toBe(403);
    // The host adds them again: admitted, and back in their inbox.
    await put(`/api/rooms/${room}/members/ib-banned`, { name: "Back" });
    await eventually(() => row("ib-banned", room), Boolean, "row back");
    const again = await join(room, "ib-banned");
    again.close();
  });

  it("an older update arriving after the removal does not bring the room back", async () => {
    const stub = userObject("ib-order");
    const conversation = { room: "ib-order-r", title: "T", last: null, unread: 3, last_read: 0, peer: null };
    await stub.inboxUpdate({ room: "ib-order-r", rev: 5, activity: 10, conversation: null });
    await stub.inboxUpdate({ room: "ib-order-r", rev: 4, activity: 10, conversation });
    expect((await inboxRooms("ib-order")).rooms).toEqual([]);
    expect(await unreadTotal("ib-order")).toBe(0);
    await stub.inboxUpdate({ room: "ib-order-r", rev: 6, activity: 10, conversation });
    expect((await inboxRooms("ib-order")).rooms).toEqual([conversation]);
    expect(await unreadTotal("ib-order")).toBe(3);
  });
});
