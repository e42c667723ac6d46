import { describe, expect, it } from "vitest";
import { answerUrl, parsePushData, parsePushPayload, samePage, serverOrigin } from "./payload.ts";

const ring = {
  web_push: 8030,
  mutable: true,
  notification: {
    title: "Bob is calling",
    body: "Voice call",
    navigate: "https://shop.example/item/7?x=1",
    tag: "inapp-talk:r1:call",
    lang: "ko",
    requireInteraction: true,
    actions: [
      { action: "answer", title: "Answer" },
      { action: "decline", title: "Decline" },
      { action: "open-evil", title: "x" },
    ],
    data: { room: "r1", kind: "ring", call: "c1", declineToken: "tok" },
  },
};

describe("declarative push payload", () => {
  it("reads a ring with its actions, dropping unknown ones", () => {
    const n = parsePushPayload(ring);
    expect(n).toEqual({
      title: "Bob is calling",
      body: "Voice call",
      navigate: "https://shop.example/item/7?x=1",
      tag: "inapp-talk:r1:call",
      lang: "ko",
      requireInteraction: true,
      silent: false,
      actions: [
        { action: "answer", title: "Answer" },
        { action: "decline", title: "Decline" },
      ],
      data: { room: "r1", kind: "ring", call: "c1", declineToken: "tok" },
    });
  });

  it("is not ours without the magic number, a notification, a data.room or a known kind", () => {
    expect(parsePushPayload({ ...ring, web_push: 8031 })).toBeNull();
    expect(parsePushPayload({ web_push: 8030 })).toBeNull();
    expect(parsePushPayload({ ...ring, notification: { ...ring.notification, data: { kind: "message" } } })).toBeNull();
    expect(parsePushPayload({ ...ring, notification: { ...ring.notification, data: { room: "r1", kind: "poke" } } })).toBeNull();
    expect(parsePushPayload("hello")).toBeNull();
    expect(parsePushPayload(null)).toBeNull();
  });

  it("never carries a non-web URL to open", () => {
    for (const navigate of ["javascript:alert(1)", "data:text/html,x", "not a url", 7]) {
      expect(parsePushPayload({ ...ring, notification: { ...ring.notification, navigate } })).toBeNull();
    }
  });

  it("defaults what is optional", () => {
    const n = parsePushPayload({
      web_push: 8030,
      notification: { title: "T", navigate: "http://127.0.0.1:1/p", tag: "t", data: { room: "r", kind: "message" } },
    });
    expect(n).toMatchObject({ body: "", requireInteraction: false, silent: false, actions: [] });
    expect(n && "lang" in n).toBe(false);
  });

  it("reads a ring's quiet replacement once it was answered or declined", () => {
    for (const kind of ["answered", "declined"]) {
      const n = parsePushPayload({
        web_push: 8030,
        notification: {
          title: "Bob",
          body: "Call answered",
          navigate: "https://shop.example/",
          tag: "t1",
          silent: true,
          data: { room: "r1", kind, call: "c1" },
        },
      });
      expect(n).toMatchObject({ silent: true, requireInteraction: false, actions: [], data: { room: "r1", kind, call: "c1" } });
    }
  });

  it("keeps only known data fields of the right type", () => {
    expect(parsePushData({ room: "r", kind: "missed", call: 5, declineToken: "t", extra: 1 })).toEqual({ room: "r", kind: "missed", declineToken: "t" });
  });
});

describe("urls", () => {
  it("adds the answer hint as the fragment", () => {
    expect(answerUrl("https://shop.example/p?q=1#top", "c/1")).toBe("https://shop.example/p?q=1#inapp-talk-answer=c%2F1");
  });

  it("compares pages without their fragment", () => {
    expect(samePage("https://a.example/p#x", "https://a.example/p")).toBe(true);
    expect(samePage("https://a.example/p?x=1", "https://a.example/p")).toBe(false);
  });

  it("finds the chat server in the worker URL, else in the host's global, as an origin", () => {
    expect(serverOrigin("https://shop.example/inapp-talk-sw.js?server=https%3A%2F%2Ftalk.example%2Fx", undefined)).toBe("https://talk.example");
    expect(serverOrigin("https://shop.example/sw.js", "https://talk.example")).toBe("https://talk.example");
    expect(serverOrigin("https://shop.example/sw.js?server=javascript:1", "ftp://x")).toBeNull();
  });
});
