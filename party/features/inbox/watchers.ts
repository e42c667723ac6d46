/**
 * Who has an inbox open on this room, and until when. A large room writes a member's row on every
 * message only for these users; everyone else's object reads the room when it needs the row
 * (party/user.ts). Kept in memory (read on every stored entry), written through to `inbox_watch`
 * so a room that restarts keeps sending live rows to open inboxes.
 */
export class Watchers {
  private readonly until = new Map<string, number>();

  constructor(private readonly sql: SqlStorage) {
    for (const r of sql.exec<{ user: string; until: number }>("SELECT user, until FROM inbox_watch")) this.until.set(r.user, r.until);
  }

  /** `until` null: the user's last inbox socket closed. */
  set(user: string, until: number | null): void {
    if (until === null) {
      if (!this.until.delete(user)) return;
      this.sql.exec("DELETE FROM inbox_watch WHERE user = ?", user);
      return;
    }
    this.until.set(user, until);
    this.sql.exec("INSERT INTO inbox_watch (user, until) VALUES (?, ?) ON CONFLICT (user) DO UPDATE SET until = excluded.until", user, until);
  }

  /** The users watching at `now`; expired watches (a close that never reached the room) are dropped. */
  active(now: number): string[] {
    const users: string[] = [];
    for (const [user, until] of this.until) {
      if (until > now) users.push(user);
      else this.set(user, null);
    }
    return users;
  }
}
