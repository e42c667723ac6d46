/**
 * Room schema, applied idempotently when the room object is constructed (cheap: CREATE IF NOT EXISTS
 * on a local SQLite file). Each statement is a separate exec because SqlStorage runs one at a time
 * reliably across versions.
 */
export const SCHEMA = [
  // seq is the room's order; (user, id) makes a client's resend idempotent without letting one user
  // collide with another's ids.
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
];

export function applySchema(sql: SqlStorage): void {
  for (const statement of SCHEMA) sql.exec(statement);
}
