// Issue 4: presence, typing, read receipts, the launcher with its unread badge, Korean strings
// and the full-screen layout on a phone-sized viewport.
import type { Locator } from "playwright-core";
import { describe, expect, it } from "vitest";
import { inject } from "vitest";
import { mintToken, seedMessages, uniqueRoom } from "./support/api.ts";
import { events, eventually, useBrowser, messageWithText, openWidget, send, WAIT_MS, type OpenOptions, type WidgetPage } from "./support/browser.ts";

const server = () => inject("serverOrigin");

const browser = useBrowser();

const USERS = {
  alice: { user: "alice", name: "Alice" },
  bob: { user: "bob", name: "Bob" },
  carol: { user: "carol", name: "Carol" },
} as const;

async function join(room: string, who: keyof typeof USERS, o: Partial<OpenOptions> = {}): Promise<WidgetPage> {
  const token = await mintToken(server(), { ...USERS[who], rooms: [room] });
  return openWidget(browser(), { room, token, ...o });
}

/** Text a user or a screen reader gets from these elements: their text plus labels and titles inside them. */
const textOf = (l: Locator) =>
  l.evaluateAll((els) =>
    els
      .map((e) => {
        const labels = [e, ...e.querySelectorAll("*")].flatMap((x) => [x.getAttribute("aria-label"), x.getAttribute("title")]).filter(Boolean);
        return [e.textContent ?? "", ...labels].join(" ");
      })
      .join(" "),
  );
const HANGUL = /[\uac00-\ud7a3]/;

/** Accessible strings of the widget's own UI (labels, placeholders, titles and visible text). */
const uiStrings = (wp: WidgetPage) =>
  wp.widget.evaluate((host) => {
    const out: string[] = [];
    const walk = (root: ShadowRoot | Element) => {
      root.querySelectorAll("*").forEach((el) => {
        if (el.closest('[part~="message"]')) return; // user content is not UI text
        for (const a of ["aria-label", "placeholder", "title"]) {
          const v = el.getAttribute(a);
          if (v) out.push(v);
        }
        for (const n of el.childNodes) if (n.nodeType === Node.TEXT_NODE && n.textContent!.trim()) out.push(n.textContent!.trim());
        if (el.shadowRoot) walk(el.shadowRoot);
      });
    };
    walk(host.shadowRoot!);
    return out;
  });

async function isShown(l: Locator): Promise<boolean> {
  return (await l.count()) > 0 && (await l.first().isVisible());
}

/** Closes an open launcher panel the way a user would: its close control, else the bubble. */
async function closePanel(wp: WidgetPage) {
  const close = wp.widget.getByRole("button", { name: /close chat|닫기/i });
  if (await isShown(close)) await close.first().click();
  else await wp.part("launcher").first().click();
}

describe("presence", () => {
  it("shows who is online by name, counts several tabs of one user once, and sees a leave", async () => {
    const room = uniqueRoom();
    const a = await join(room, "alice");
    const b = await join(room, "bob");
    await eventually(async () => expect(await textOf(a.part("presence"))).toContain("Bob"));
    await eventually(async () => expect(await textOf(b.part("presence"))).toContain("Alice"));

    // Bob opens a second tab: still one Bob.
    const b2 = await b.context.newPage();
    await b2.goto(b.page.url());
    await b2.waitForFunction(() => (window as any).__events?.some((e: { type: string }) => e.type === "inapp-talk-ready"), null, { timeout: WAIT_MS });
    // Carol joins after Bob's second tab: once Alice sees Carol, she has seen whatever that tab changed.
    const c = await join(room, "carol");
    await eventually(async () => expect(await textOf(a.part("presence"))).toContain("Carol"));
    const names = (await textOf(a.part("presence"))).match(/Bob/g) ?? [];
    expect(names.length).toBeLessThanOrEqual(1);
    // When the presence part shows a count instead of names, it counts people, not tabs.
    const count = /(\d+)/.exec(await textOf(a.part("presence")));
    if (count) expect(Number(count[1])).toBeLessThanOrEqual(3);

    // Bob closes everything: Alice sees him leave.
    await b.context.close();
    await eventually(async () => expect(await textOf(a.part("presence"))).not.toContain("Bob"), 60_000);
    await Promise.all([a.context.close(), c.context.close()]);
  });
});

describe("typing", () => {
  it("shows who is typing and clears it by itself", async () => {
    const room = uniqueRoom();
    const a = await join(room, "alice");
    const b = await join(room, "bob");
    await b.part("input").click();
    await b.page.keyboard.type("I am typ", { delay: 50 });
    await eventually(async () => expect(await textOf(a.part("typing"))).toContain("Bob"));
    // Bob stops typing without sending: the indicator expires on its own.
    await eventually(async () => expect(await textOf(a.part("typing"))).not.toContain("Bob"), 60_000);
    await Promise.all([a.context.close(), b.context.close()]);
  });
});

