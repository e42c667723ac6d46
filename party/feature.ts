/**
 * The contract between the room and its features. A feature (chat, presence, reads, liveness; calls,
 * notifications and the inbox later) owns its frames, tables and timers and sees the room only
 * through `RoomContext` — never the Durable Object, never partyserver — the way partyserver hands a
 * `Server` only hooks. Adding a feature is a folder under `features/` and one line in `features/index.ts`.
 */
import type { Connection } from "partyserver";
import type { CallState, ChatMessage, ClientMessage, ErrorCode, ServerMessage } from "../protocol/index.ts";
import type { RoomEnv } from "./env.ts";
import type { ConnectionState, Identity } from "./identity.ts";
import type { MemberStore } from "./members-store.ts";
import type { NewEntry } from "./messages-store.ts";
import type { SettingsStore } from "./settings-store.ts";
import type { FeatureTimers } from "./timers.ts";

export type Conn = Connection<ConnectionState>;

export interface RoomContext {
  /** The room id. */
  readonly room: string;
  readonly env: RoomEnv;
  /** The room's SQLite database; a feature touches only its own tables (created by a migration). */
  readonly sql: SqlStorage;
  readonly members: MemberStore;
  readonly settings: SettingsStore;
  /** This feature's durable timers (keys are namespaced per feature). */
  readonly timers: FeatureTimers;
  /** Sends a frame (or one already serialized) to one socket; a socket that is already closing is skipped. */
  send(conn: Conn, frame: ServerMessage | string): void;
  error(conn: Conn, code: ErrorCode, message: string, extra?: { id?: string; retryAfterMs?: number }): void;
  /** Sends one frame (serialized once) to every open socket but `except`. */
  fanout(frame: ServerMessage | string, except?: WebSocket | ReadonlySet<WebSocket>): void;
  /** Open sockets, or one user's. */
  connections(user?: string): Iterable<Conn>;
  /** One socket by its id (stable across hibernation), if still open. */
  connection(id: string): Conn | undefined;
  /**
   * Stores a history entry the room writes itself (a call's record, a notice) and sends it to every
   * socket as a `message`. Returns it with its seq; a repeated (user, id) stores nothing twice.
   */
  appendEntry(entry: NewEntry): ChatMessage;
  /** Resolves when every write so far is durable (for group commit). */
  sync(): Promise<void>;
  /**
   * Runs `fn` in a turn of its own once every write so far is durable and the frames it held are out:
   * work that follows an entry (push, the inbox) never shares a turn with its ack, and its writes are
   * not in the entry's commit. A throw is logged as `what` failing.
   */
  afterCommit(what: string, fn: () => void): void;
  /**
   * Runs `write` with the next batch of new members' rows (within JOIN_WRITE_DELAY_MS, or earlier when
   * anything else happens in the room), in their turn and commit: a write a join needs that must
   * not hold the joiner's frames behind a commit of its own (member-joins.ts).
   */
  withJoinRows(write: () => void): void;
  /** Ends a socket as the room does for every policy close: the `leave` hooks run at once. */
  close(conn: Conn, code: number, reason: string): void;
  /** Ends a socket whose token expired: an `expired` error, then close 4401 (the widget fetches a fresh token). */
  expire(conn: Conn): void;
  /** When the runtime last auto-answered this socket's heartbeat ping (null: never). */
  lastPing(conn: Conn): number | null;
  /** Tells the other features what happened here (see `RoomEvents`). */
  readonly emit: RoomEvents;
}

/**
 * What one feature (or the host API) does that others follow: the inbox and push follow entries,
 * reads and membership without chat or reads knowing them. Handlers run after the fact, off the
 * ack path: an entry's `stored` fires after its ack and broadcast were sent.
 */
export interface RoomEvents {
  /** New entries were stored (never a duplicate resend). */
  stored(entries: readonly ChatMessage[]): void;
  /** A member's read position moved forward to `seq`. */
  read(user: string, seq: number): void;
  /** The room's settings (title, modes) or members changed: by the host (default), or `self` when a join with a token naming the room made (or renamed) the member. */
  changed(what: "settings" | "members", user?: string, by?: "host" | "self"): void;
  /** A call started ringing; it rings until `until` (Unix ms). Its end is a stored `call` entry. */
  ringing(call: CallState, until: number): void;
  /** A member push could not reach (or whose pushed entry stayed unread) should be told another way (features/fallback). */
  fallback(notice: FallbackNotice): void;
}

/**
 * "Reach this member another way": the webhooks feature sends it as `notification.fallback`.
 * `reason`: they have no push device (or push is off), or what was pushed is still unread.
 */
export interface FallbackNotice {
  user: string;
  /** The room's title, else the sender's name. */
  title: string;
  /** Who wrote the newest entry it covers (the caller, for a missed call). */
  sender: { user: string; name: string };
  /** That entry's plain text, one line, cut to FALLBACK_PREVIEW_LENGTH code points. */
  preview: string;
  /** The room's `url`, else the page of the member's most recent push subscription, else null. */
  url: string | null;
  reason: "no_subscription" | "unread";
  /** Entries from others the member has not read. */
  entries: number;
  /** The newest entry it covers and its kind (`call`: a missed call). */
  seq: number;
  kind: string;
}

/** Handlers for the client frame types a feature owns, each typed by its frame. */
export type FrameHandlers = {
  [K in ClientMessage["type"]]?: (conn: Conn, identity: Identity, frame: Extract<ClientMessage, { type: K }>) => void;
};

export interface RoomFeature {
  /** Unique; also the namespace of the feature's timers. */
  readonly name: string;
  /** A new socket was accepted (after `welcome`); features run in registration order, so their join frames do too. */
  join?(conn: Conn, identity: Identity, url: URL): void;
  /** A socket closed (or was closed by the room). */
  leave?(conn: Conn, identity: Identity): void;
  /** A frame arrived from this socket (a sign of life), before it is parsed or rate limited. */
  activity?(conn: Conn, now: number): void;
  readonly frames?: FrameHandlers;
  /** Follows other features' events; a handler that throws is logged, never fails the sender. */
  readonly on?: Partial<RoomEvents>;
  /** One of this feature's durable timers is due; throwing retries it later. */
  timer?(key: string, payload: unknown, attempts: number): void | Promise<void>;
}

/** Builds a feature for one room instance. */
export type FeatureFactory = (ctx: RoomContext) => RoomFeature;
