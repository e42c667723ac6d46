/** How one member's inbox row for this room is built from the room's state (pure: no I/O). */
import { INBOX_PREVIEW_LENGTH, type ChatMessage, type Conversation, type InboxLast } from "../../../protocol/index.ts";
import type { Member } from "../../members-store.ts";

/** A title made of member names lists this many, then "+N". */
const TITLE_NAMES = 4;
/** The members a view needs: any member's title names four others, so the first five in join order cover everyone. */
export const VIEW_MEMBERS = TITLE_NAMES + 1;

/** What every member's row of one flush shares, read once per flush. */
export interface RoomView {
  room: string;
  /** The host's title (PUT /api/rooms/:room), or null. */
  hostTitle: string | null;
  /** How many members the room has. */
  count: number;
  /** The first VIEW_MEMBERS members in join order (all of them in a small room), not the whole list: a large room's flush for a few watchers reads five rows, not 1,000. */
  members: readonly Member[];
  last: ChatMessage | null;
}

/** The host's title; else, with exactly two members, the other member's name; else the others' names. */
export function titleFor(view: RoomView, user: string): string {
  if (view.hostTitle) return view.hostTitle;
  const others = view.members.filter((m) => m.user !== user).map((m) => m.name);
  if (others.length === 0) return view.room;
  const shown = others.slice(0, TITLE_NAMES);
  // `user` is a member (a non-member has no row): everyone else counts.
  const more = view.count - 1 - shown.length;
  return more > 0 ? `${shown.join(", ")} +${more}` : shown.join(", ");
}

/** One line of plain text, at most INBOX_PREVIEW_LENGTH code points (never half a character). */
export function preview(text: string): string {
  const line = text.replace(/\s+/g, " ").trim();
  const chars = Array.from(line);
  return chars.length <= INBOX_PREVIEW_LENGTH ? line : `${chars.slice(0, INBOX_PREVIEW_LENGTH - 1).join("")}…`;
}

export function lastOf(entry: ChatMessage | null): InboxLast | null {
  return entry && { seq: entry.seq, kind: entry.kind, user: entry.user, name: entry.name, text: preview(entry.text), ts: entry.ts };
}

/** The row for `member`; `unread` and `online` come from the room's stores and sockets. */
export function conversationFor(view: RoomView, member: Member, unread: number, online: (user: string) => boolean): Conversation {
  const other = view.count === 2 ? view.members.find((m) => m.user !== member.user) : undefined;
  return {
    room: view.room,
    title: titleFor(view, member.user),
    last: lastOf(view.last),
    unread,
    last_read: member.lastRead,
    peer: other ? { user: other.user, name: other.name, online: online(other.user) } : null,
  };
}
