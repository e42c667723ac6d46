import type { ErrorCode, Role } from "../protocol/index.ts";
import { isModerator } from "./identity.ts";
import type { Member } from "./members-store.ts";
import type { RoomSettings } from "./settings-store.ts";

/** Why a verified user is refused a socket in this room (`rate_limited`: a flood's cool-down). */
export type Refusal = Extract<ErrorCode, "not_member" | "room_full" | "rate_limited">;

/** A refusal with what the client needs to act on it. */
export interface Denied {
  code: Refusal;
  message: string;
  /** For `rate_limited`: when to try again. */
  retryAfterMs?: number;
}

/**
 * Whether a verified user may open a socket in this room, decided before the socket exists.
 * Moderators are admitted to rooms their token names: they are how hosts run rooms. Two things
 * outrank that: a user the host removed is banned until the host adds them again, and a `*` token
 * ("every room where I am a member") opens only rooms where the user already is a member.
 */
export function admission(
  settings: RoomSettings,
  member: Member | null,
  /** Called only when a limit applies: counting members is a table scan on every connect otherwise. */
  memberCount: () => number,
  role: Role,
  access: { banned: boolean; wildcard: boolean } = { banned: false, wildcard: false },
): Refusal | null {
  if (access.banned) return "not_member";
  if (access.wildcard) return member ? null : "not_member";
  if (isModerator({ role }) || member) return null;
  if (settings.membersOnly) return "not_member";
  if (settings.maxMembers !== null && memberCount() >= settings.maxMembers) return "room_full";
  return null;
}
