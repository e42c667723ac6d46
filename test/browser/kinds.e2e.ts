// Issue 7: history entries have a kind. A kind the widget does not draw (here `poll`, which no
// server sends yet) shows its plain `text` fallback, as text, with data-kind on the message part; a
// malformed entry costs only itself, not the page. The real server only stores `text` entries, so
// the frames it sends are rewritten on their way into the page with Playwright's routeWebSocket:
// the widget talks to the real room, and only the chosen frames are changed.
import type { Page, WebSocketRoute } from "playwright-core";
import { describe, expect, it } from "vitest";
import { inject } from "vitest";
import { mintToken, seedMessages, uniqueRoom } from "./support/api.ts";
import { events, eventually, messageWithText, openWidget, send, shownMessages, useBrowser, waitForEvent, WAIT_MS } from "./support/browser.ts";

const server = () => inject("serverOrigin");

const browser = useBrowser();

type Frame = { type: string; [key: string]: unknown };
type Entry = Record<string, unknown>;

/** Connects the page's room socket to the real room and passes each server frame through `rewrite`. */
function rewriteServerFrames(page: Page, rewrite: (frame: Frame) => Frame): Promise<void> {
  return page.routeWebSocket(/\/parties\/room\//, (ws: WebSocketRoute) => {
    const room = ws.connectToServer();
    room.onMessage((message) => {
      if (typeof message !== "string" || !message.startsWith("{")) return ws.send(message); // heartbeat pongs
      const frame = JSON.parse(message) as Frame;
      // v2 sends the first page inside the join frame: rewrite its parts one by one.
      ws.send(JSON.stringify(frame.type === "joined" ? { ...frame, frames: (frame.frames as Frame[]).map(rewrite) } : rewrite(frame)));
    });
  });
}

const POLL = { kind: "poll", text: "Poll: <b>pizza</b> or sushi? <img src=x onerror=window.__polled=1>", data: { options: ["pizza", "sushi"] } };

describe("entry kinds", () => {
  it("an entry of an unknown kind shows its text fallback with data-kind; a malformed entry in the same page is skipped, the rest shows", async () => {
    const room = uniqueRoom();
    const seeded = await seedMessages(server(), room, { user: "carol", name: "Carol" }, ["before the poll", "the poll as stored", "after the poll"]);
    const token = await mintToken(server(), { user: "alice", name: "Alice", rooms: [room] });
    let rewritten = 0;
    const a = await openWidget(browser(), {
      room,
      token,
      beforeLoad: (page) =>
        rewriteServerFrames(page, (frame) => {
          if (frame.type !== "history" || frame.before !== null) return frame;
          rewritten++;
          const [first, second, third] = frame.messages as Entry[];
          const broken: Entry[] = [
            { ...first, seq: seeded.length + 1, id: "broken_text_1", text: 42 }, // text is not a string
            { ...first, seq: seeded.length + 2, id: "broken_kind_1", kind: "Not A Kind!" }, // not a kind name
            { ...first, seq: seeded.length + 3, id: "broken_data_1", data: "not an object" },
          ];
          return { ...frame, messages: [first, broken[0], { ...second, ...POLL }, broken[1], third, broken[2]] };
        }),
    });
    expect(rewritten).toBeGreaterThan(0);

    const shown = await shownMessages(a);
    expect(shown.map((m) => m.seq)).toEqual([1, 2, 3]);
    expect(await a.messages.evaluateAll((els) => els.map((el) => el.getAttribute("data-kind")))).toEqual(["text", "poll", "text"]);
    expect(shown[0]!.text).toContain("before the poll");
    expect(shown[2]!.text).toContain("after the poll");
    // The fallback is text: the markup in it shows literally and creates no element.
    const poll = a.messages.nth(1);
    expect(await poll.textContent()).toContain(POLL.text);
    expect(await poll.locator("b, img").count()).toBe(0);
    expect(await a.page.evaluate(() => (window as any).__polled)).toBeUndefined();
    // Ready fired with the whole (valid part of the) page on screen.
    const [ready] = await events(a.page, "inapp-talk-ready");
    expect(ready!.messagesShown).toBe(3);
    await a.context.close();
  });

  it("inapp-talk-message carries the entry's kind and data", async () => {
    const room = uniqueRoom();
    const [ta, tb] = await Promise.all([
      mintToken(server(), { user: "alice", name: "Alice", rooms: [room] }),
      mintToken(server(), { user: "bob", name: "Bob", rooms: [room] }),
    ]);
    // Alice's room turns Bob's live messages into polls; Bob's is left alone.
    const asPoll = (m: Entry): Entry => ({ ...m, ...POLL, text: `${POLL.text} (${String(m.text)})` });
    const a = await openWidget(browser(), {
      room,
      token: ta,
      beforeLoad: (page) =>
        rewriteServerFrames(page, (frame) =>
          frame.type === "message"
            ? { ...frame, message: asPoll(frame.message as Entry) }
            : frame.type === "messages"
              ? { ...frame, messages: (frame.messages as Entry[]).map(asPoll) }
              : frame,
        ),
    });
    const b = await openWidget(browser(), { room, token: tb });

    await send(b, "sushi please");
    const onA = await waitForEvent(a.page, "inapp-talk-message");
    expect(onA.detail).toMatchObject({ seq: 1, user: "bob", kind: "poll", data: POLL.data, text: `${POLL.text} (sushi please)` });
    await messageWithText(a, "(sushi please)").waitFor({ timeout: WAIT_MS });
    expect(await messageWithText(a, "(sushi please)").getAttribute("data-kind")).toBe("poll");

    // Bob's own message, once stored, is a text entry without data.
    const onB = await waitForEvent(b.page, "inapp-talk-message");
    expect(onB.detail).toMatchObject({ seq: 1, user: "bob", kind: "text", text: "sushi please" });
    expect(onB.detail.data).toBeUndefined();
    await eventually(async () => expect(await messageWithText(b, "sushi please").getAttribute("data-kind")).toBe("text"));
    await Promise.all([a.context.close(), b.context.close()]);
  });
});
