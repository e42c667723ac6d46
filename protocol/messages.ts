/**
 * The wire unions, assembled from one file per feature. A feature adds its frames to its own file
 * and one line here (and one line in each parser table).
 */
import type { CallsClientFrame, CallsServerFrame } from "./calls.ts";
import type { ChatClientFrame, ChatServerFrame } from "./chat.ts";
import type { PresenceClientFrame, PresenceServerFrame } from "./presence.ts";
import type { ReadsClientFrame, ReadsServerFrame } from "./reads.ts";
import type { SessionServerFrame, WelcomeFrame } from "./session.ts";

export type ClientMessage = ChatClientFrame | PresenceClientFrame | ReadsClientFrame | CallsClientFrame;

export type ServerMessage = SessionServerFrame | ChatServerFrame | PresenceServerFrame | ReadsServerFrame | CallsServerFrame | JoinedFrame;

/** A frame a feature sends a new socket (presence, reads, the first page, a ringing call…): anything but a welcome or a join. */
export type JoinPart = Exclude<ServerMessage, WelcomeFrame | JoinedFrame>;

/**
 * A socket's whole join in one frame (protocol v2): the welcome, then what each feature sends a new
 * socket, in the order v1 sends them as separate frames. The receiver handles them one by one, as if
 * they had arrived on their own. Here and not in session.ts: it is made of every feature's frames.
 */
export interface JoinedFrame {
  type: "joined";
  frames: [WelcomeFrame, ...JoinPart[]];
}
