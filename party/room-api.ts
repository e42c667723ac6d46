import { MAX_HISTORY_LIMIT, type ChatMessage, type Role } from "../protocol/index.ts";
import type { Member, MemberStore } from "./members-store.ts";
import type { MessageStore } from "./messages-store.ts";
import type { RoomSettings, SettingsStore } from "./settings-store.ts";

export interface RoomInfo {
  exists: boolean;
  settings: RoomSettings;
  members: Member[];
  lastSeq: number;
}

/** What the Worker's host API does to a room, over Durable Object RPC. Plain data in and out. */
export class RoomApi {
  constructor(
    private readonly messages: MessageStore,
    private readonly members: MemberStore,
    private readonly settings: SettingsStore,
  ) {}

  transcript(before: number | null, limit: number): ChatMessage[] {
    return this.messages.before(before, Math.min(limit, MAX_HISTORY_LIMIT)).messages;
  }

  info(): RoomInfo {
    return { exists: this.settings.exists(), settings: this.settings.get(), members: this.members.list(), lastSeq: this.messages.lastSeq };
  }

  configure(patch: Partial<RoomSettings>, members: { user: string; name: string }[] | undefined, now: number): RoomInfo {
    this.settings.update(patch, now);
    for (const m of members ?? []) this.members.upsert(m.user, m.name, this.members.get(m.user)?.role ?? "member", now);
    return this.info();
  }

  addMember(user: string, name: string, role: Role, now: number): Member {
    return this.members.upsert(user, name, role, now);
  }

  removeMember(user: string): boolean {
    return this.members.remove(user);
  }
}
