import { Server, type Connection, type ConnectionContext } from "partyserver";
import {
  CLOSE_CODES,
  HEARTBEAT_INTERVAL_MS,
  HEARTBEAT_PING,
  HEARTBEAT_PONG,
  HEARTBEAT_TIMEOUT_MS,
  HISTORY_PAGE_SIZE,
  MAX_RESUME_GAP,
  PROTOCOL_VERSION,
  SYNC_PAGE_SIZE,
  parseClientFrame,
  type ChatMessage,
  type ClientMessage,
  type ErrorCode,
  type Role,
  type ServerMessage,
} from "../protocol/index.ts";
import { admission } from "./admission.ts";
import { numberVar, type RoomEnv } from "./env.ts";
import { GroupCommit } from "./group-commit.ts";
import { staleSockets } from "./heartbeat.ts";
import { decodeIdentity, IDENTITY_HEADER, type ConnectionState, type Identity } from "./identity.ts";
import { MemberStore } from "./members-store.ts";
import { MessageStore } from "./messages-store.ts";
import { Presence } from "./presence.ts";
import { TokenBucket } from "./rate-limit.ts";
import { RoomApi } from "./room-api.ts";
import { applySchema } from "./schema.ts";
import { SettingsStore, type RoomSettings } from "./settings-store.ts";

type Conn = Connection<ConnectionState>;

/** A room with a message or a join this recent keeps its heartbeat sweep ticking; after it, it may sleep. */
const ACTIVE_WINDOW_MS = 60_000;

/** Joins and leaves within this window go out as one presence_diff. */
const PRESENCE_WINDOW_MS = 100;

interface PendingSend {
  conn: Conn;
  identity: Identity;
  id: string;
  text: string;
}

// Frames already queued from a socket we closed (a flood) still arrive; answering them would throw.
const send = (conn: Conn, frame: ServerMessage) => {
  if (conn.readyState === WebSocket.READY_STATE_OPEN) conn.send(JSON.stringify(frame));
};
const sendError = (conn: Conn, code: ErrorCode, message: string, extra?: { id?: string; retryAfterMs?: number }) =>
  send(conn, { type: "error", code, message, ...extra });

/**
 * One chat room: a hibernating Durable Object with its own SQLite database.
 * Frames are parsed from `unknown`; a bad frame costs its sender an error frame and nobody else anything.
 */
export class Room extends Server<RoomEnv> {
  static options = { hibernate: true };

  readonly messages: MessageStore;
  readonly members: MemberStore;
  readonly settings: SettingsStore;
  readonly api: RoomApi;
  private readonly presence: Presence;
  private readonly buckets = new Map<string, TokenBucket>();
  private sweepScheduled = false;
  private readonly commits = new GroupCommit<PendingSend>(
    () => this.ctx.storage.sync(),
    (batch) => this.store(batch),
  );

  constructor(ctx: DurableObjectState, env: RoomEnv) {
    super(ctx, env);
    // Schema in the constructor, not onStart: the Worker also reaches rooms by RPC, which skips onStart.
    applySchema(ctx.storage.sql);
    this.messages = new MessageStore(ctx.storage.sql);
    this.members = new MemberStore(ctx.storage.sql);
    this.settings = new SettingsStore(ctx.storage.sql);
    this.presence = new Presence({
      getConnections: () => this.getConnections(),
      fanout: (json) => this.fanout(json),
      defer: (fn) => setTimeout(fn, PRESENCE_WINDOW_MS),
    });
    this.api = new RoomApi(this.messages, this.members, this.settings);
    // Answered by the runtime without waking the room, so idle rooms still hibernate.
    ctx.setWebSocketAutoResponse(new WebSocketRequestResponsePair(HEARTBEAT_PING, HEARTBEAT_PONG));
  }

  /** Refuses a socket before it is accepted when room rules say no (members-only, full). */
  override async fetch(request: Request): Promise<Response> {
    if (request.headers.get("Upgrade")?.toLowerCase() === "websocket") {
      const identity = decodeIdentity(request.headers.get(IDENTITY_HEADER));
      if (!identity) return Response.json({ error: { code: "unauthorized", message: "No verified identity." } }, { status: 401 });
      const refusal = this.admit(identity);
      if (refusal) return Response.json({ error: { code: refusal, message: "Not admitted to this room." } }, { status: 403 });
    }
    return super.fetch(request);
  }

