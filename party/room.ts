/**
 * One conversation: a hibernating Durable Object with its own SQLite database. This class keeps
 * only what every feature relies on — admission before the socket exists, the welcome, parsing,
 * rate limiting, and the RPC face for the Worker. What the room *does* lives in features/ (chat,
 * presence, reads, liveness, …), each seeing the room through a narrow RoomContext (feature.ts);
 * their frames, events, hooks and timers go through one FeatureHost (feature-host.ts).
 */
import { Server, type ConnectionContext } from "partyserver";
import {
  CLOSE_CODES,
  HEARTBEAT_PING,
  HEARTBEAT_PONG,
  OLDEST_PROTOCOL_VERSION,
  PROTOCOL_VERSION,
  parseClientFrame,
  type Role,
  type ServerMessage,
  type WelcomeFrame,
} from "../protocol/index.ts";
import { admission, type Denied } from "./admission.ts";
import { afterCommit } from "./after-commit.ts";
import { BanStore } from "./bans-store.ts";
import type { RoomRpc } from "./contract.ts";
import type { Conn, RoomContext } from "./feature.ts";
import { FeatureHost } from "./feature-host.ts";
import { createFeatures, type Features } from "./features/index.ts";
import { canWrite, decodeIdentity, IDENTITY_HEADER, userTag, type ConnectionState, type Identity } from "./identity.ts";
import type { RoomBindings } from "./bindings.ts";
import { JoinCollector } from "./join-frame.ts";
import { MemberJoins } from "./member-joins.ts";
import { MemberStore, type Member } from "./members-store.ts";
import { MessageStore } from "./messages-store.ts";
import { migrate } from "./migrations/index.ts";
import { limitConfig, UserLimiter } from "./rate-limit.ts";
import { RoomApi } from "./room-api.ts";
import { SettingsStore, type RoomSettings } from "./settings-store.ts";
import { send, sendError, sendJson } from "./socket-send.ts";
import { Timers } from "./timers.ts";
import { inboxDelivery } from "./user/inbox-delivery.ts";
import type { InboxUpdate } from "./user/inbox-types.ts";

export class Room extends Server<RoomBindings> implements RoomRpc {
  static options = { hibernate: true };

  readonly messages: MessageStore;
  readonly members: MemberStore;
  /** First joins whose rows are written just after their socket is accepted (member-joins.ts). */
  readonly joins: MemberJoins;
  readonly settings: SettingsStore;
  readonly timers: Timers;
  private readonly bans: BanStore;
  private readonly api: RoomApi;
  private readonly features: Features;
  /** The features' events, frame handlers and hooks (feature-host.ts). */
  private readonly host = new FeatureHost();
  private readonly events = this.host.events;
  private readonly limiter: UserLimiter;
  /** What `fetch` verified for an upgrade, for the accept hooks of the same request: decoded and read once. */
  private readonly admitted = new WeakMap<Request, { identity: Identity; member: Member | null }>();
  /** A v2 socket's join frames, gathered while the features' join hooks run (join-frame.ts). */
  private readonly joining = new JoinCollector();
  /**
   * Revocations this room was told of: user → tokens issued before this (Unix seconds) are refused.
   * The user's object refuses them at the Worker; this catches an upgrade it admitted just before the
   * revocation that reaches the room just after (there is no socket yet for `revoke` to close). Memory
   * is enough: that window is one request's flight, and the user's object answers every later one.
   */
  private readonly revokedBefore = new Map<string, number>();

  constructor(ctx: DurableObjectState, env: RoomBindings) {
    super(ctx, env);
    // Schema in the constructor, not onStart: the Worker also reaches rooms by RPC, which skips onStart.
    migrate(ctx.storage);
    this.messages = new MessageStore(ctx.storage.sql);
    this.members = new MemberStore(ctx.storage.sql);
    // Joining with a token naming the room makes a member; the inbox and webhooks follow, in the write's turn.
    this.joins = new MemberJoins(this.members, (user) => this.events.changed("members", user, "self"));
    this.settings = new SettingsStore(ctx.storage.sql);
    this.timers = new Timers(ctx.storage.sql, ctx.storage);
    this.bans = new BanStore(ctx.storage.sql);
    this.api = new RoomApi(this.messages, this.members, this.settings);
    this.limiter = new UserLimiter(limitConfig(env), ctx.storage.sql);
    const users = env.User;
    this.features = createFeatures(
      (name) => this.contextFor(name),
      this.messages,
      env.INAPP_TALK_TEST_HOOKS === "true",
      inboxDelivery(env),
      users
        ? {
            targets: (user, room) => users.getByName(user).pushTargets(room),
            gone: (user, endpoint) => users.getByName(user).pushUnsubscribe(endpoint),
            reach: (user, room) => users.getByName(user).reach(room),
          }
        : null,
    );
    this.host.install(this.features.all);
    // Answered by the runtime without waking the room, so idle rooms still hibernate.
    ctx.setWebSocketAutoResponse(new WebSocketRequestResponsePair(HEARTBEAT_PING, HEARTBEAT_PONG));
    void ctx.blockConcurrencyWhile(() => this.timers.recover());
  }

