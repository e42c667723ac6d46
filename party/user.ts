/**
 * The user's object: one small Durable Object per user id, for what belongs to a person rather than
 * a room. Revocation (tokens issued before a moment are refused everywhere), the rooms the user has
 * opened (so a revocation can reach their open sockets), flood cool-downs, and the inbox index with
 * its socket (`/parties/user/<user>?token=<a "*" token>`, authorized by the Worker). Push
 * subscriptions and blocks belong here next.
 */
import { Server, type Connection, type ConnectionContext } from "partyserver";
import { CLOSE_CODES, INBOX_PAGE_SIZE, parseInboxClientFrame, type InboxServerFrame } from "../protocol/index.ts";
import type { RoomRpc, UserRpc } from "./contract.ts";
import { decodeIdentity, IDENTITY_HEADER, type Identity } from "./identity.ts";
import { migrate, type Migration } from "./migrations/index.ts";
import { send, sendError, sendJson } from "./socket-send.ts";
import { PUSH_LANG_USER_MIGRATION, PUSH_USER_MIGRATION, PushStore, type Reach, type StoredSubscription } from "./user/push-store.ts";
import { InboxStore, isInboxCursor, type InboxChange } from "./user/inbox-store.ts";
import { InboxPull, WATCH_MS } from "./user/inbox-pull.ts";
import type { InboxUpdate } from "./user/inbox-types.ts";

export const USER_MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: "rooms, revocation",
    statements: [
      "CREATE TABLE rooms (room TEXT PRIMARY KEY, first_seen INTEGER NOT NULL)",
      "CREATE TABLE settings (key TEXT PRIMARY KEY, value INTEGER NOT NULL)",
    ],
  },
  {
    version: 2,
    name: "flood cool-downs",
    // Rooms report a flooder here, so the Worker refuses their reconnects without waking the room.
    statements: ["CREATE TABLE cooldowns (room TEXT PRIMARY KEY, until INTEGER NOT NULL)"],
  },
  {
    version: 3,
    name: "inbox index",
    statements: [
      // One row per room, the latest state its inbox feature pushed (party/user/inbox-store.ts).
      `CREATE TABLE inbox (
         room     TEXT PRIMARY KEY,
         rev      INTEGER NOT NULL,
         removed  INTEGER NOT NULL DEFAULT 0,
         activity INTEGER NOT NULL,
         unread   INTEGER NOT NULL,
         row      TEXT NOT NULL
       )`,
      "CREATE INDEX inbox_activity ON inbox (removed, activity, room)",
    ],
  },
  PUSH_USER_MIGRATION,
  PUSH_LANG_USER_MIGRATION,
  {
    version: 6,
    name: "inbox: rows read from large rooms",
    // 1: the room is above INBOX_FANOUT_LIMIT and sends this row only on changes of its own (party/user/inbox-pull.ts).
    statements: ["ALTER TABLE inbox ADD COLUMN pull INTEGER NOT NULL DEFAULT 0"],
  },
];

interface Env {
  /** Rooms, read by large rooms' members' objects (party/user/inbox-pull.ts). */
  Room?: DurableObjectNamespace<RoomRpc & Rpc.DurableObjectBranded>;
  [name: string]: unknown;
}
type InboxConn = Connection<Identity>;

export class User extends Server<Env> implements UserRpc {
  static options = { hibernate: true };