  admit(identity: Pick<Identity, "user" | "role">) {
    return admission(this.settings.get(), this.members.get(identity.user), () => this.members.count(), identity.role);
  }

  // Tag each socket with its user so one user's sockets can be found (and closed) without a scan.
  override getConnectionTags(_conn: Conn, ctx: ConnectionContext): string[] {
    const identity = decodeIdentity(ctx.request.headers.get(IDENTITY_HEADER));
    return identity ? [Presence.tag(identity.user)] : [];
  }

  override onConnect(conn: Conn, ctx: ConnectionContext): void {
    const identity = decodeIdentity(ctx.request.headers.get(IDENTITY_HEADER));
    if (!identity) return conn.close(CLOSE_CODES.forbidden, "unauthorized");
    const url = new URL(ctx.request.url);
    const v = Number(url.searchParams.get("v"));
    if (v !== PROTOCOL_VERSION) {
      sendError(conn, "unsupported_version", `This server speaks protocol v${PROTOCOL_VERSION}; the client sent v${url.searchParams.get("v") ?? "none"}.`);
      return conn.close(CLOSE_CODES.unsupportedVersion, "unsupported_version");
    }
    conn.setState({ ...identity, connectedAt: Date.now() });
    this.members.upsert(identity.user, identity.name, identity.role, Date.now());

    const settings = this.settings.get();
    send(conn, {
      type: "welcome",
      v: PROTOCOL_VERSION,
      room: this.name,
      user: identity.user,
      name: identity.name,
      role: identity.role,
      lastSeq: this.messages.lastSeq,
      readOnly: settings.readOnly && identity.role !== "moderator",
      title: settings.title,
    });
    this.touch(Date.now());
    this.presence.joined(conn, identity);
    send(conn, { type: "presence", online: this.presence.online() });
    send(conn, { type: "reads", reads: this.members.reads() });
    this.sendInitialMessages(conn, url.searchParams.get("since"));
  }

  /** A resuming client gets exactly what it missed; a new one (or one too far behind) the latest page. */
  private sendInitialMessages(conn: Conn, sinceParam: string | null) {
    const since = sinceParam === null ? NaN : Number(sinceParam);
    const last = this.messages.lastSeq;
    if (Number.isSafeInteger(since) && since >= 0 && since <= last && last - since <= MAX_RESUME_GAP) {
      send(conn, { type: "sync", ...this.messages.after(since, SYNC_PAGE_SIZE) });
    } else {
      send(conn, { type: "history", before: null, ...this.messages.before(null, HISTORY_PAGE_SIZE) });
    }
  }

  override onMessage(conn: Conn, raw: string | ArrayBuffer | ArrayBufferView): void {
    const identity = conn.state;
    if (!identity || conn.readyState !== WebSocket.READY_STATE_OPEN) return;
    if (Date.now() / 1000 >= identity.exp) {
      sendError(conn, "expired", "Your session expired; reconnect with a fresh token.");
      return conn.close(CLOSE_CODES.expired, "expired");
    }
    this.touch(Date.now());
    const parsed = parseClientFrame(raw);
    const wait = this.bucket(conn).take();
    if (wait > 0) return this.refuseFlood(conn, wait, parsed.ok && parsed.value.type === "send" ? parsed.value.id : undefined);
    if (!parsed.ok) return sendError(conn, parsed.code, parsed.message, parsed.id === undefined ? undefined : { id: parsed.id });
    this.handle(conn, identity, parsed.value);
  }

  private handle(conn: Conn, identity: Identity, frame: ClientMessage) {
    switch (frame.type) {
      case "send": {
        if (this.settings.get().readOnly && identity.role !== "moderator") {
          return sendError(conn, "read_only", "This room is read-only.", { id: frame.id });
        }
        return this.commits.push({ conn, identity, id: frame.id, text: frame.text });
      }
      case "history": {
        const page = this.messages.before(frame.before, frame.limit ?? HISTORY_PAGE_SIZE);
        return send(conn, { type: "history", before: frame.before, ...page });
      }
      case "sync":
        return send(conn, { type: "sync", ...this.messages.after(frame.since, SYNC_PAGE_SIZE) });
      case "typing":
        return this.fanout(JSON.stringify({ type: "typing", user: identity.user, name: identity.name } satisfies ServerMessage), conn);
      case "read": {
        const seq = Math.min(frame.seq, this.messages.lastSeq);
        if (!this.members.markRead(identity.user, seq)) return;
        return this.fanout(JSON.stringify({ type: "reads", reads: [{ user: identity.user, name: identity.name, seq }] } satisfies ServerMessage));
      }
    }
  }

