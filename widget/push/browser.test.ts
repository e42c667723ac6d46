import { describe, expect, it } from "vitest";
import { base64url, madeWithKey, workerPlace } from "./browser.ts";

describe("where the push worker lives", () => {
  const page = "https://shop.example/items/7?x=1";

  it("defaults to /inapp-talk-sw.js with a scope no page uses, and tells the worker the chat server", () => {
    expect(workerPlace(null, null, "https://talk.example", page)).toEqual({
      url: "https://shop.example/inapp-talk-sw.js?server=https%3A%2F%2Ftalk.example",
      scope: "https://shop.example/inapp-talk-sw/",
    });
  });

  it("puts the default scope next to a worker served elsewhere, and takes an explicit scope from the page", () => {
    expect(workerPlace("/static/push.js", null, "https://talk.example", page).scope).toBe("https://shop.example/static/inapp-talk-sw/");
    expect(workerPlace("/sw.js", "/", "https://talk.example", page)).toEqual({
      url: "https://shop.example/sw.js?server=https%3A%2F%2Ftalk.example",
      scope: "https://shop.example/",
    });
  });

  it("decodes the base64url VAPID key to its 65 bytes", () => {
    const key = "BCVxsr7N_eNgVRqvHtD0zTZsEc6-VV-JvLexhqUzORcxaOzi6-AYWXvTBHm4bjyPjs7Vd8pZGH6SRpkNtoIAiw4";
    const bytes = base64url(key);
    expect(bytes.length).toBe(65);
    expect(bytes[0]).toBe(4);
    expect(
      btoa(String.fromCharCode(...bytes))
        .replace(/\+/g, "-")
        .replace(/\//g, "_")
        .replace(/=+$/, ""),
    ).toBe(key);
  });

  it("tells a subscription made with another VAPID key (the server's keys were replaced)", () => {
    const key = "BCVxsr7N_eNgVRqvHtD0zTZsEc6-VV-JvLexhqUzORcxaOzi6-AYWXvTBHm4bjyPjs7Vd8pZGH6SRpkNtoIAiw4";
    const sub = (k: Uint8Array | null) => ({ options: { applicationServerKey: k?.buffer ?? null } }) as unknown as PushSubscription;
    expect(madeWithKey(sub(base64url(key)), key)).toBe(true);
    const other = base64url(key);
    other[10] = other[10]! ^ 1;
    expect(madeWithKey(sub(other), key)).toBe(false);
    expect(madeWithKey(sub(null), key)).toBe(true);
  });
});
