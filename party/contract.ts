/**
 * What the Worker may ask of a room over Durable Object RPC: plain data in and out. The Room class
 * `implements` this, so the compiler holds it to the promise; the Worker calls it through
 * `roomStub()` (worker/rooms-stub.ts) without casts.
 */
import type { ChatMessage, Conversation, Role } from "../protocol/index.ts";
import type { Denied } from "./admission.ts";
import type { ProbeFired } from "./features/probe/index.ts";
import type { Identity } from "./identity.ts";
import type { Member } from "./members-store.ts";
import type { RoomInfo } from "./room-api.ts";
import type { RoomSettings } from "./settings-store.ts";
import type { TimerRow } from "./timers.ts";
import type { Reach, StoredSubscription } from "./user/push-store.ts";
import type { InboxUpdate } from "./user/inbox-types.ts";

/** What the Worker asks of a user's object (party/user.ts). */
export interface UserRpc {
  /** Whether a token issued at `iat` may open `room` now (not revoked, not cooling down after a flood there); remembers the room. */
  admit(room: string, iat: number): { revoked: boolean; retryAfterMs?: number };
  /** A room cut this user off for flooding until `until` (Unix ms): the Worker refuses them at the door. */
  cooldown(room: string, until: number): void;
  /** Whether a token issued at `iat` was revoked. */
  revoked(iat: number): boolean;
  /** Refuses this user's tokens issued until now; returns the boundary and the rooms to tell. */
  revoke(nowMs: number): { before: number; rooms: string[] };
  /** A room's latest state for this user (rooms' inbox feature); an older `rev` than the stored one is ignored. */
  inboxUpdate(update: InboxUpdate): void;
  /** Inbox rows, newest activity first, after cursor `before`; `next` is the following page's cursor or null. */
  inboxPage(before: string | null, limit: number): Promise<{ conversations: Conversation[]; next: string | null }>;
  /** Unread across the user's conversations. */
  inboxUnread(): Promise<number>;
  /** Whether the user has an inbox socket open now. */
  inboxOpen(): boolean;
  /** Test hooks only (INAPP_TALK_TEST_HOOKS=true; throws otherwise): update counts; `fail` refuses the next n updates. */
  inboxTest(set?: { fail: number }): { updates: number; failed: number };
  /** Web push (party/user/push-store.ts): adds or updates a device; returns how many the user has. */
  pushSubscribe(subscription: StoredSubscription): number;
  /** Removes a device (unsubscribed, or the push service answered 404/410); false when unknown. */
  pushUnsubscribe(endpoint: string): boolean;
  pushMute(room: string, muted: boolean): void;
  pushMuted(room: string): boolean;
  /** The devices a room should push to now: none when the room is muted or the inbox is open. */
  pushTargets(room: string): StoredSubscription[];
  /** Why a room's notification would or would not reach this user now (muted, inbox open, how many devices): the fallback's question. */
  reach(room: string): Reach;
}

export interface RoomRpc {
  /** Why this user would be refused a socket (members-only, full, cooling down after a flood), or null. */
  admit(identity: Pick<Identity, "user" | "role" | "wildcard">): Denied | null;
  /** Entries with seq < before (null: the latest), oldest first. */
  transcript(before: number | null, limit: number): ChatMessage[];
  info(): RoomInfo;
  configure(patch: Partial<RoomSettings>, members: { user: string; name: string }[] | undefined): RoomInfo;
  addMember(user: string, name: string, role: Role): Member;
  /** Removes a member; false when they were not one. */
  removeMember(user: string): boolean;
  /** Closes this user's sockets whose token was issued before `before` (Unix seconds) with 4401; returns how many. */
  revoke(user: string, before: number): number;
  /** A callee declined a call from a push notification (signed action token checked by the Worker); false when it no longer rings. */
  declineCall(callId: string, user: string): boolean;
  /** A member's inbox row as of now (a user's object reading a large room, see party/features/inbox); conversation null for a non-member. */
  inboxRow(user: string): InboxUpdate;
  /** The user has an inbox open until `until` (Unix ms), or closed it (null): a large room sends them live rows meanwhile. */
  inboxWatch(user: string, until: number | null): void;
  /** Test hooks only (INAPP_TALK_TEST_HOOKS=true; throws otherwise). */
  probe(set?: { key: string; at: number; payload: unknown }): { fired: ProbeFired[]; timers: TimerRow[] };
}
