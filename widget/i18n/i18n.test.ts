import { describe, expect, it } from "vitest";
import { chat } from "./en/chat.ts";
import { inbox } from "./en/inbox.ts";
import { launcher } from "./en/launcher.ts";
import { push } from "./en/push.ts";
import koChat from "./ko/chat.ts";
import koInbox from "./ko/inbox.ts";
import koLauncher from "./ko/launcher.ts";
import koPush from "./ko/push.ts";
import { formatDay, loadLang, resolveLang, t } from "./index.ts";

describe("i18n", () => {
  it("has every key of each feature in both languages, with the same placeholders", () => {
    const holes = (s: string) => (s.match(/\{\w+\}/g) ?? []).sort();
    for (const [en, ko] of [
      [chat, koChat],
      [launcher, koLauncher],
      [inbox, koInbox],
      [push, koPush],
    ] as Array<[Record<string, string>, Record<string, string>]>) {
      expect(Object.keys(ko).sort()).toEqual(Object.keys(en).sort());
      for (const key of Object.keys(en)) {
        expect(ko[key]!.trim(), key).not.toBe("");
        expect(holes(ko[key]!), key).toEqual(holes(en[key]!));
      }
    }
  });

  it("resolves the language from the attribute, then the browser", () => {
    expect(resolveLang("ko", "en-US")).toBe("ko");
    expect(resolveLang(null, "ko-KR")).toBe("ko");
    expect(resolveLang("fr", "de")).toBe("en");
    expect(resolveLang("", "EN-gb")).toBe("en");
  });

  it("shows English until Korean is loaded, then fills placeholders and formats days per locale", async () => {
    expect(t("ko", "receipt.seenBy", { count: 3 })).toBe("Seen by 3");
    await loadLang("ko");
    expect(t("en", "receipt.seenBy", { count: 3 })).toBe("Seen by 3");
    expect(t("ko", "receipt.seenBy", { count: 3 })).toBe("3명 읽음");
    const now = new Date(2026, 10, 21, 15).getTime();
    expect(formatDay("ko", now - 3600_000, now)).toBe("오늘");
    expect(formatDay("en", now - 86_400_000, now)).toBe("Yesterday");
  });
});
