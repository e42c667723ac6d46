import { runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { ChatMessage } from "../../../protocol/index.ts";
import { api, join, roomStub } from "../../../test/workerd/helpers.ts";
import type { Room } from "../../room.ts";

describe("entry kinds", () => {
  it("stores kind and data and returns them in history, live frames and the transcript, with the text fallback", async () => {
    const listener = await join("r-kinds", "listener");
    const notice = await runInDurableObject(roomStub("r-kinds"), (room: Room) => {
      const { duplicate: _d, ...stored } = room.messages.append(
        { user: "system", name: "Shop", id: "notice-0001", kind: "notice", text: "Order #42 shipped", data: { order: 42, carrier: { name: "CJ" } } },
        Date.now(),
      );
      return stored;
    });
    const sender = await join("r-kinds", "alice");
    expect(sender.of("history")[0]!.messages).toEqual([notice]);
    sender.send({ type: "send", id: "text-00001", text: "thanks" });
    const { message } = await listener.next("message");
    expect(message).toMatchObject({ kind: "text", text: "thanks" });
    expect(message).not.toHaveProperty("data");
    const transcript = ((await (await api("/api/rooms/r-kinds/messages")).json()) as { messages: ChatMessage[] }).messages;
    expect(transcript).toEqual([
      {
        seq: 1,
        id: "notice-0001",
        user: "system",
        name: "Shop",
        kind: "notice",
        text: "Order #42 shipped",
        data: { order: 42, carrier: { name: "CJ" } },
        ts: notice.ts,
      },
      message,
    ]);
  });
});
