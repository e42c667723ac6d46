// Issue 8: when a user is cut off for flooding (4429 + a cool-down refused at the door), the widget
// says "slow down" and waits the cool-down out instead of reconnecting in a loop, then resumes.
import WebSocket from "ws";
import { describe, expect, inject, it } from "vitest";
import { PROTOCOL_VERSION } from "../../protocol/index.ts";
import { mintToken, uniqueRoom } from "./support/api.ts";
import { eventually, openWidget, send, useBrowser } from "./support/browser.ts";

const server = () => inject("serverOrigin");
const browser = useBrowser();

/** Floods the room as `token`'s user from a second client until the room closes it. */
async function flood(room: string, token: string): Promise<number> {
  const url = `${server().replace("//localhost:", "//127.0.0.1:").replace(/^http/, "ws")}/parties/room/${room}?token=${encodeURIComponent(token)}&v=${PROTOCOL_VERSION}`;
  const ws = new WebSocket(url);
  await new Promise((resolve, reject) => ws.once("open", resolve).once("error", reject));
  const closed = new Promise<number>((resolve) => ws.once("close", (code) => resolve(code)));
  for (let i = 0; i < 200 && ws.readyState === WebSocket.OPEN; i++) ws.send(JSON.stringify({ type: "typing" }));
  return closed;
}

describe("flood cool-down in the widget", () => {
  it("shows slow down, does not knock during the cool-down, then reconnects and chats", async () => {
    const room = uniqueRoom("slow");
    const token = await mintToken(server(), { user: "flooder", name: "Flo", rooms: [room] });
    const wp = await openWidget(browser(), { room, token });
    const sockets: number[] = [];
    wp.page.on("websocket", () => sockets.push(Date.now()));
    expect(await flood(room, token)).toBe(4429);
    const cutOff = Date.now();
    const status = wp.part("status");
    await eventually(async () => expect(await status.getAttribute("data-state")).toBe("slowdown"));
    expect(await status.textContent()).toMatch(/too many/i);
    // The room refuses this user for 4 s (test config). At most the one attempt that learns why (a
    // refused upgrade) — no loop of sockets knocking during the cool-down.
    await eventually(async () => expect(await status.getAttribute("data-state")).toBe("connected"), 20_000);
    const during = sockets.filter((t) => t > cutOff && t < cutOff + 3500);
    expect(during.length).toBeLessThanOrEqual(1);
    await send(wp, "back after the cool-down");
  });
});