describe("read receipts", () => {
  it("1:1: the sender sees 'seen' once the other opens the conversation, and it is stored", async () => {
    const room = uniqueRoom();
    // Bob has been in the room before: a two-member (1:1) conversation.
    await seedMessages(server(), room, USERS.bob, ["hi Alice"]);
    const a = await join(room, "alice");
    await send(a, "are you there?");
    const mine = messageWithText(a, "are you there?");
    await eventually(async () => expect(await mine.getAttribute("data-status")).toBe("sent"));
    const receipt = () => textOf(mine.locator('[part~="receipt"]'));
    expect(await receipt()).not.toMatch(/seen/i);

    const b = await join(room, "bob");
    await messageWithText(b, "are you there?").waitFor({ timeout: WAIT_MS });
    await eventually(async () => expect(await receipt()).toMatch(/seen/i));

    // Stored: a reload still shows it.
    await a.ready();
    await eventually(async () => expect(await textOf(messageWithText(a, "are you there?").locator('[part~="receipt"]'))).toMatch(/seen/i));
    await Promise.all([a.context.close(), b.context.close()]);
  });

  it("group: the sender sees who has seen the message", async () => {
    const room = uniqueRoom();
    await seedMessages(server(), room, USERS.bob, ["hello all"]);
    await seedMessages(server(), room, USERS.carol, ["hi"]);
    const a = await join(room, "alice");
    await send(a, "group question");
    const mine = messageWithText(a, "group question");
    await eventually(async () => expect(await mine.getAttribute("data-status")).toBe("sent"));
    const b = await join(room, "bob");
    await messageWithText(b, "group question").waitFor({ timeout: WAIT_MS });
    await eventually(async () => expect(await textOf(mine.locator('[part~="receipt"]'))).toContain("Bob"));
    expect(await textOf(mine.locator('[part~="receipt"]'))).not.toContain("Carol");
    await Promise.all([a.context.close(), b.context.close()]);
  });
});

describe("launcher layout", () => {
  it("a bubble opens and closes the panel; the badge and inapp-talk-unread count unread messages", async () => {
    const room = uniqueRoom();
    const a = await join(room, "alice");
    const b = await join(room, "bob", { attrs: { layout: "launcher", muted: "" } });
    const launcher = b.part("launcher").first();
    await launcher.waitFor({ state: "visible" });
    expect(await isShown(b.part("panel"))).toBe(false);

    await send(a, "first unread");
    await send(a, "second unread");
    await eventually(async () => expect((await textOf(b.part("badge"))).trim()).toBe("2"));
    await eventually(async () => expect((await events(b.page, "inapp-talk-unread")).at(-1)?.detail).toEqual({ count: 2 }));
    expect(await b.part("badge").first().isVisible()).toBe(true);

    await launcher.click();
    await b.part("panel").first().waitFor({ state: "visible" });
    await messageWithText(b, "second unread").waitFor({ state: "visible" });
    await eventually(async () => expect((await events(b.page, "inapp-talk-unread")).at(-1)?.detail).toEqual({ count: 0 }));
    await eventually(async () => expect((await isShown(b.part("badge"))) && (await textOf(b.part("badge"))).trim() !== "0").toBe(false));

    await closePanel(b);
    await b.part("panel").first().waitFor({ state: "hidden" });
    await launcher.waitFor({ state: "visible" });

    // A message while closed counts again.
    await send(a, "third unread");
    await eventually(async () => expect((await textOf(b.part("badge"))).trim()).toBe("1"));
    await Promise.all([a.context.close(), b.context.close()]);
  });

  it("fills a narrow (phone) viewport when open", async () => {
    const room = uniqueRoom();
    const viewport = { width: 375, height: 667 };
    const b = await join(room, "bob", { attrs: { layout: "launcher" }, viewport });
    await b.part("launcher").first().click();
    const panel = b.part("panel").first();
    await panel.waitFor({ state: "visible" });
    await eventually(async () => {
      const box = (await panel.boundingBox())!;
      expect(box.x).toBeLessThanOrEqual(1);
      expect(box.y).toBeLessThanOrEqual(1);
      expect(box.x + box.width).toBeGreaterThanOrEqual(viewport.width - 1);
      expect(box.y + box.height).toBeGreaterThanOrEqual(viewport.height - 1);
    });
    // Full screen is modal: Tab cycles inside the panel instead of reaching the page behind it.
    const focusInPanel = () =>
      b.page.evaluate(
        () =>
          document.querySelector("inapp-talk")?.shadowRoot?.activeElement?.closest("[part~=panel]") !== null &&
          document.activeElement?.tagName === "INAPP-TALK",
      );
    await b.part("send").first().focus();
    for (let i = 0; i < 12; i++) {
      await b.page.keyboard.press("Tab");
      expect(await focusInPanel()).toBe(true);
    }
    // And it can still be closed on a phone.
    await closePanel(b);
    await panel.waitFor({ state: "hidden" });
    await b.context.close();
  });
});

