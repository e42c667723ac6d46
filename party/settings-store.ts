/**
 * A JSON object from the host (validated as JSON where it enters, in the Worker). Typed without
 * recursion on purpose: Durable Object RPC types map every nested property, and a recursive JSON
 * type makes the compiler give up on the typed stub (worker/room-stub.ts).
 */
export type JsonObject = { [key: string]: unknown };

/** Room-level settings and host metadata, one JSON record. */
export interface RoomSettings {
  title: string | null;
  url: string | null;
  metadata: JsonObject;
  /** Only moderators may send. */
  readOnly: boolean;
  /** A token naming the room is not enough: the user must already be a member. */
  membersOnly: boolean;
  /** Joining as a new member is refused beyond this many; null = no limit. */
  maxMembers: number | null;
  createdAt: number | null;
}

export const DEFAULT_SETTINGS: RoomSettings = {
  title: null,
  url: null,
  metadata: {},
  readOnly: false,
  membersOnly: false,
  maxMembers: null,
  createdAt: null,
};

export class SettingsStore {
  private cached: RoomSettings | null = null;

  constructor(private readonly sql: SqlStorage) {}

  get(): RoomSettings {
    if (this.cached) return this.cached;
    const row = this.sql.exec<{ value: string }>("SELECT value FROM meta WHERE key = 'settings'").toArray()[0];
    this.cached = row ? { ...DEFAULT_SETTINGS, ...(JSON.parse(row.value) as Partial<RoomSettings>) } : DEFAULT_SETTINGS;
    return this.cached;
  }

  /** Whether the host ever created this room (PUT) — distinguishes an empty room from no room. */
  exists(): boolean {
    return this.get().createdAt !== null;
  }

  update(patch: Partial<RoomSettings>, now: number): RoomSettings {
    const next = { ...this.get(), ...patch, createdAt: this.get().createdAt ?? now };
    this.sql.exec("INSERT INTO meta (key, value) VALUES ('settings', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value", JSON.stringify(next));
    this.cached = next;
    return next;
  }
}
