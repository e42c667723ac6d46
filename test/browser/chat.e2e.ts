// Issue 2: two people chat through the widget embedded cross-origin by a script tag.
import { describe, expect, it } from "vitest";
import { inject } from "vitest";
import { HISTORY_PAGE_SIZE, JOIN_PAGE_SIZE, MAX_TEXT_LENGTH } from "../../protocol/index.ts";
import { mintToken, seedMessages, transcript, uniqueRoom } from "./support/api.ts";
import {
  events,
  eventually,
  useBrowser,
  messageWithText,
  openPair,
  openWidget,
  recordStatuses,
  send,
  shownMessages,
  statusHistory,
  waitForEvent,
  WAIT_MS,
  type WidgetPage,
} from "./support/browser.ts";

const server = () => inject("serverOrigin");

const browser = useBrowser();

const pair = (room: string) =>
  openPair(browser(), room, (who) => mintToken(server(), { ...who, rooms: [room] }), { user: "alice", name: "Alice" }, { user: "bob", name: "Bob" });

describe("chat between two users", () => {
  it("loads the widget cross-origin from a script tag and fires inapp-talk-ready (bubbling, composed)", async () => {
    const room = uniqueRoom();
    const token = await mintToken(server(), { user: "alice", name: "Alice", rooms: [room] });
    const a = await openWidget(browser(), { room, token });
    expect(new URL(a.page.url()).origin).toBe(inject("hostOrigin"));
    expect(new URL(a.page.url()).origin).not.toBe(server());
    const [ready] = await events(a.page, "inapp-talk-ready");
    expect(ready).toMatchObject({ bubbles: true, composed: true });
    // Stable parts exist.
    for (const part of ["panel", "messages", "input", "send", "status"]) {
      await a.part(part).first().waitFor({ state: "attached", timeout: WAIT_MS });
    }
    await a.context.close();
  });

  it("shows each message on both sides with author and seq; own messages go pending → sent", async () => {
    const room = uniqueRoom();
    const [a, b] = await pair(room);
    await recordStatuses(a);

    await send(a, "Hello Bob, this is Alice");
    await messageWithText(b, "Hello Bob, this is Alice").waitFor({ timeout: WAIT_MS });
    await eventually(async () => expect(await messageWithText(a, "Hello Bob, this is Alice").getAttribute("data-status")).toBe("sent"));
    expect(await statusHistory(a, "Hello Bob, this is Alice")).toEqual(["pending", "sent"]);

    await send(b, "Hi Alice! Bob here.");
    await messageWithText(a, "Hi Alice! Bob here.").waitFor({ timeout: WAIT_MS });
    await eventually(async () => expect(await messageWithText(b, "Hi Alice! Bob here.").getAttribute("data-status")).toBe("sent"));

    for (const wp of [a, b]) {
      await eventually(async () =>
        expect(await shownMessages(wp)).toEqual([
          expect.objectContaining({ author: "alice", seq: 1, text: expect.stringContaining("Hello Bob, this is Alice") }),
          expect.objectContaining({ author: "bob", seq: 2, text: expect.stringContaining("Hi Alice! Bob here.") }),
        ]),
      );
    }
    // data-status marks the viewer's own messages.
    expect(await messageWithText(a, "Hello Bob").getAttribute("data-status")).toBe("sent");
    expect(await messageWithText(b, "Hi Alice!").getAttribute("data-status")).toBe("sent");

    // The server stamped the authors and stored each message once.
    const stored = await transcript(server(), room);
    expect(stored.map((m) => [m.seq, m.user, m.name, m.text])).toEqual([
      [1, "alice", "Alice", "Hello Bob, this is Alice"],
      [2, "bob", "Bob", "Hi Alice! Bob here."],
    ]);
    await Promise.all([a.context.close(), b.context.close()]);
  });

  it("fires inapp-talk-message for live messages (others' and own once stored), not for history", async () => {
    const room = uniqueRoom();
    await seedMessages(server(), room, { user: "carol", name: "Carol" }, ["old one", "old two"]);
    const [a, b] = await pair(room);
    expect(await events(a.page, "inapp-talk-message")).toEqual([]);
    expect(await events(b.page, "inapp-talk-message")).toEqual([]);

    await send(a, "live message from alice");
    await waitForEvent(b.page, "inapp-talk-message");
    await waitForEvent(a.page, "inapp-talk-message");
    const [onB] = await events(b.page, "inapp-talk-message");
    const [onA] = await events(a.page, "inapp-talk-message");
    for (const e of [onA!, onB!]) {
      expect(e).toMatchObject({ bubbles: true, composed: true });
      expect(e.detail).toMatchObject({ seq: 3, user: "alice", name: "Alice", text: "live message from alice" });
      expect(typeof e.detail.id).toBe("string");
      expect(typeof e.detail.ts).toBe("number");
    }
    expect(onA!.detail.id).toBe(onB!.detail.id);
    await Promise.all([a.context.close(), b.context.close()]);
  });

  it("fires inapp-talk-ready once the first history page is on screen", async () => {
    const room = uniqueRoom();
    await seedMessages(server(), room, { user: "carol", name: "Carol" }, ["first", "second", "third"]);
    const token = await mintToken(server(), { user: "alice", name: "Alice", rooms: [room] });
    const a = await openWidget(browser(), { room, token });
    const [ready] = await events(a.page, "inapp-talk-ready");
    expect(ready!.messagesShown).toBe(3);
    expect((await shownMessages(a)).map((m) => [m.seq, m.author])).toEqual([
      [1, "carol"],
      [2, "carol"],
      [3, "carol"],
    ]);
    await a.context.close();
  });

  it("keeps history across a reload, in order, own messages marked sent", async () => {
    const room = uniqueRoom();
    const [a, b] = await pair(room);
    const texts = ["one from alice", "two from bob", "three from alice"];
    await send(a, texts[0]!);
    await messageWithText(b, texts[0]!).waitFor({ timeout: WAIT_MS });
    await send(b, texts[1]!);
    await messageWithText(a, texts[1]!).waitFor({ timeout: WAIT_MS });
    await send(a, texts[2]!);
    await messageWithText(b, texts[2]!).waitFor({ timeout: WAIT_MS });
    await eventually(async () => expect(await messageWithText(a, texts[2]!).getAttribute("data-status")).toBe("sent"));

    await a.ready(); // reload the host page
    const shown = await eventually(async () => {
      const s = await shownMessages(a);
      expect(s).toHaveLength(3);
      return s;
    });
    expect(shown.map((m) => [m.seq, m.author])).toEqual([
      [1, "alice"],
      [2, "bob"],
      [3, "alice"],
    ]);
    shown.forEach((m, i) => expect(m.text).toContain(texts[i]));
    expect(shown[0]!.status).toBe("sent");
    expect(shown[2]!.status).toBe("sent");
    // History pages are not live messages.
    expect(await events(a.page, "inapp-talk-message")).toEqual([]);

    // And the reloaded widget is live again.
    await send(b, "after the reload");
    await messageWithText(a, "after the reload").waitFor({ timeout: WAIT_MS });
    await Promise.all([a.context.close(), b.context.close()]);
  });

  it("loads older pages on scroll-up until the start, every message once and in order", async () => {
    const room = uniqueRoom();
    const total = HISTORY_PAGE_SIZE * 2 + 20;
    await seedMessages(
      server(),
      room,
      { user: "carol", name: "Carol" },
      Array.from({ length: total }, (_, i) => `history message #${i + 1}`),
    );
    const token = await mintToken(server(), { user: "alice", name: "Alice", rooms: [room] });
    const a = await openWidget(browser(), { room, token });
    const first = (await shownMessages(a)).map((m) => m.seq);
    // The join sends the newest JOIN_PAGE_SIZE; a panel that page does not fill asks for older pages by
    // itself, so what shows first is at least that, newest first and without gaps, and fills the list.
    expect(first.length).toBeGreaterThanOrEqual(JOIN_PAGE_SIZE);
    expect(first).toEqual(Array.from({ length: first.length }, (_, i) => total - first.length + 1 + i));
    await eventually(async () => {
      const { scrollHeight, clientHeight } = await a
        .part("messages")
        .first()
        .evaluate((el) => ({ scrollHeight: el.scrollHeight, clientHeight: el.clientHeight }));
      expect(scrollHeight).toBeGreaterThan(clientHeight);
    });

    const list = a.part("messages").first();
    await eventually(async () => {
      await list.evaluate((el) => el.scrollTo({ top: 0 }));
      const seqs = (await shownMessages(a)).map((m) => m.seq);
      expect(seqs[0]).toBe(1);
    }, 60_000);
    const shown = await shownMessages(a);
    expect(shown.map((m) => m.seq)).toEqual(Array.from({ length: total }, (_, i) => i + 1));
    shown.forEach((m, i) => expect(m.text).toContain(`history message #${i + 1}`));
    await a.context.close();
  });

  it("accepts MAX_TEXT_LENGTH characters counted as code points (emoji count once) and refuses one more without storing it", async () => {
    const room = uniqueRoom();
    const token = await mintToken(server(), { user: "alice", name: "Alice", rooms: [room] });
    const a = await openWidget(browser(), { room, token });
    const longest = "😀".repeat(MAX_TEXT_LENGTH);
    await send(a, longest);
    await eventually(async () => expect((await transcript(server(), room)).map((m) => [...m.text].length)).toEqual([MAX_TEXT_LENGTH]));

    await send(a, "x".repeat(MAX_TEXT_LENGTH + 1));
    // A later message is the barrier: by the time it is stored, the long one would have been too.
    await send(a, "after the long one");
    await eventually(async () => expect(await messageWithText(a, "after the long one").getAttribute("data-status")).toBe("sent"));
    const stored = await transcript(server(), room);
    expect(stored.map((m) => m.text)).not.toContain("x".repeat(MAX_TEXT_LENGTH + 1));
    expect(stored.filter((m) => [...m.text].length > MAX_TEXT_LENGTH)).toEqual([]);
    expect(stored.at(-1)?.text).toBe("after the long one");
    expect(
      await a.messages.filter({ hasText: "x".repeat(MAX_TEXT_LENGTH + 1) }).evaluateAll((els) => els.map((e) => e.getAttribute("data-status"))),
    ).not.toContain("sent");
    await a.context.close();
  });

  it("a user's second tab sees the messages sent from the first as their own", async () => {
    const room = uniqueRoom();
    const token = await mintToken(server(), { user: "alice", name: "Alice", rooms: [room] });
    const tab1 = await openWidget(browser(), { room, token });
    const tab2page = await tab1.context.newPage();
    await tab2page.goto(tab1.page.url());
    await waitForEvent(tab2page, "inapp-talk-ready");
    await send(tab1, "from my first tab");
    const there = tab2page.locator("inapp-talk").locator('[part~="message"]').filter({ hasText: "from my first tab" });
    await there.waitFor({ timeout: WAIT_MS });
    expect(await there.getAttribute("data-author")).toBe("alice");
    expect(await there.getAttribute("data-seq")).toBe("1");
    await eventually(async () => expect(await there.getAttribute("data-status")).toBe("sent"));
    await tab1.context.close();
  });
});