describe("languages", () => {
  it("lang=ko shows Korean UI strings and switching lang to en switches live", async () => {
    const room = uniqueRoom();
    const a = await join(room, "alice", { attrs: { lang: "ko" } });
    const ko = await uiStrings(a);
    expect(ko.filter((s) => HANGUL.test(s)).length).toBeGreaterThan(0);
    const sendKo = await a
      .part("send")
      .first()
      .evaluate((el) => `${el.getAttribute("aria-label") ?? ""} ${el.textContent ?? ""}`);
    expect(sendKo).toMatch(HANGUL);
    const placeholderKo = (await a.part("input").first().getAttribute("placeholder")) ?? (await a.part("input").first().getAttribute("aria-label")) ?? "";
    expect(placeholderKo).toMatch(HANGUL);

    await a.widget.evaluate((el) => el.setAttribute("lang", "en"));
    await eventually(async () => expect((await uiStrings(a)).filter((s) => HANGUL.test(s))).toEqual([]));
    await a.widget.evaluate((el) => el.setAttribute("lang", "ko"));
    await eventually(async () =>
      expect(
        await a
          .part("send")
          .first()
          .evaluate((el) => `${el.getAttribute("aria-label") ?? ""} ${el.textContent ?? ""}`),
      ).toMatch(HANGUL),
    );
    await a.context.close();
  });

  it("lang=en has no Korean UI strings", async () => {
    const room = uniqueRoom();
    const a = await join(room, "alice", { attrs: { lang: "en" } });
    expect((await uiStrings(a)).filter((s) => HANGUL.test(s))).toEqual([]);
    await a.context.close();
  });
});

describe("theming", () => {
  const luminance = (rgb: string) => {
    const [r, g, b] = (rgb.match(/[\d.]+/g) ?? []).map(Number);
    return 0.2126 * r! + 0.7152 * g! + 0.0722 * b!;
  };
  const panelBackground = (wp: WidgetPage) =>
    wp
      .part("panel")
      .first()
      .evaluate((el) => getComputedStyle(el).backgroundColor);

  it("theme=dark is darker than theme=light, and auto follows the system preference", async () => {
    const room = uniqueRoom();
    const light = await join(room, "alice", { attrs: { theme: "light" } });
    const dark = await join(room, "bob", { attrs: { theme: "dark" } });
    const autoDark = await join(room, "carol", { attrs: { theme: "auto" }, colorScheme: "dark" });
    const autoLight = await join(room, "alice", { attrs: { theme: "auto" }, colorScheme: "light" });
    const [l, d, ad, al] = await Promise.all([light, dark, autoDark, autoLight].map(panelBackground));
    expect(luminance(d!)).toBeLessThan(luminance(l!));
    expect(ad).toBe(d);
    expect(al).toBe(l);
    await Promise.all([light, dark, autoDark, autoLight].map((w) => w.context.close()));
  });

  it("--inapp-talk-* custom properties set by the host reach the widget (accent, font)", async () => {
    const room = uniqueRoom();
    const css = `inapp-talk { --inapp-talk-accent: rgb(12, 34, 56); --inapp-talk-font: "Host Test Font", serif; }`;
    const a = await join(room, "alice", { css });
    await send(a, "styled by the host");
    await eventually(async () => expect(await messageWithText(a, "styled by the host").getAttribute("data-status")).toBe("sent"));
    const found = await a.widget.evaluate((host) => {
      const colors = new Set<string>();
      const fonts = new Set<string>();
      host.shadowRoot!.querySelectorAll("*").forEach((el) => {
        const cs = getComputedStyle(el);
        colors.add(cs.backgroundColor);
        colors.add(cs.color);
        fonts.add(cs.fontFamily);
      });
      return { colors: [...colors], fonts: [...fonts] };
    });
    expect(found.colors).toContain("rgb(12, 34, 56)");
    expect(found.fonts.some((f) => f.includes("Host Test Font"))).toBe(true);
    await a.context.close();
  });
});
