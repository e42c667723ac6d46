/** When each member was last pushed a message from this room: the PUSH_MIN_INTERVAL gate. */
export class PushState {
  constructor(private readonly sql: SqlStorage) {}

  lastAt(user: string): number | null {
    return this.sql.exec<{ last_at: number }>("SELECT last_at FROM push_state WHERE user = ?", user).toArray()[0]?.last_at ?? null;
  }

  mark(user: string, at: number): void {
    this.sql.exec("INSERT INTO push_state (user, last_at) VALUES (?, ?) ON CONFLICT (user) DO UPDATE SET last_at = excluded.last_at", user, at);
  }
}