  /** The narrow view of the room a feature gets: stores, sending, its own timers. */
  private contextFor(name: string): RoomContext {
    const room = this;
    return {
      // partyserver knows the name only once a request or RPC arrived, after construction.
      get room() {
        return room.name;
      },
      env: this.env,
      sql: this.ctx.storage.sql,
      members: this.members,
      settings: this.settings,
      timers: this.timers.scoped(name),
      send: (conn, frame) => {
        if (!this.joining.take(conn, frame)) send(conn, frame);
      },
      error: (conn, code, message, extra) => {
        const frame: ServerMessage = { type: "error", code, message, ...extra };
        if (!this.joining.take(conn, frame)) send(conn, frame);
      },
      fanout: (frame, except) => this.fanout(frame, except),
      connection: (id) => this.getConnection<ConnectionState>(id),
      connections: (user) => this.getConnections<ConnectionState>(user === undefined ? undefined : userTag(user)),
      sync: () => this.ctx.storage.sync(),
      afterCommit: (what, fn) => afterCommit(this.ctx.storage, `${name}: ${what}`, fn),
      withJoinRows: (write) => this.joins.alongside(write),
      appendEntry: (entry) => {
        const { duplicate, ...stored } = this.messages.append(entry, Date.now());
        if (!duplicate) {
          this.fanout({ type: "message", message: stored });
          this.events.stored([stored]);
        }
        return stored;
      },
      close: (conn, code, reason) => this.closeSocket(conn, code, reason),
      expire: (conn) => {
        sendError(conn, "expired", "Your session expired; reconnect with a fresh token.");
        this.closeSocket(conn, CLOSE_CODES.expired, "expired");
      },
      lastPing: (conn) => this.ctx.getWebSocketAutoResponseTimestamp(conn)?.getTime() ?? null,
      emit: this.events,
    };
  }

  // ---- admission ------------------------------------------------------------------------------

  /** Refuses a socket before it is accepted when room rules say no (members-only, full). */
  override async fetch(request: Request): Promise<Response> {
    if (request.headers.get("Upgrade")?.toLowerCase() === "websocket") {
      const identity = decodeIdentity(request.headers.get(IDENTITY_HEADER));
      if (!identity) return Response.json({ error: { code: "unauthorized", message: "No verified identity." } }, { status: 401 });
      if (identity.iat < (this.revokedBefore.get(identity.user) ?? 0))
        return Response.json({ error: { code: "unauthorized", message: "This token was revoked." } }, { status: 401 });
      const member = this.joins.get(identity.user);
      const denied = this.admit(identity, member);
      if (denied) {
        const retry = denied.retryAfterMs === undefined ? undefined : { "Retry-After": String(Math.ceil(denied.retryAfterMs / 1000)) };
        return Response.json({ error: { code: denied.code, message: denied.message } }, { status: denied.code === "rate_limited" ? 429 : 403, headers: retry });
      }
      this.admitted.set(request, { identity, member });
    }
    return super.fetch(request);
  }

  admit(identity: Pick<Identity, "user" | "role" | "wildcard">, member = this.joins.get(identity.user)): Denied | null {
    const wait = this.limiter.cooldown(identity.user, Date.now());
    if (wait > 0) return { code: "rate_limited", message: "Too many messages; wait before reconnecting.", retryAfterMs: wait };
    const access = { banned: this.bans.has(identity.user), wildcard: identity.wildcard === true };
    const refusal = admission(this.settings.get(), member, () => this.joins.count(), identity.role, access);
    if (!refusal) return null;
    return { code: refusal, message: refusal === "room_full" ? "This room is full." : "You are not a member of this room." };
  }

