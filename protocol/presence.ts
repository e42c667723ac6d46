/** Presence and typing frames. */
import { isRecord, isStr, list, malformed, ok, type FrameParser } from "./result.ts";

export interface PresenceUser {
  user: string;
  name: string;
}

/** The user is typing. Clients throttle it; the room relays it to the others. */
export interface TypingFrame {
  type: "typing";
}

export type PresenceClientFrame = TypingFrame;

/** Everyone online right now (sent on join). Several connections of one user count once. */
export interface PresenceFrame {
  type: "presence";
  online: PresenceUser[];
}

/** Changes to who is online. */
export interface PresenceDiffFrame {
  type: "presence_diff";
  joined: PresenceUser[];
  left: string[];
}

export interface TypingNoticeFrame {
  type: "typing";
  user: string;
  name: string;
}

export type PresenceServerFrame = PresenceFrame | PresenceDiffFrame | TypingNoticeFrame;

export const presenceClientParsers: { [K in PresenceClientFrame["type"]]: FrameParser<PresenceClientFrame> } = {
  typing: () => ok({ type: "typing" }),
};

export const presenceServerParsers: { [K in PresenceServerFrame["type"]]: FrameParser<PresenceServerFrame> } = {
  presence: (d) => {
    const online = list(d.online, presenceUser);
    return online ? ok({ type: "presence", online }) : malformed("presence");
  },
  presence_diff: (d) => {
    const joined = list(d.joined, presenceUser);
    const left = list(d.left, (x) => (isStr(x) ? x : null));
    return joined && left ? ok({ type: "presence_diff", joined, left }) : malformed("presence_diff");
  },
  typing: (d) => (isStr(d.user) && isStr(d.name) ? ok({ type: "typing", user: d.user, name: d.name }) : malformed("typing")),
};

function presenceUser(p: unknown): PresenceUser | null {
  return isRecord(p) && isStr(p.user) && isStr(p.name) ? { user: p.user, name: p.name } : null;
}
