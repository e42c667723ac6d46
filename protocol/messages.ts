import type { ErrorCode } from "./errors.ts";

/** A stored chat message. `seq` orders a room; `user`, `name` and `ts` are stamped by the server. */
export interface ChatMessage {
  /** Per-room sequence, 1, 2, 3… assigned when the message is stored. */
  seq: number;
  /** Client-generated id; resending it is idempotent. */
  id: string;
  /** Author's user id (from the verified token, never from the client frame). */
  user: string;
  /** Author's display name at the time of writing. */
  name: string;
  text: string;
  /** Server time of storage, Unix milliseconds. */
  ts: number;
}

export type Role = "member" | "moderator";

export interface PresenceUser {
  user: string;
  name: string;
}

export interface ReadReceipt {
  user: string;
  name: string;
  /** Highest sequence this user has read. */
  seq: number;
}

// ---- client → server ------------------------------------------------------------------------

/** Send a message. The room answers `ack` (also for a resend of a stored id) or `error` with this `id`. */
export interface SendFrame {
  type: "send";
  id: string;
  text: string;
}

/** Ask for an older page: messages with seq < before, newest `limit` of them, returned oldest first. */
export interface HistoryRequestFrame {
  type: "history";
  before: number;
  limit?: number;
}

/** Ask for messages after `since` (resume). The room answers `sync` pages until `more` is false. */
export interface SyncRequestFrame {
  type: "sync";
  since: number;
}

/** The user is typing. Clients throttle it; the room relays it to the others. */
export interface TypingFrame {
  type: "typing";
}

/** The user has seen every message up to `seq`. */
export interface ReadFrame {
  type: "read";
  seq: number;
}

export type ClientMessage = SendFrame | HistoryRequestFrame | SyncRequestFrame | TypingFrame | ReadFrame;

// ---- server → client ------------------------------------------------------------------------

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

/** A page of history, oldest first. `before: null` is the latest page and replaces what the client shows. */
export interface HistoryFrame {
  type: "history";
  messages: ChatMessage[];
  before: number | null;
  hasMore: boolean;
}

/** Messages after the client's `since`, oldest first; ask again from the last one while `more`. */
export interface SyncFrame {
  type: "sync";
  messages: ChatMessage[];
  more: boolean;
}

/** The message with this client id is durably stored as `seq`. */
export interface AckFrame {
  type: "ack";
  id: string;
  seq: number;
  ts: number;
}

/** A new message from another connection. */
export interface MessageFrame {
  type: "message";
  message: ChatMessage;
}

/**
 * Several new messages at once, oldest first: what a busy room sends instead of one `message` frame
 * each when several were committed together (fewer frames per listener). Never includes the
 * receiving connection's own messages — it learns of those by `ack`.
 */
export interface MessagesFrame {
  type: "messages";
  messages: ChatMessage[];
}

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

/** Read positions: all of them on join, then each change. */
export interface ReadsFrame {
  type: "reads";
  reads: ReadReceipt[];
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

export type ServerMessage =
  | WelcomeFrame
  | HistoryFrame
  | SyncFrame
  | AckFrame
  | MessageFrame
  | MessagesFrame
  | PresenceFrame
  | PresenceDiffFrame
  | TypingNoticeFrame
  | ReadsFrame
  | ErrorFrame;
