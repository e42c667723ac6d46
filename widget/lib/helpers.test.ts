import { describe, expect, it } from "vitest";
import type { ChatMessage } from "../../protocol/index.ts";
import { decodeJwt, refreshAt, tokenExpiry } from "./jwt.ts";
import { linkify } from "./linkify.ts";
import { highestSeq, mergeBySeq, normalize, oldestSeq } from "./message-list.ts";
import { Outbox } from "./outbox.ts";

const msg = (seq: number, text = `m${seq}`): ChatMessage => ({ seq, id: `id-${seq}-xxxx`, user: "u1", name: "A", kind: "text", text, ts: seq * 1000 });

describe("linkify", () => {
  it("links http and https only", () => {
    expect(linkify("see https://example.com/a?b=1 now")).toEqual([
      { text: "see " },
      { text: "https://example.com/a?b=1", href: "https://example.com/a?b=1" },
      { text: " now" },
    ]);
    expect(linkify("http://x.io").map((s) => s.href)).toEqual(["http://x.io/"]);
  });

  it("leaves other schemes and markup as text", () => {
    for (const text of ["javascript:alert(1)", "data:text/html,<b>x</b>", "<img src=x onerror=alert(1)>", "ftp://x.io", "JaVaScRiPt:alert(1)//https://x"]) {
      const segments = linkify(text);
      expect(segments.map((s) => s.text).join("")).toBe(text);
      for (const s of segments) if (s.href) expect(s.href).toMatch(/^https?:\/\//);
    }
    expect(linkify("javascript:alert(1)")).toEqual([{ text: "javascript:alert(1)" }]);
  });

  it("trims sentence punctuation but keeps balanced parentheses", () => {
    expect(linkify("go to https://a.com/x.")[1]).toEqual({ text: "https://a.com/x", href: "https://a.com/x" });
    expect(linkify("(https://a.com/x)")[1]?.text).toBe("https://a.com/x");
    expect(linkify("https://en.wikipedia.org/wiki/Foo_(bar)")[0]?.text).toBe("https://en.wikipedia.org/wiki/Foo_(bar)");
  });

  it("does not break quotes out of an attribute", () => {
    const [link] = linkify('https://a.com/"onmouseover="x');
    expect(link?.href).toBe("https://a.com/");
  });

  it("keeps text around several links intact", () => {
    const text = "a https://x.com b http://y.com/p c";
    expect(
      linkify(text)
        .map((s) => s.text)
        .join(""),
    ).toBe(text);
    expect(linkify(text).filter((s) => s.href)).toHaveLength(2);
  });
});

describe("message list", () => {
  it("appends newer messages and ignores duplicates", () => {
    const list = [msg(1), msg(2)];
    expect(mergeBySeq(list, [msg(3)]).map((m) => m.seq)).toEqual([1, 2, 3]);
    expect(mergeBySeq(list, [msg(2)])).toBe(list);
    expect(mergeBySeq(list, [])).toBe(list);
  });

  it("merges overlapping and out-of-order pages by seq", () => {
    const merged = mergeBySeq([msg(5), msg(6)], [msg(7), msg(3), msg(6), msg(4)]);
    expect(merged.map((m) => m.seq)).toEqual([3, 4, 5, 6, 7]);
    expect(normalize([msg(2), msg(1), msg(2)]).map((m) => m.seq)).toEqual([1, 2]);
  });

  it("knows its ends", () => {
    expect(highestSeq([])).toBe(0);
    expect(oldestSeq([])).toBeNull();
    expect(highestSeq([msg(4), msg(9)])).toBe(9);
    expect(oldestSeq([msg(4), msg(9)])).toBe(4);
  });
});

describe("outbox", () => {
  let n = 0;
  const box = () => new Outbox(() => `client-id-${++n}`);

  it("keeps order, fails, retries and settles", () => {
    const o = box();
    const a = o.add("a", 1);
    const b = o.add("b", 2);
    expect(o.pending().map((m) => m.text)).toEqual(["a", "b"]);
    o.fail(a.id, "text_too_long", "too long");
    expect(o.get(a.id)?.status).toBe("failed");
    expect(o.pending().map((m) => m.text)).toEqual(["b"]);
    expect(o.retry(a.id)?.status).toBe("pending");
    expect(o.retry(a.id)?.id).toBe(a.id);
    expect(o.take(b.id)?.text).toBe("b");
    expect(o.take(b.id)).toBeUndefined();
    expect(o.settle([a.id, "other"])).toBe(true);
    expect(o.size).toBe(0);
  });
});

describe("jwt", () => {
  const b64url = (v: unknown) =>
    btoa(String.fromCharCode(...new TextEncoder().encode(JSON.stringify(v))))
      .replace(/\+/g, "-")
      .replace(/\//g, "_")
      .replace(/=+$/, "");
  const jwt = (claims: unknown) => `${b64url({ alg: "HS256" })}.${b64url(claims)}.sig`;

  it("decodes claims including non-ASCII names", () => {
    expect(decodeJwt(jwt({ sub: "u1", name: "김민지", exp: 100 }))).toEqual({ sub: "u1", name: "김민지", exp: 100 });
    expect(tokenExpiry(jwt({ exp: 100 }))).toBe(100_000);
  });

  it("tolerates garbage", () => {
    for (const bad of ["", "abc", "a.b.c", "a.!!!.c", `x.${b64url([1])}.y`, `x.${b64url("s")}.y`]) expect(decodeJwt(bad)).toBeNull();
    expect(tokenExpiry("nope")).toBeNull();
  });

  it("refreshes a minute early, or halfway through short tokens", () => {
    expect(refreshAt(jwt({ iat: 0, exp: 3600 }))).toBe(3540_000);
    expect(refreshAt(jwt({ iat: 0, exp: 60 }))).toBe(30_000);
    expect(refreshAt(jwt({ sub: "x" }))).toBeNull();
  });
});