  private revokedBefore: number;
  /** Cool-downs by room, Unix ms (read on every upgrade: kept in memory, written through). */
  private readonly cooldowns = new Map<string, number>();
  private readonly pushStore: PushStore;
  private readonly inbox: InboxStore;
  private readonly pull: InboxPull;
  /** Test hooks only: updates received, and how many of the next ones to refuse. */
  private readonly test = { updates: 0, failed: 0, failNext: 0 };

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    // Schema in the constructor, not onStart: the Worker and rooms reach this object by RPC, which skips onStart.
    migrate(ctx.storage, USER_MIGRATIONS);
    this.pushStore = new PushStore(ctx.storage.sql);
    this.revokedBefore = ctx.storage.sql.exec<{ value: number }>("SELECT value FROM settings WHERE key = 'revoked_before'").toArray()[0]?.value ?? 0;
    const now = Date.now();
    for (const r of ctx.storage.sql.exec<{ room: string; until: number }>("SELECT room, until FROM cooldowns WHERE until > ?", now))
      this.cooldowns.set(r.room, r.until);
    this.inbox = new InboxStore(ctx.storage.sql);
    const rooms = env.Room;
    this.pull = new InboxPull(
      this.inbox,
      (room) => (rooms ? rooms.getByName(room) : null),
      () => this.name,
      (change) => this.push(change),
    );
  }

  // ---- revocation and cool-downs (RPC from the Worker and rooms) ------------------------------

  /** A room cut this user off for flooding until `until` (Unix ms). */
  cooldown(room: string, until: number): void {
    this.cooldowns.set(room, until);
    this.ctx.storage.sql.exec("INSERT INTO cooldowns (room, until) VALUES (?, ?) ON CONFLICT (room) DO UPDATE SET until = excluded.until", room, until);
    this.ctx.storage.sql.exec("DELETE FROM cooldowns WHERE until < ?", Date.now());
  }

  /** Whether a token issued at `iat` (Unix seconds) may open `room`; remembers the room. */
  admit(room: string, iat: number): { revoked: boolean; retryAfterMs?: number } {
    if (this.revoked(iat)) return { revoked: true };
    const wait = (this.cooldowns.get(room) ?? 0) - Date.now();
    if (wait > 0) return { revoked: false, retryAfterMs: wait };
    // Read first: even an INSERT that changes nothing is a write, and every connect would wait for its commit.
    if (this.ctx.storage.sql.exec("SELECT 1 FROM rooms WHERE room = ?", room).toArray().length === 0)
      this.ctx.storage.sql.exec("INSERT INTO rooms (room, first_seen) VALUES (?, ?) ON CONFLICT (room) DO NOTHING", room, Date.now());
    return { revoked: false };
  }

  revoked(iat: number): boolean {
    return iat < this.revokedBefore;
  }

  /**
   * Refuses every token issued up to and including the current second (JWT `iat` has one-second
   * resolution, so a token from earlier in this second cannot be told apart). Closes this user's
   * inbox sockets; returns the boundary and the rooms whose open sockets must be closed.
   */
  revoke(nowMs: number): { before: number; rooms: string[] } {
    this.revokedBefore = Math.max(this.revokedBefore, Math.floor(nowMs / 1000) + 1);
    this.ctx.storage.sql.exec(
      "INSERT INTO settings (key, value) VALUES ('revoked_before', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
      this.revokedBefore,
    );
    for (const conn of this.getConnections<Identity>()) {
      if (conn.state && conn.state.iat >= this.revokedBefore) continue;
      sendError(conn, "unauthorized", "This session was revoked.");
      conn.close(CLOSE_CODES.expired, "revoked");
    }
    const rooms = this.ctx.storage.sql
      .exec<{ room: string }>("SELECT room FROM rooms ORDER BY room")
      .toArray()
      .map((r) => r.room);
    return { before: this.revokedBefore, rooms };
  }

  // ---- web push devices and mutes (RPC from the Worker and rooms) -----------------------------

  pushSubscribe(subscription: StoredSubscription): number {
    return this.pushStore.subscribe(subscription, Date.now());
  }

  pushUnsubscribe(endpoint: string): boolean {
    return this.pushStore.unsubscribe(endpoint);
  }

  pushMute(room: string, muted: boolean): void {
    this.pushStore.setMuted(room, muted, Date.now());
  }

  pushMuted(room: string): boolean {
    return this.pushStore.muted(room);
  }

  /** Someone who is looking (the inbox open) or who muted the room gets no notification. */
  pushTargets(room: string): StoredSubscription[] {
    if (this.pushStore.muted(room) || this.inboxOpen()) return [];
    return this.pushStore.list();
  }

  /** The three answers `pushTargets` folds into an empty list, told apart (rooms' fallback feature). */
  reach(room: string): Reach {
    const devices = this.pushStore.list();
    return { muted: this.pushStore.muted(room), inboxOpen: this.inboxOpen(), devices: devices.length, url: devices[0]?.url ?? null };
  }

  // ---- the inbox index (RPC from rooms and the Worker) ------------------------------------------

  /** A room's latest state for this user; open inbox sockets see the change at once. */
  inboxUpdate(update: InboxUpdate): void {
    if (this.env.INAPP_TALK_TEST_HOOKS === "true") {
      this.test.updates++;
      if (this.test.failNext > 0) {
        this.test.failNext--;
        this.test.failed++;
        throw new Error("test hook: inbox update refused on purpose");
      }
    }
    // A room that just became large while an inbox is open: ask it for live rows too.
    const newlyPulled = update.pull === true && this.inboxOpen() && !this.inbox.isPulled(update.room);
    this.push(this.inbox.apply(update));
    if (newlyPulled) void this.pull.watch(Date.now() + WATCH_MS, [update.room]);
  }

  /** The host API's pages: the first reads large rooms first (later pages follow the same sort). */
  async inboxPage(before: string | null, limit: number) {
    if (before === null) await this.readRooms();
    return this.inbox.page(before, limit);
  }

  async inboxUnread(): Promise<number> {
    await this.readRooms();
    return this.inbox.total;
  }

  /** Before the inbox is shown: once, the rooms this user opened that have no row yet; always, large rooms' current rows. */
  private async readRooms() {
    const sql = this.ctx.storage.sql;
    if (sql.exec("SELECT 1 FROM settings WHERE key = 'inbox_backfilled'").toArray().length === 0) {
      const missing = sql
        .exec<{ room: string }>("SELECT room FROM rooms WHERE room NOT IN (SELECT room FROM inbox)")
        .toArray()
        .map((r) => r.room);
      await this.pull.backfill(missing);
      sql.exec("INSERT INTO settings (key, value) VALUES ('inbox_backfilled', ?) ON CONFLICT (key) DO NOTHING", Date.now());
    }
    await this.pull.refresh();
  }

  /** Whether an inbox socket of this user is open now (a push can be skipped when the user is looking). */
  inboxOpen(): boolean {
    for (const conn of this.getConnections()) if (conn.readyState === WebSocket.READY_STATE_OPEN) return true;
    return false;
  }

  /** Test hooks (INAPP_TALK_TEST_HOOKS=true; throws otherwise): counts updates, refuses the next `fail`. */
  inboxTest(set?: { fail: number }): { updates: number; failed: number } {
    if (this.env.INAPP_TALK_TEST_HOOKS !== "true") throw new Error("test hooks are off");
    if (set) this.test.failNext = set.fail;
    return { updates: this.test.updates, failed: this.test.failed };
  }

  private push(change: InboxChange) {
    if (!change) return;
    const total = this.inbox.total;
    const frame: InboxServerFrame = change.conversation
      ? { type: "inbox_row", conversation: change.conversation, total }
      : { type: "inbox_removed", room: change.room, total };
    const json = JSON.stringify(frame);
    for (const conn of this.getConnections<Identity>()) sendJson(conn, json);
  }

  // ---- the inbox socket -----------------------------------------------------------------------

  /** The Worker verified the token (a "*" token of this user); revocation is checked here, before the socket exists. */
  override async fetch(request: Request): Promise<Response> {
    if (request.headers.get("Upgrade")?.toLowerCase() !== "websocket") {
      return Response.json({ error: { code: "not_found", message: "No such endpoint." } }, { status: 404 });
    }
    const identity = decodeIdentity(request.headers.get(IDENTITY_HEADER));
    if (!identity) return Response.json({ error: { code: "unauthorized", message: "No verified identity." } }, { status: 401 });
    if (this.revoked(identity.iat)) return Response.json({ error: { code: "unauthorized", message: "This token was revoked." } }, { status: 401 });
    return super.fetch(request);
  }

  override async onConnect(conn: InboxConn, ctx: ConnectionContext): Promise<void> {
    const identity = decodeIdentity(ctx.request.headers.get(IDENTITY_HEADER));
    if (!identity) return conn.close(CLOSE_CODES.forbidden, "unauthorized");
    conn.setState(identity);
    await this.expireAt(identity.exp * 1000);
    // Large rooms: live rows from now on, then their current rows, then the page (no message falls between).
    await this.pull.watch(Date.now() + WATCH_MS);
    await this.readRooms();
    send(conn, this.pageFrame(null, true));
  }

  /** Arms the alarm for the earliest token expiry among open inbox sockets. */
  private async expireAt(at: number) {
    const armed = await this.ctx.storage.getAlarm();
    if (armed === null || armed > at) await this.ctx.storage.setAlarm(at);
  }

  /** A socket whose token expired is closed when it expires, not on its next frame; the next expiry is armed. */
  override async onAlarm(): Promise<void> {
    const now = Date.now();
    let next = Number.POSITIVE_INFINITY;
    for (const conn of this.getConnections<Identity>()) {
      const exp = (conn.state?.exp ?? 0) * 1000;
      if (exp > now) {
        next = Math.min(next, exp);
        continue;
      }
      sendError(conn, "expired", "Your session expired; reconnect with a fresh token.");
      conn.close(CLOSE_CODES.expired, "expired");
    }
    if (Number.isFinite(next)) await this.ctx.storage.setAlarm(next);
  }

  override async onClose(conn: InboxConn): Promise<void> {
    for (const other of this.getConnections()) if (other.id !== conn.id && other.readyState === WebSocket.READY_STATE_OPEN) return;
    await this.pull.watch(null);
  }

  override onMessage(conn: InboxConn, raw: string | ArrayBuffer | ArrayBufferView): void {
    const identity = conn.state;
    if (!identity || conn.readyState !== WebSocket.READY_STATE_OPEN) return;
    if (Date.now() / 1000 >= identity.exp) {
      sendError(conn, "expired", "Your session expired; reconnect with a fresh token.");
      return conn.close(CLOSE_CODES.expired, "expired");
    }
    const parsed = parseInboxClientFrame(raw);
    if (!parsed.ok) return sendError(conn, parsed.code, parsed.message);
    if (!isInboxCursor(parsed.value.before)) return sendError(conn, "invalid_message", "inbox_page.before must be the `next` of an earlier page.");
    send(conn, this.pageFrame(parsed.value.before, false));
  }

  // A socket error is followed by its close; there is nothing to clean up per socket.
  override onError(): void {}

  private pageFrame(before: string | null, first: boolean): InboxServerFrame {
    return { type: "inbox", ...this.inbox.page(before, INBOX_PAGE_SIZE), first, total: this.inbox.total };
  }
}
