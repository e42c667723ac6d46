/**
 * The user's object: one small Durable Object per user id, for what belongs to a person rather than
 * a room. Today: revocation (tokens issued before a moment are refused everywhere) and the rooms the
 * user has opened (so a revocation can reach their open sockets). The inbox index, push
 * subscriptions and blocks belong here next.
 */
import { DurableObject } from "cloudflare:workers";
import type { UserRpc } from "./contract.ts";
import { migrate, type Migration } from "./migrations/index.ts";
import { PUSH_USER_MIGRATION, PushStore, type StoredSubscription } from "./user/push-store.ts";

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
  PUSH_USER_MIGRATION,
];

export class User extends DurableObject<Record<string, unknown>> implements UserRpc {
  private revokedBefore: number;
  /** Cool-downs by room, Unix ms (read on every upgrade: kept in memory, written through). */
  private readonly cooldowns = new Map<string, number>();
  private readonly push: PushStore;

  constructor(ctx: DurableObjectState, env: Record<string, unknown>) {
    super(ctx, env);
    migrate(ctx.storage, USER_MIGRATIONS);
    this.push = new PushStore(ctx.storage.sql);
    this.revokedBefore = ctx.storage.sql.exec<{ value: number }>("SELECT value FROM settings WHERE key = 'revoked_before'").toArray()[0]?.value ?? 0;
    const now = Date.now();
    for (const r of ctx.storage.sql.exec<{ room: string; until: number }>("SELECT room, until FROM cooldowns WHERE until > ?", now))
      this.cooldowns.set(r.room, r.until);
  }

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
    this.ctx.storage.sql.exec("INSERT INTO rooms (room, first_seen) VALUES (?, ?) ON CONFLICT (room) DO NOTHING", room, Date.now());
    return { revoked: false };
  }

  revoked(iat: number): boolean {
    return iat < this.revokedBefore;
  }

  /**
   * Refuses every token issued up to and including the current second (JWT `iat` has one-second
   * resolution, so a token from earlier in this second cannot be told apart). Returns the boundary
   * and the rooms whose open sockets must be closed.
   */
  revoke(nowMs: number): { before: number; rooms: string[] } {
    this.revokedBefore = Math.max(this.revokedBefore, Math.floor(nowMs / 1000) + 1);
    this.ctx.storage.sql.exec(
      "INSERT INTO settings (key, value) VALUES ('revoked_before', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
      this.revokedBefore,
    );
    const rooms = this.ctx.storage.sql
      .exec<{ room: string }>("SELECT room FROM rooms ORDER BY room")
      .toArray()
      .map((r) => r.room);
    return { before: this.revokedBefore, rooms };
  }

  // inbox-backend provides this
  inboxOpen(): boolean {
    return false;
  }

  pushSubscribe(subscription: StoredSubscription): number {
    return this.push.subscribe(subscription, Date.now());
  }

  pushUnsubscribe(endpoint: string): boolean {
    return this.push.unsubscribe(endpoint);
  }

  pushMute(room: string, muted: boolean): void {
    this.push.setMuted(room, muted, Date.now());
  }

  pushMuted(room: string): boolean {
    return this.push.muted(room);
  }

  /** Someone who is looking (the inbox open) or who muted the room gets no notification. */
  pushTargets(room: string): StoredSubscription[] {
    if (this.push.muted(room) || this.inboxOpen()) return [];
    return this.push.list();
  }
}
