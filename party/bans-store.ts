/**
 * Users the host removed from the room (DELETE /api/rooms/:room/members/:user): banned until the host
 * adds them again, in every room mode, so a token naming the room no longer re-creates the membership.
 */
export class BanStore {
  constructor(private readonly sql: SqlStorage) {}

  has(user: string): boolean {
    return this.sql.exec("SELECT 1 FROM bans WHERE user = ?", user).toArray().length > 0;
  }

  ban(user: string, now: number): void {
    this.sql.exec("INSERT INTO bans (user, at) VALUES (?, ?) ON CONFLICT (user) DO NOTHING", user, now);
  }

  /** The host added them again. */
  lift(user: string): void {
    this.sql.exec("DELETE FROM bans WHERE user = ?", user);
  }
}
