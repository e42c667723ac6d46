import { describe, expect, it } from "vitest";
import { roomSocketTarget } from "./room-socket.ts";

const target = (path: string, upgrade: string | null = "websocket") => {
  const url = new URL(`http://example.com${path}`);
  return roomSocketTarget(new Request(url, { headers: upgrade ? { Upgrade: upgrade } : {} }), url);
};

describe("which requests take the room socket path", () => {
  it("takes a room socket upgrade, with or without a trailing slash, whatever the query", () => {
    expect(target("/parties/room/r-1?v=1&token=x")).toBe("r-1");
    expect(target("/parties/room/r-1/")).toBe("r-1");
    expect(target("/parties/room/r-1", "WebSocket")).toBe("r-1");
  });

  it("leaves everything else to the other routes: plain HTTP, users' sockets, deeper or empty paths", () => {
    expect(target("/parties/room/r-1", null)).toBeNull();
    expect(target("/parties/user/u-1")).toBeNull();
    expect(target("/parties/room/")).toBeNull();
    expect(target("/parties/room/a/b")).toBeNull();
    expect(target("/api/session")).toBeNull();
  });
});
