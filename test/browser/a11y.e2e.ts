// Issue 4: axe-core in Chromium finds no serious or critical violations in the inline and
// launcher layouts, light and dark, with real content on screen (own and others' messages, a
// link, a receipt, presence).
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { inject } from "vitest";
import { mintToken, seedMessages, uniqueRoom } from "./support/api.ts";
import { eventually, useBrowser, messageWithText, openWidget, send, WAIT_MS, type WidgetPage } from "./support/browser.ts";
import { REPO_ROOT } from "./support/paths.ts";

const server = () => inject("serverOrigin");
const AXE = join(REPO_ROOT, "node_modules/axe-core/axe.min.js");

const browser = useBrowser();

interface Violation {
  id: string;
  impact: string | null;
  help: string;
  nodes: Array<{ target: unknown; failureSummary?: string }>;
}

async function seriousViolations(wp: WidgetPage): Promise<string[]> {
  await wp.page.addScriptTag({ path: AXE });
  const violations: Violation[] = await wp.page.evaluate(async () => {
    const r = await (window as any).axe.run(document, { resultTypes: ["violations"] });
    return r.violations;
  });
  return violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => `${v.impact} ${v.id}: ${v.help} — ${v.nodes.map((n) => `${JSON.stringify(n.target)} ${n.failureSummary ?? ""}`).join(" | ")}`);
}

async function conversation(theme: string, layout: string): Promise<WidgetPage> {
  const room = uniqueRoom("a11y");
  await seedMessages(server(), room, { user: "bob", name: "Bob" }, ["Hello! Details at https://example.com/order/42", "Any questions?"]);
  const token = await mintToken(server(), { user: "alice", name: "Alice", rooms: [room] });
  const a = await openWidget(browser(), { room, token, attrs: { theme, layout, lang: "en", muted: "" }, colorScheme: theme === "dark" ? "dark" : "light" });
  if (layout === "launcher") {
    await a.part("launcher").first().click();
    await a.part("panel").first().waitFor({ state: "visible" });
  }
  await send(a, "Yes: when does it ship?");
  await eventually(async () => expect(await messageWithText(a, "when does it ship?").getAttribute("data-status")).toBe("sent"));
  await a.part("input").first().fill("draft text");
  return a;
}

describe("accessibility (axe-core)", () => {
  for (const layout of ["inline", "launcher"]) {
    for (const theme of ["light", "dark"]) {
      it(`${layout} layout, ${theme} theme: no serious or critical violations`, async () => {
        const a = await conversation(theme, layout);
        expect(await seriousViolations(a)).toEqual([]);
        await a.context.close();
      });
    }
  }

  it("launcher layout while closed (the bubble with its badge): no serious or critical violations", async () => {
    const room = uniqueRoom("a11y");
    const [ta, tb] = await Promise.all([
      mintToken(server(), { user: "alice", name: "Alice", rooms: [room] }),
      mintToken(server(), { user: "bob", name: "Bob", rooms: [room] }),
    ]);
    const a = await openWidget(browser(), { room, token: ta, attrs: { layout: "launcher", lang: "en", muted: "" } });
    const b = await openWidget(browser(), { room, token: tb });
    await send(b, "ping");
    await a.part("badge").first().waitFor({ state: "visible", timeout: WAIT_MS });
    expect(await seriousViolations(a)).toEqual([]);
    await Promise.all([a.context.close(), b.context.close()]);
  });

  it("can be used with the keyboard only: focus reaches the input, Enter sends", async () => {
    const room = uniqueRoom("a11y");
    const token = await mintToken(server(), { user: "alice", name: "Alice", rooms: [room] });
    const a = await openWidget(browser(), { room, token, attrs: { lang: "en" } });
    // Tab from the top of the host page until the widget's input has focus.
    let reached = false;
    for (let i = 0; i < 30 && !reached; i++) {
      await a.page.keyboard.press("Tab");
      reached = await a
        .part("input")
        .first()
        .evaluate((el) => el.matches(":focus"));
    }
    expect(reached).toBe(true);
    await a.page.keyboard.type("sent from the keyboard");
    await a.page.keyboard.press("Enter");
    await eventually(async () => expect(await messageWithText(a, "sent from the keyboard").getAttribute("data-status")).toBe("sent"));
    await a.context.close();
  });

  it("announces new messages from others in a live region", async () => {
    const room = uniqueRoom("a11y");
    const [ta, tb] = await Promise.all([
      mintToken(server(), { user: "alice", name: "Alice", rooms: [room] }),
      mintToken(server(), { user: "bob", name: "Bob", rooms: [room] }),
    ]);
    const a = await openWidget(browser(), { room, token: ta, attrs: { lang: "en" } });
    const b = await openWidget(browser(), { room, token: tb, attrs: { lang: "en" } });
    await send(b, "announce me please");
    await eventually(async () => {
      const live = await a.widget.evaluate((host) =>
        [...host.shadowRoot!.querySelectorAll('[aria-live]:not([aria-live="off"]), [role="log"], [role="status"], [role="alert"]')]
          .map((el) => el.textContent ?? "")
          .join(" | "),
      );
      expect(live).toContain("announce me please");
    });
    await Promise.all([a.context.close(), b.context.close()]);
  });

  it("the launcher opens from the keyboard", async () => {
    const room = uniqueRoom("a11y");
    const token = await mintToken(server(), { user: "alice", name: "Alice", rooms: [room] });
    const a = await openWidget(browser(), { room, token, attrs: { layout: "launcher", lang: "en", muted: "" } });
    let reached = false;
    for (let i = 0; i < 30 && !reached; i++) {
      await a.page.keyboard.press("Tab");
      reached = await a
        .part("launcher")
        .first()
        .evaluate((el) => el.matches(":focus, :focus-within"));
    }
    expect(reached).toBe(true);
    await a.page.keyboard.press("Enter");
    await a.part("panel").first().waitFor({ state: "visible" });
    await a.context.close();
  });
});