  override getConnectionTags(_conn: Conn, ctx: ConnectionContext): string[] {
    const identity = this.admitted.get(ctx.request)?.identity ?? decodeIdentity(ctx.request.headers.get(IDENTITY_HEADER));
    return identity ? [userTag(identity.user)] : [];
  }

  override onConnect(conn: Conn, ctx: ConnectionContext): void {
    const known = this.admitted.get(ctx.request);
    const identity = known?.identity ?? decodeIdentity(ctx.request.headers.get(IDENTITY_HEADER));
    if (!identity) return conn.close(CLOSE_CODES.forbidden, "unauthorized");
    const url = new URL(ctx.request.url);
    const v = Number(url.searchParams.get("v"));
    if (v !== PROTOCOL_VERSION && v !== OLDEST_PROTOCOL_VERSION) {
      const served = `v${OLDEST_PROTOCOL_VERSION}–v${PROTOCOL_VERSION}`;
      sendError(conn, "unsupported_version", `This server speaks protocol ${served}; the client sent v${url.searchParams.get("v") ?? "none"}.`);
      return conn.close(CLOSE_CODES.unsupportedVersion, "unsupported_version");
    }
    const now = Date.now();
    conn.setState({ ...identity, connectedAt: now });
    // Not written here: a write would hold the 101 and the join frames behind its commit.
    this.joins.add(identity.user, identity.name, identity.role, now, known ? known.member : this.joins.get(identity.user));
    const settings = this.settings.get();
    const welcome: WelcomeFrame = {
      type: "welcome",
      v,
      room: this.name,
      user: identity.user,
      name: identity.name,
      role: identity.role,
      lastSeq: this.messages.lastSeq,
      readOnly: !canWrite(identity, settings),
      title: settings.title,
    };
    if (v === OLDEST_PROTOCOL_VERSION) {
      send(conn, welcome);
      this.host.join(conn, identity, url);
      return;
    }
    // v2: one frame. Sent even when a hook throws, with what the hooks before it sent (as v1 would have).
    this.joining.start(conn);
    try {
      this.host.join(conn, identity, url);
    } finally {
      send(conn, this.joining.finish(welcome));
    }
  }

  // ---- frames ---------------------------------------------------------------------------------

  override onMessage(conn: Conn, raw: string | ArrayBuffer | ArrayBufferView): void {
    // Whatever a frame does next (a read position, a call to a new member) needs the members' rows.
    this.joins.flush();
    const identity = conn.state;
    if (!identity || conn.readyState !== WebSocket.READY_STATE_OPEN) return;
    const now = Date.now();
    if (now / 1000 >= identity.exp) {
      sendError(conn, "expired", "Your session expired; reconnect with a fresh token.");
      return this.closeSocket(conn, CLOSE_CODES.expired, "expired");
    }
    this.host.activity(conn, now);
    const parsed = parseClientFrame(raw);
    const verdict = this.limiter.take(identity.user, now, parsed.ok && parsed.value.type === "call_signal" ? "signals" : "frames");
    if (!verdict.ok) {
      const { retryAfterMs } = verdict;
      if (verdict.flood) {
        // The budget is the user's: every socket of theirs goes, and the cool-down keeps them out —
        // at the Worker, through the user's object, so their reconnects never reach this room.
        const until = this.limiter.cooldownUntil(identity.user);
        const users = this.env.User;
        if (users)
          this.ctx.waitUntil(
            users
              .getByName(identity.user)
              .cooldown(this.name, until)
              .catch(() => {}),
          );
        for (const socket of this.getConnections<ConnectionState>(userTag(identity.user))) {
          sendError(socket, "rate_limited", "Too many messages; disconnected.", { retryAfterMs });
          socket.close(CLOSE_CODES.flood, "rate_limited");
        }
        return;
      }
      const id = parsed.ok && parsed.value.type === "send" ? parsed.value.id : undefined;
      return sendError(conn, "rate_limited", "Slow down.", id === undefined ? { retryAfterMs } : { id, retryAfterMs });
    }
    if (!parsed.ok) return sendError(conn, parsed.code, parsed.message, parsed.id === undefined ? undefined : { id: parsed.id });
    // Every client frame type has a feature (parseClientFrame refuses the others).
    this.host.frame(conn, identity, parsed.value);
  }

