/**
 * The wire unions, assembled from one file per feature. A feature adds its frames to its own file
 * and one line here (and one line in each parser table).
 */
import type { CallsClientFrame, CallsServerFrame } from "./calls.ts";
import type { ChatClientFrame, ChatServerFrame } from "./chat.ts";
import type { PresenceClientFrame, PresenceServerFrame } from "./presence.ts";
import type { ReadsClientFrame, ReadsServerFrame } from "./reads.ts";
import type { SessionServerFrame } from "./session.ts";

export type ClientMessage = ChatClientFrame | PresenceClientFrame | ReadsClientFrame | CallsClientFrame;

export type ServerMessage = SessionServerFrame | ChatServerFrame | PresenceServerFrame | ReadsServerFrame | CallsServerFrame;
