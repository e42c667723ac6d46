import { describe, expect, it } from "vitest";
import { resolveServer, sessionConfig, sessionKey, type Attributes } from "./config.ts";

const base = "https://shop.example/page";
const attrs = (a: Partial<Attributes>): Attributes => ({ room: "r1", server: "", token: "", tokenUrl: "", guest: false, name: "", ...a });
const describeErr = (d: string) => `bad ${d}`;

describe("config", () => {
  it("defaults the server to the script's origin and normalises to an origin", () => {
    expect(resolveServer("", "https://chat.example", base)).toBe("https://chat.example");
    expect(resolveServer("https://other.example/x/y", "https://chat.example", base)).toBe("https://other.example");
    expect(resolveServer("http://[bad", "https://chat.example", base)).toBe("");
  });

  it("picks token, then token-url (resolved against the page), then guest", () => {
    const server = "https://chat.example";
    expect(sessionConfig(attrs({ token: "t", tokenUrl: "/tok", guest: true, name: "A" }), server, describeErr, base)).toMatchObject({
      credentials: { kind: "token", token: "t" },
    });
    expect(sessionConfig(attrs({ tokenUrl: "/tok" }), server, describeErr, base)).toMatchObject({
      credentials: { kind: "url", url: "https://shop.example/tok" },
    });
    expect(sessionConfig(attrs({ guest: true, name: "  Ann  " }), server, describeErr, base)).toMatchObject({ credentials: { kind: "guest", name: "Ann" } });
    // A guest without a name waits (the widget asks for one).
    expect(sessionConfig(attrs({ guest: true }), server, describeErr, base)).toBeNull();
  });

  it("in the inbox: no room is its list (no session), and token-url asks for the room's token", () => {
    const server = "https://chat.example";
    expect(sessionConfig(attrs({ room: "", token: "t", inbox: true }), server, describeErr, base)).toBeNull();
    expect(sessionConfig(attrs({ room: "r 2", token: "t", inbox: true }), server, describeErr, base)).toMatchObject({ code: "config" });
    expect(sessionConfig(attrs({ room: "r-2", tokenUrl: "/tok?user=7&room=old", inbox: true }), server, describeErr, base)).toMatchObject({
      room: "r-2",
      credentials: { kind: "url", url: "https://shop.example/tok?user=7&room=r-2" },
    });
    // Outside the inbox the host's URL is used as given.
    expect(sessionConfig(attrs({ room: "r-2", tokenUrl: "/tok?user=7" }), server, describeErr, base)).toMatchObject({
      credentials: { kind: "url", url: "https://shop.example/tok?user=7" },
    });
    expect(sessionKey(attrs({ token: "t", inbox: true }), "s")).not.toBe(sessionKey(attrs({ token: "t" }), "s"));
  });

  it("reports what is missing or malformed", () => {
    const server = "https://chat.example";
    expect(sessionConfig(attrs({ room: "", token: "t" }), server, describeErr, base)).toEqual({ code: "config", message: "bad room" });
    expect(sessionConfig(attrs({ room: "a/b", token: "t" }), server, describeErr, base)).toMatchObject({ code: "config" });
    expect(sessionConfig(attrs({}), server, describeErr, base)).toMatchObject({ code: "config", message: "bad token / token-url / guest" });
    expect(sessionConfig(attrs({ token: "t" }), "", describeErr, base)).toMatchObject({ code: "config" });
  });

  it("changes the session key only for what needs a new session", () => {
    const k = sessionKey(attrs({ token: "t" }), "s");
    expect(sessionKey(attrs({ token: "t" }), "s")).toBe(k);
    expect(sessionKey(attrs({ token: "t2" }), "s")).not.toBe(k);
    expect(sessionKey(attrs({ token: "t", name: "x" }), "s")).toBe(k); // name matters for guests only
    expect(sessionKey(attrs({ guest: true, name: "x" }), "s")).not.toBe(sessionKey(attrs({ guest: true, name: "y" }), "s"));
  });
});