  /**
   * Sends one serialized frame to every open socket but `except`. Serializing once and iterating the
   * runtime's socket list directly avoids partyserver's broadcast(), which re-reads every socket's
   * attachment on each call (BENCHMARKS.md, "What the room's levers do").
   */
  fanout(frame: ServerMessage | string, except?: WebSocket | ReadonlySet<WebSocket>) {
    const json = typeof frame === "string" ? frame : JSON.stringify(frame);
    const skip = except instanceof WebSocket ? (ws: WebSocket) => ws === except : except ? (ws: WebSocket) => except.has(ws) : null;
    for (const ws of this.ctx.getWebSockets()) if (!skip?.(ws)) sendJson(ws, json);
  }

  override onClose(conn: Conn): void {
    this.joins.flush();
    const identity = conn.state;
    if (identity) this.host.leave(conn, identity);
  }

  /** A close the room decides (expiry, heartbeat): the leave hooks run now, not when the peer answers. */
  private closeSocket(conn: Conn, code: number, reason: string) {
    conn.close(code, reason);
    this.onClose(conn);
  }

  // A socket error is followed by its close, which does the cleanup; logging here would only repeat it.
  override onError(): void {}

  // ---- timers ---------------------------------------------------------------------------------

  override async onAlarm(): Promise<void> {
    this.joins.flush();
    await this.timers.runDue(Date.now(), (name) => this.host.timer(name));
  }

  /** The heartbeat sweep, for tests and diagnostics: returns when the next one is due. */
  heartbeatTick(now: number): number | null {
    return this.features.liveness.tick(now);
  }

  sweep(now: number): void {
    this.features.liveness.sweep(now);
  }

  // ---- RPC for the Worker's host API ----------------------------------------------------------

  declineCall(callId: string, user: string): boolean {
    return this.features.calls.decline(callId, user);
  }

  // ---- RPC for users' objects (their inbox reads a large room on demand) ----------------------

  inboxRow(user: string): InboxUpdate {
    this.joins.flush();
    if (!this.features.inbox) throw new Error("the inbox is off here (INBOX_INDEX=off)");
    return this.features.inbox.row(user);
  }

  inboxWatch(user: string, until: number | null): void {
    this.joins.flush();
    this.features.inbox?.watch(user, until);
  }

  /** Test hooks (INAPP_TALK_TEST_HOOKS=true only): set a probe timer, list the probe timers that fired. */
  probe(set?: { key: string; at: number; payload: unknown }) {
    const probe = this.features.probe;
    if (!probe) throw new Error("test hooks are off");
    // Like every host call: the timers listed include those written with waiting join rows.
    this.joins.flush();
    if (set) probe.set(set.key, set.at, set.payload);
    return { fired: probe.fired(), timers: this.timers.list() };
  }

  transcript(before: number | null, limit: number) {
    return this.api.transcript(before, limit);
  }

  info() {
    this.joins.flush();
    return this.api.info();
  }

  configure(patch: Partial<RoomSettings>, members: { user: string; name: string }[] | undefined) {
    this.joins.flush();
    // The host adding someone again lifts the ban their removal set.
    for (const m of members ?? []) this.bans.lift(m.user);
    const info = this.api.configure(patch, members, Date.now());
    this.events.changed("settings");
    if (members) this.events.changed("members");
    return info;
  }

  addMember(user: string, name: string, role: Role) {
    this.joins.flush();
    this.bans.lift(user);
    const member = this.api.addMember(user, name, role, Date.now());
    this.events.changed("members", user);
    return member;
  }

  revoke(user: string, before: number): number {
    this.revokedBefore.set(user, Math.max(before, this.revokedBefore.get(user) ?? 0));
    let closed = 0;
    for (const conn of this.getConnections<ConnectionState>(userTag(user))) {
      if (!conn.state || conn.state.iat >= before) continue;
      sendError(conn, "unauthorized", "This session was revoked.");
      this.closeSocket(conn, CLOSE_CODES.expired, "revoked");
      closed++;
    }
    return closed;
  }

  /**
   * Removes a member and bans them until the host adds them again, in every room mode: their sockets
   * close, a token naming the room no longer admits them (so joining cannot re-create the
   * membership), and the inbox feature drops the room from their inbox.
   */
  removeMember(user: string) {
    this.joins.flush();
    const removed = this.api.removeMember(user);
    if (!removed) return false;
    this.bans.ban(user, Date.now());
    for (const conn of this.getConnections<ConnectionState>(userTag(user))) {
      sendError(conn, "not_member", "You were removed from this room.");
      this.closeSocket(conn, CLOSE_CODES.forbidden, "not_member");
    }
    this.events.changed("members", user);
    return true;
  }
}