  /**
   * Write, then ack, then broadcast, for a batch of sends: the output gate holds every frame until
   * the batch's transaction is durable. A resend of a stored id (even within the batch) gets the
   * original ack and is not broadcast again.
   */
  private store(batch: PendingSend[]) {
    const now = Date.now();
    const stored: { message: ChatMessage; from: Conn }[] = [];
    for (const { conn, identity, id, text } of batch) {
      const { duplicate, ...message } = this.messages.append(identity.user, identity.name, id, text, now);
      send(conn, { type: "ack", id: message.id, seq: message.seq, ts: message.ts });
      if (!duplicate) stored.push({ message, from: conn });
    }
    this.broadcastNew(stored);
  }

  /**
   * One frame per listener for the whole batch, serialized once for everybody who sent nothing in it;
   * a sender gets the batch without its own messages (it has their acks).
   */
  private broadcastNew(stored: { message: ChatMessage; from: Conn }[]) {
    if (stored.length === 0) return;
    const frameOf = (messages: ChatMessage[]): string =>
      JSON.stringify(messages.length === 1 ? ({ type: "message", message: messages[0]! } satisfies ServerMessage) : ({ type: "messages", messages } satisfies ServerMessage));
    const senders = new Set(stored.map((s) => s.from));
    const all = frameOf(stored.map((s) => s.message));
    for (const ws of this.ctx.getWebSockets()) {
      if (ws.readyState !== WebSocket.READY_STATE_OPEN) continue;
      let json = all;
      if (senders.has(ws as Conn)) {
        const others = stored.filter((s) => s.from !== ws).map((s) => s.message);
        if (others.length === 0) continue;
        json = frameOf(others);
      }
      try {
        ws.send(json);
      } catch {
        // A socket that broke mid-send is closed by the runtime; the others must still get the frame.
      }
    }
  }

  private bucket(conn: Conn): TokenBucket {
    let bucket = this.buckets.get(conn.id);
    if (!bucket) {
      bucket = new TokenBucket(numberVar(this.env.RATE_LIMIT_MSG_PER_SEC, 5), numberVar(this.env.RATE_LIMIT_MSG_BURST, 20));
      this.buckets.set(conn.id, bucket);
    }
    return bucket;
  }

  private refuseFlood(conn: Conn, retryAfterMs: number, id: string | undefined) {
    const bucket = this.bucket(conn);
    if (bucket.strikes > numberVar(this.env.RATE_LIMIT_FLOOD_STRIKES, 40)) {
      sendError(conn, "rate_limited", "Too many messages; disconnected.", { retryAfterMs });
      return conn.close(CLOSE_CODES.flood, "rate_limited");
    }
    sendError(conn, "rate_limited", "Slow down.", id === undefined ? { retryAfterMs } : { id, retryAfterMs });
  }

  /**
   * Sends one serialized frame to every open socket but `except`. Serializing once and iterating the
   * runtime's socket list directly avoids partyserver's broadcast(), which re-reads every socket's
   * attachment on each call (PERFORMANCE.md, lever 2).
   */
  fanout(json: string, except?: WebSocket) {
    for (const ws of this.ctx.getWebSockets()) {
      if (ws === except || ws.readyState !== WebSocket.READY_STATE_OPEN) continue;
      try {
        ws.send(json);
      } catch {
        // A socket that broke mid-send is closed by the runtime; the others must still get the frame.
      }
    }
  }

  override onClose(conn: Conn): void {
    this.buckets.delete(conn.id);
    const identity = conn.state;
    if (identity) this.presence.left(conn, identity);
  }

