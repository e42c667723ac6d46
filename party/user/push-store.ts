/**
 * A user's push subscriptions and muted conversations, kept in the user's object (party/user.ts):
 * a subscription belongs to a person's device, not to a room or a tab, so every room the user is in
 * reaches the same devices. Keyed by endpoint: a browser re-subscribing the same endpoint (new keys,
 * another page) updates the row instead of adding a device.
 */
import type { Migration } from "../migrations/index.ts";

/** The languages push notifications are written in (the widget's `lang`). */
export const PUSH_LANGS = ["en", "ko"] as const;
export type PushLang = (typeof PUSH_LANGS)[number];
export const isPushLang = (v: unknown): v is PushLang => typeof v === "string" && (PUSH_LANGS as readonly string[]).includes(v);

/**
 * A browser's PushSubscription (keys base64url), the page a notification opens when the room has no
 * `url`, and the language its notifications are written in (absent: English).
 */
export interface StoredSubscription {
  endpoint: string;
  keys: { p256dh: string; auth: string };
  url: string;
  lang?: PushLang;
}

/** What a room may know of a user's reachability, without the devices' keys. */
export interface Reach {
  /** The user muted this room's notifications. */
  muted: boolean;
  /** An inbox socket of theirs is open: they are looking (as push treats it). */
  inboxOpen: boolean;
  /** Push subscriptions (devices) the user has. */
  devices: number;
  /** The page of the most recently updated subscription (a notification's fallback URL), or null. */
  url: string | null;
}

/**
 * How many devices one user may register. Beyond it the least recently updated one is dropped:
 * a subscription the browser replaced is never reported to us until a push to it answers 410.
 */
export const MAX_SUBSCRIPTIONS = 20;

/** User schema version 4 (the inbox takes 3). */
export const PUSH_USER_MIGRATION: Migration = {
  version: 4,
  name: "push subscriptions, mutes",
  statements: [
    `CREATE TABLE push_subscriptions (
       endpoint   TEXT PRIMARY KEY,
       p256dh     TEXT NOT NULL,
       auth       TEXT NOT NULL,
       url        TEXT NOT NULL,
       updated_at INTEGER NOT NULL
     )`,
    "CREATE TABLE push_mutes (room TEXT PRIMARY KEY, at INTEGER NOT NULL)",
  ],
};

/** User schema version 5: each device's language (NULL for devices subscribed before it: English). */
export const PUSH_LANG_USER_MIGRATION: Migration = {
  version: 5,
  name: "push subscription language",
  statements: ["ALTER TABLE push_subscriptions ADD COLUMN lang TEXT"],
};

type Row = { endpoint: string; p256dh: string; auth: string; url: string; lang: string | null };

export class PushStore {
  constructor(private readonly sql: SqlStorage) {}

  /** Adds or updates a device; returns how many the user has now. */
  subscribe(sub: StoredSubscription, now: number): number {
    this.sql.exec(
      `INSERT INTO push_subscriptions (endpoint, p256dh, auth, url, lang, updated_at) VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT (endpoint) DO UPDATE SET p256dh = excluded.p256dh, auth = excluded.auth, url = excluded.url, lang = excluded.lang,
         updated_at = excluded.updated_at`,
      sub.endpoint,
      sub.keys.p256dh,
      sub.keys.auth,
      sub.url,
      sub.lang ?? null,
      now,
    );
    this.sql.exec(
      `DELETE FROM push_subscriptions WHERE endpoint NOT IN
         (SELECT endpoint FROM push_subscriptions ORDER BY updated_at DESC, endpoint LIMIT ?)`,
      MAX_SUBSCRIPTIONS,
    );
    return this.count();
  }

  /** Removes a device; false when it was not registered. */
  unsubscribe(endpoint: string): boolean {
    return this.sql.exec("DELETE FROM push_subscriptions WHERE endpoint = ?", endpoint).rowsWritten > 0;
  }

  list(): StoredSubscription[] {
    return this.sql
      .exec<Row>("SELECT endpoint, p256dh, auth, url, lang FROM push_subscriptions ORDER BY updated_at DESC, endpoint")
      .toArray()
      .map((r) => ({ endpoint: r.endpoint, keys: { p256dh: r.p256dh, auth: r.auth }, url: r.url, ...(isPushLang(r.lang) ? { lang: r.lang } : {}) }));
  }

  count(): number {
    return this.sql.exec<{ n: number }>("SELECT COUNT(*) AS n FROM push_subscriptions").one().n;
  }

  setMuted(room: string, muted: boolean, now: number): void {
    if (muted) this.sql.exec("INSERT INTO push_mutes (room, at) VALUES (?, ?) ON CONFLICT (room) DO NOTHING", room, now);
    else this.sql.exec("DELETE FROM push_mutes WHERE room = ?", room);
  }

  muted(room: string): boolean {
    return this.sql.exec("SELECT 1 FROM push_mutes WHERE room = ?", room).toArray().length > 0;
  }
}
