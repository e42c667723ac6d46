/**
 * The v2 join (protocol/messages.ts `JoinedFrame`): while a new socket's join hooks run, what the
 * features send it is collected here instead of going out, and the room sends it all as one frame.
 * Features keep sending through `RoomContext.send` as before and never learn which version the
 * socket speaks; a v1 socket gets the same frames one by one.
 */
import type { ServerMessage, WelcomeFrame } from "../protocol/index.ts";

/**
 * Sockets are compared as objects, not by `id`: partyserver's `id` reads the socket's attachment, and
 * `take` runs on every send the room makes (each ack), joining or not.
 */
export class JoinCollector {
  private socket: WebSocket | null = null;
  private parts: string[] = [];

  /** Collects what is sent to `socket` until `finish` (one socket at a time: join hooks are synchronous). */
  start(socket: WebSocket) {
    this.socket = socket;
    this.parts = [];
  }

  /** Keeps the frame when it is for the joining socket; false: send it as usual. */
  take(socket: WebSocket, frame: ServerMessage | string): boolean {
    if (this.socket !== socket) return false;
    this.parts.push(typeof frame === "string" ? frame : JSON.stringify(frame));
    return true;
  }

  /**
   * The `joined` frame, serialized: parts arrive serialized (a feature may send a frame it already
   * serialized for others), so they are joined as text rather than parsed again.
   */
  finish(welcome: WelcomeFrame): string {
    const parts = this.parts;
    this.socket = null;
    this.parts = [];
    return `{"type":"joined","frames":[${[JSON.stringify(welcome), ...parts].join(",")}]}`;
  }
}
