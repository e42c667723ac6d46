/** Frames every connection gets whatever features a room has: the welcome and errors. */
import { isErrorCode, type ErrorCode } from "./errors.ts";
import { isSeq, isStr, malformed, ok, type FrameParser } from "./result.ts";

export type Role = "member" | "moderator";

export interface WelcomeFrame {
  type: "welcome";
  v: number;
  room: string;
  user: string;
  name: string;
  role: Role;
  /** Highest sequence stored in the room (0 when empty). */
  lastSeq: number;
  /** The room refuses new messages from this user. */
  readOnly: boolean;
  /** The host's title for the conversation (PUT /api/rooms/:room), or null. */
  title: string | null;
}

export interface ErrorFrame {
  type: "error";
  code: ErrorCode;
  message: string;
  /** The client message id this error is about, when it is about a `send`. */
  id?: string;
  /** When to try again, for `rate_limited`. */
  retryAfterMs?: number;
}

export type SessionServerFrame = WelcomeFrame | ErrorFrame;

export const isRole = (v: unknown): v is Role => v === "member" || v === "moderator";

export const sessionServerParsers: { [K in SessionServerFrame["type"]]: FrameParser<SessionServerFrame> } = {
  welcome: (d) => {
    if (
      !isSeq(d.v) ||
      !isStr(d.room) ||
      !isStr(d.user) ||
      !isStr(d.name) ||
      !isRole(d.role) ||
      !isSeq(d.lastSeq) ||
      typeof d.readOnly !== "boolean" ||
      !(d.title === null || isStr(d.title))
    ) {
      return malformed("welcome");
    }
    return ok({ type: "welcome", v: d.v, room: d.room, user: d.user, name: d.name, role: d.role, lastSeq: d.lastSeq, readOnly: d.readOnly, title: d.title });
  },
  error: (d) => {
    if (!isErrorCode(d.code) || !isStr(d.message)) return malformed("error");
    const frame: ErrorFrame = { type: "error", code: d.code, message: d.message };
    if (isStr(d.id)) frame.id = d.id;
    if (isSeq(d.retryAfterMs)) frame.retryAfterMs = d.retryAfterMs;
    return ok(frame);
  },
};
