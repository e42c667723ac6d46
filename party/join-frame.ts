/**
 * The v2 join (protocol/messages.ts `JoinedFrame`): while a new socket's join hooks run, what the
 * features send it is collected here instead of going out, and the room sends it all as one frame.
 * Features keep sending through `RoomContext.send` as before and never learn which version the
 * socket speaks; a v1 socket gets the same frames one by one.
 */
import type { ServerMessage, WelcomeFrame } from "../protocol/index.ts";

export class JoinCollector {
  private socket: string | null = null;
  private parts: string[] = [];

  /** Collects what is sent to socket `id` until `finish` (one socket at a time: join hooks are synchronous). */
  start(id: string) {
    this.socket = id;
    this.parts = [];
  }

  /** Keeps the frame when it is for the joining socket; false: send it as usual. */
  take(id: string, frame: ServerMessage | string): boolean {
    if (this.socket !== id) return false;
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
