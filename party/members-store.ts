import type { ReadReceipt, Role } from "../protocol/index.ts";

export interface Member {
  user: string;
  name: string;
  role: Role;
  joinedAt: number;
  lastRead: number;
}

type Row = { user: string; name: string; role: string; joined_at: number; last_read: number };

const toMember = (r: Row): Member => ({
  user: r.user,
  name: r.name,
  role: r.role === "moderator" ? "moderator" : "member",
  joinedAt: r.joined_at,
  lastRead: r.last_read,
});

/** Durable room membership and read positions. */
export class MemberStore {
  constructor(private readonly sql: SqlStorage) {}

  get(user: string): Member | null {
    const row = this.sql.exec<Row>("SELECT * FROM members WHERE user = ?", user).toArray()[0];
    return row ? toMember(row) : null;
  }

  list(): Member[] {
    return this.sql.exec<Row>("SELECT * FROM members ORDER BY joined_at, user").toArray().map(toMember);
  }

  /** The first `n` members in join order (a row's title names at most a few). */
  first(n: number): Member[] {
    return this.sql.exec<Row>("SELECT * FROM members ORDER BY joined_at, user LIMIT ?", n).toArray().map(toMember);
  }

  count(): number {
    return this.sql.exec<{ n: number }>("SELECT COUNT(*) AS n FROM members").one().n;
  }

  /** Adds the user or updates name/role; writes only when something changed (connects are frequent). */
  upsert(user: string, name: string, role: Role, now: number): Member {
    const existing = this.get(user);
    if (existing && existing.name === name && existing.role === role) return existing;
    this.sql.exec(
      `INSERT INTO members (user, name, role, joined_at) VALUES (?, ?, ?, ?)
       ON CONFLICT (user) DO UPDATE SET name = excluded.name, role = excluded.role`,
      user,
      name,
      role,
      now,
    );
    return { user, name, role, joinedAt: existing?.joinedAt ?? now, lastRead: existing?.lastRead ?? 0 };
  }

  remove(user: string): boolean {
    return this.sql.exec("DELETE FROM members WHERE user = ?", user).rowsWritten > 0;
  }

  /** Moves a read position forward only; returns whether it moved. */
  markRead(user: string, seq: number): boolean {
    return this.sql.exec("UPDATE members SET last_read = ? WHERE user = ? AND last_read < ?", seq, user, seq).rowsWritten > 0;
  }

  reads(): ReadReceipt[] {
    return this.sql
      .exec<{ user: string; name: string; last_read: number }>("SELECT user, name, last_read FROM members WHERE last_read > 0")
      .toArray()
      .map((r) => ({ user: r.user, name: r.name, seq: r.last_read }));
  }
}
