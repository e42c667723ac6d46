/**
 * The room's schema as numbered migrations, applied in order when the object starts, each in its
 * own transaction: a room created by any earlier version is brought up to date on its next wake,
 * and a migration that fails leaves the database as it was. Never edit a migration that shipped;
 * add the next number.
 */
export interface Migration {
  version: number;
  name: string;
  statements: readonly string[];
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    // The schema before migrations existed. IF NOT EXISTS: rooms created then already have it.
    name: "messages, members, meta",
    statements: [
      // seq is the room's order; (user, id) makes a client's resend idempotent without letting one
      // user collide with another's ids.
      `CREATE TABLE IF NOT EXISTS messages (
         seq  INTEGER PRIMARY KEY,
         id   TEXT NOT NULL,
         user TEXT NOT NULL,
         name TEXT NOT NULL,
         text TEXT NOT NULL,
         ts   INTEGER NOT NULL,
         UNIQUE (user, id)
       )`,
      // Members are durable so later features (push, webhooks) can reach people who are not connected.
      `CREATE TABLE IF NOT EXISTS members (
         user      TEXT PRIMARY KEY,
         name      TEXT NOT NULL,
         role      TEXT NOT NULL DEFAULT 'member',
         joined_at INTEGER NOT NULL,
         last_read INTEGER NOT NULL DEFAULT 0
       )`,
      `CREATE TABLE IF NOT EXISTS meta (
         key   TEXT PRIMARY KEY,
         value TEXT NOT NULL
       )`,
    ],
  },
  {
    version: 2,
    name: "entry kinds, durable timers",
    statements: [
      // Every entry has a kind and a plain-text fallback (`text`); kind-specific fields are JSON in `data`.
      "ALTER TABLE messages ADD COLUMN kind TEXT NOT NULL DEFAULT 'text'",
      "ALTER TABLE messages ADD COLUMN data TEXT",
      // One alarm per object: every feature's deadlines are rows here (party/timers.ts).
      `CREATE TABLE timers (
         key      TEXT PRIMARY KEY,
         due      INTEGER NOT NULL,
         payload  TEXT,
         attempts INTEGER NOT NULL DEFAULT 0,
         rev      INTEGER NOT NULL
       )`,
      "CREATE INDEX timers_due ON timers (due)",
    ],
  },
  {
    version: 3,
    name: "flood cool-downs",
    statements: [
      // A user whose flood was cut off is refused at the door until `until` (party/rate-limit.ts).
      "CREATE TABLE cooldowns (user TEXT PRIMARY KEY, until INTEGER NOT NULL)",
    ],
  },
  {
    version: 4,
    name: "calls",
    statements: [
      // The room referees calls (party/features/calls): state survives restarts so timeouts still end them.
      `CREATE TABLE calls (
         call_id      TEXT PRIMARY KEY,
         kind         TEXT NOT NULL,
         caller       TEXT NOT NULL,
         caller_name  TEXT NOT NULL,
         caller_conn  TEXT NOT NULL,
         callee       TEXT NOT NULL,
         callee_name  TEXT NOT NULL,
         callee_conn  TEXT,
         phase        TEXT NOT NULL,
         reason       TEXT,
         relay        INTEGER NOT NULL,
         limit_ms     INTEGER,
         created_at   INTEGER NOT NULL,
         accepted_at  INTEGER,
         connected_at INTEGER,
         ended_at     INTEGER
       )`,
      "CREATE INDEX calls_active ON calls (phase) WHERE phase != 'ended'",
    ],
  },
  {
    version: 5,
    name: "inbox: unread index, removal bans, backfill",
    statements: [
      // Exact unread without a history scan: entries above a read position are (last seq − position),
      // minus the reader's own there, which this index counts in O(own entries in that range).
      "CREATE INDEX messages_user_seq ON messages (user, seq)",
      // A member the host removed may not come back with a token naming the room until re-added.
      "CREATE TABLE bans (user TEXT PRIMARY KEY, at INTEGER NOT NULL)",
      // Backfill: a room made before the inbox pushes its state to every member's index on its first
      // wake after the upgrade. The inbox feature's flush timer (due 0 = "as soon as the room runs"),
      // set only in rooms that have members; party/features/inbox re-arms it at start.
      `INSERT INTO timers (key, due, payload, attempts, rev)
       SELECT 'inbox:flush', 0, '{"all":true,"users":[]}', 0, COALESCE((SELECT MAX(rev) FROM timers), 0) + 1
       WHERE EXISTS (SELECT 1 FROM members)`,
    ],
  },
  {
    version: 6,
    name: "webhooks",
    statements: [
      // party/features/webhooks: one row per (event, endpoint) until delivered, or failed and handed
      // to the deployment's log.
      `CREATE TABLE webhook_outbox (
         id         TEXT PRIMARY KEY,
         url        TEXT NOT NULL,
         type       TEXT NOT NULL,
         body       TEXT NOT NULL,
         created_at INTEGER NOT NULL,
         attempts   INTEGER NOT NULL DEFAULT 0,
         next_at    INTEGER NOT NULL,
         expires_at INTEGER,
         last_error TEXT,
         status     TEXT NOT NULL DEFAULT 'pending'
       )`,
      "CREATE INDEX webhook_outbox_due ON webhook_outbox (status, next_at)",
      // Who member.joined/removed last reported, to tell what a membership change changed.
      "CREATE TABLE webhook_members (user TEXT PRIMARY KEY, name TEXT NOT NULL)",
      "INSERT INTO webhook_members (user, name) SELECT user, name FROM members",
      // Each endpoint's cursor (`c:<url>`: the entries whose events are handled, party/features/webhooks/stream.ts);
      // `seq` was the outbox-only version's mark, read once as the cursors' start.
      "CREATE TABLE webhook_state (key TEXT PRIMARY KEY, value INTEGER NOT NULL)",
    ],
  },
  {
    version: 7,
    name: "push",
    statements: [
      // When each member was last pushed a message (PUSH_MIN_INTERVAL); deliveries are timer rows.
      "CREATE TABLE push_state (user TEXT PRIMARY KEY, last_at INTEGER NOT NULL)",
    ],
  },
  {
    version: 8,
    name: "inbox: watchers of a large room",
    statements: [
      // Members whose inbox is open, until when: a room above INBOX_FANOUT_LIMIT sends live rows only
      // to them (party/features/inbox/watchers.ts); the others' objects read the room on demand.
      "CREATE TABLE inbox_watch (user TEXT PRIMARY KEY, until INTEGER NOT NULL)",
    ],
  },
];

/** The storage a migration run needs (a Durable Object's, or a stand-in in tests). */
export interface MigrationTarget {
  sql: SqlStorage;
  transactionSync<T>(fn: () => T): T;
}

/** Applies the migrations this database has not seen yet; returns the version it is at now. */
export function migrate(storage: MigrationTarget, migrations: readonly Migration[] = MIGRATIONS): number {
  const { sql } = storage;
  // Runs on every wake, so an up-to-date database must see reads only: SQLite counts any CREATE, even
  // `IF NOT EXISTS` on a table that exists, as a write, and a write costs the object a commit (and
  // holds its first replies behind it) on each wake.
  const known = sql.exec<{ n: number }>("SELECT COUNT(*) AS n FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'").one().n > 0;
  if (!known) sql.exec("CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)");
  let current = known ? (sql.exec<{ v: number | null }>("SELECT MAX(version) AS v FROM schema_migrations").one().v ?? 0) : 0;
  for (const m of migrations) {
    if (m.version <= current) continue;
    storage.transactionSync(() => {
      for (const statement of m.statements) sql.exec(statement);
      sql.exec("INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)", m.version, m.name, Date.now());
    });
    current = m.version;
  }
  return current;
}