  /**
   * Makes sure a heartbeat sweep is scheduled after an event. The first event after the room wakes
   * also sweeps at once: sockets may have died while it slept.
   */
  private touch(now: number) {
    if (this.sweepScheduled) return;
    this.sweepScheduled = true;
    this.sweep(now);
    void this.ctx.storage.getAlarm().then((at) => {
      if (at === null) void this.ctx.storage.setAlarm(now + HEARTBEAT_TIMEOUT_MS);
    });
  }

  /**
   * Closes sockets that stopped answering the heartbeat (a lost network sends no close frame) and
   * announces their users' leave. It ticks while the room is in use (a message or a join within
   * ACTIVE_WINDOW_MS, read from state that survives hibernation) or while some socket has gone quiet.
   * An alarm that kept ticking would wake every idle room forever (measured: ~80 % of 1,000 idle
   * rooms awake); healthy sockets ping without waking the room. A room that went quiet sweeps on its
   * next event, before anyone sees presence: a lost peer shows as gone as soon as someone writes.
   */
  override onAlarm(): void {
    this.heartbeatTick(Date.now());
  }

  /** One sweep; returns when the next one is due (null: every socket is fresh, let the room sleep). */
  heartbeatTick(now: number): number | null {
    this.sweep(now);
    let next: number | null = null;
    let lastActivity = this.messages.lastTs;
    for (const conn of this.getConnections<ConnectionState>()) {
      lastActivity = Math.max(lastActivity, conn.state?.connectedAt ?? 0);
      const seen = this.lastSeen(conn);
      // Quiet for longer than a ping interval: due for closing when its timeout runs out.
      if (seen !== null && now - seen > HEARTBEAT_INTERVAL_MS * 1.5) next = Math.min(next ?? Infinity, seen + HEARTBEAT_TIMEOUT_MS + 1000);
    }
    if (now - lastActivity < ACTIVE_WINDOW_MS && this.ctx.getWebSockets().length > 0) {
      next = Math.min(next ?? Infinity, now + HEARTBEAT_TIMEOUT_MS / 2);
    }
    this.sweepScheduled = next !== null;
    if (next !== null) void this.ctx.storage.setAlarm(next);
    return next;
  }

  /** Signs of life: the last auto-answered ping, the last frame, the connect time (null: dropped). */
  private lastSeen(conn: Conn): number | null {
    if (conn.state?.dropped) return null;
    return (
      Math.max(
        this.ctx.getWebSocketAutoResponseTimestamp(conn)?.getTime() ?? 0,
        this.buckets.get(conn.id)?.lastUsed ?? 0,
        conn.state?.connectedAt ?? 0,
      ) || null
    );
  }

  sweep(now: number) {
    // A token's expiry ends its socket too, not only its next frame: the widget fetches a fresh token.
    for (const conn of this.getConnections<ConnectionState>()) {
      if (conn.state && !conn.state.dropped && now / 1000 >= conn.state.exp) {
        sendError(conn, "expired", "Your session expired; reconnect with a fresh token.");
        conn.close(CLOSE_CODES.expired, "expired");
        this.onClose(conn);
      }
    }
    for (const conn of staleSockets(this.getConnections<ConnectionState>(), (c) => this.lastSeen(c), now)) {
      conn.setState({ ...conn.state!, dropped: true });
      conn.close(1001, "heartbeat timeout");
      this.onClose(conn);
    }
  }

  // A socket error is followed by its close, which does the cleanup; logging here would only repeat it.
  override onError(): void {}

  // ---- Durable Object RPC for the Worker's host API --------------------------------------------

  transcript(before: number | null, limit: number) {
    return this.api.transcript(before, limit);
  }

  info() {
    return this.api.info();
  }

  configure(patch: Partial<RoomSettings>, members: { user: string; name: string }[] | undefined) {
    return this.api.configure(patch, members, Date.now());
  }

  addMember(user: string, name: string, role: Role) {
    return this.api.addMember(user, name, role, Date.now());
  }

  /** Removes a member and closes their sockets: membership is what lets them in. */
  removeMember(user: string) {
    const removed = this.api.removeMember(user);
    if (this.settings.get().membersOnly) {
      for (const conn of this.getConnections(Presence.tag(user))) conn.close(CLOSE_CODES.forbidden, "not_member");
    }
    return removed;
  }
}
