// A member in a room without a browser: a plain WebSocket (the `ws` package; node's fetch cannot
// upgrade) that sends chat and call frames and collects what the room answers.
import WebSocket from "ws";
import { PROTOCOL_VERSION } from "../../../protocol/index.ts";
import { unpack } from "./frames.ts";

export type Frame = Record<string, any>;

export interface RoomSocket {
  frames: Frame[];
  send(frame: Frame): void;
  /** Sends a text and resolves with its ack (seq, ts). */
  say(text: string): Promise<Frame>;
  waitFor(pred: (f: Frame) => boolean, what: string, timeoutMs?: number): Promise<Frame>;
  close(): Promise<void>;
}

export async function openRoomSocket(origin: string, room: string, token: string): Promise<RoomSocket> {
  const url = `${origin.replace("//localhost:", "//127.0.0.1:").replace(/^http/, "ws")}/parties/room/${room}?token=${encodeURIComponent(token)}&v=${PROTOCOL_VERSION}`;
  const ws = new WebSocket(url);
  const frames: Frame[] = [];
  const waiters = new Set<() => void>();
  ws.on("message", (data) => {
    frames.push(...unpack(JSON.parse(String(data)) as Frame));
    for (const w of waiters) w();
  });
  await new Promise<void>((resolve, reject) => {
    ws.once("open", () => resolve());
    ws.once("error", reject);
    ws.once("unexpected-response", (_req, res) => reject(new Error(`upgrade refused with ${res.statusCode}`)));
  });
  const waitFor = async (pred: (f: Frame) => boolean, what: string, timeoutMs = 20_000) => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const hit = frames.find(pred);
      if (hit) return hit;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no ${what} within ${timeoutMs} ms; got ${JSON.stringify(frames).slice(0, 800)}`);
      await new Promise<void>((resolve) => {
        const done = () => {
          waiters.delete(done);
          resolve();
        };
        waiters.add(done);
        setTimeout(done, Math.min(left, 250));
      });
    }
  };
  await waitFor((f) => f.type === "welcome", "welcome");
  const send = (frame: Frame) => ws.send(JSON.stringify(frame));
  return {
    frames,
    send,
    async say(text) {
      const id = `m_${Math.random().toString(36).slice(2, 12)}`;
      send({ type: "send", id, text });
      const ack = await waitFor((f) => (f.type === "ack" || f.type === "error") && f.id === id, `ack for ${id}`);
      if (ack.type !== "ack") throw new Error(`send refused: ${JSON.stringify(ack)}`);
      return ack;
    },
    waitFor,
    // Dropping the connection rather than waiting for the close handshake: the room sees a gone socket either way.
    close: () =>
      new Promise<void>((resolve) => {
        if (ws.readyState === WebSocket.CLOSED) return resolve();
        ws.once("close", () => resolve());
        ws.terminate();
      }),
  };
}
