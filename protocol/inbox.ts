/**
 * The inbox: every conversation a user is a member of, on a socket of its own to the user's object
 * (`/parties/user/<user>?token=<a "*" token>`), not to a room. The same row shape is what the host
 * API returns (`GET /api/users/:user/rooms`), so one serializer serves both.
 */
import { decodeJson, fail, isRecord, isSeq, isStr, list, malformed, ok, type FrameParser, type Parsed } from "./result.ts";
import { sessionServerParsers, type ErrorFrame } from "./session.ts";

/** The latest entry of a conversation, as its inbox row shows it. */
export interface InboxLast {
  seq: number;
  kind: string;
  user: string;
  name: string;
  /** The entry's plain-text fallback (`text`), trimmed for a preview. */
  text: string;
  ts: number;
}

/** The other member of a two-member room, for the row's name and online dot. */
export interface InboxPeer {
  user: string;
  name: string;
  online: boolean;
}

/** One conversation row. */
export interface Conversation {
  room: string;
  /** The host's title; else, with two members, the other member's name; else the member names. */
  title: string;
  last: InboxLast | null;
  /** Entries from others with seq above `last_read` (exact; the widget caps what it shows). */
  unread: number;
  last_read: number;
  /** Set in a room with exactly two members. */
  peer: InboxPeer | null;
}

/** Longest preview text a row carries. */
export const INBOX_PREVIEW_LENGTH = 140;
/** Rows in the first page and in each page asked for. */
export const INBOX_PAGE_SIZE = 30;

/** Asks for the page after cursor `before` (the `next` of the previous page). */
export interface InboxPageFrame {
  type: "inbox_page";
  before: string;
}

export type InboxClientFrame = InboxPageFrame;

/** A page of rows, newest activity first. Sent unasked on connect (the first page). */
export interface InboxFrame {
  type: "inbox";
  conversations: Conversation[];
  /** Cursor for the next page, or null at the end. */
  next: string | null;
  /** Whether this is the first page (a fresh list replaces what the client had). */
  first: boolean;
  /** Unread across all conversations. */
  total: number;
}

/** A row changed (new entry, read, title, membership, peer online): the client moves it to its place. */
export interface InboxRowFrame {
  type: "inbox_row";
  conversation: Conversation;
  total: number;
}

/** The user is no longer a member of `room` (removed by the host): drop its row. */
export interface InboxRemovedFrame {
  type: "inbox_removed";
  room: string;
  total: number;
}

export type InboxServerFrame = InboxFrame | InboxRowFrame | InboxRemovedFrame;

export const inboxClientParsers: { [K in InboxClientFrame["type"]]: FrameParser<InboxClientFrame> } = {
  inbox_page: (d) =>
    isStr(d.before) && d.before.length <= 200
      ? ok({ type: "inbox_page", before: d.before })
      : fail("invalid_message", "inbox_page.before must be a cursor string."),
};

export const inboxServerParsers: { [K in InboxServerFrame["type"]]: FrameParser<InboxServerFrame> } = {
  inbox: (d) => {
    const conversations = list(d.conversations, parseConversation);
    if (!conversations || !(d.next === null || isStr(d.next)) || typeof d.first !== "boolean" || !isSeq(d.total)) return malformed("inbox");
    return ok({ type: "inbox", conversations, next: d.next, first: d.first, total: d.total });
  },
  inbox_row: (d) => {
    const conversation = parseConversation(d.conversation);
    return conversation && isSeq(d.total) ? ok({ type: "inbox_row", conversation, total: d.total }) : malformed("inbox_row");
  },
  inbox_removed: (d) => (isStr(d.room) && isSeq(d.total) ? ok({ type: "inbox_removed", room: d.room, total: d.total }) : malformed("inbox_removed")),
};

export function parseConversation(c: unknown): Conversation | null {
  if (!isRecord(c) || !isStr(c.room) || !isStr(c.title) || !isSeq(c.unread) || !isSeq(c.last_read)) return null;
  const last = c.last === null ? null : parseLast(c.last);
  const peer = c.peer === null ? null : parsePeer(c.peer);
  if ((c.last !== null && !last) || (c.peer !== null && !peer)) return null;
  return { room: c.room, title: c.title, last, unread: c.unread, last_read: c.last_read, peer };
}

function parseLast(l: unknown): InboxLast | null {
  if (!isRecord(l) || !isSeq(l.seq) || !isStr(l.kind) || !isStr(l.user) || !isStr(l.name) || !isStr(l.text) || !isSeq(l.ts)) return null;
  return { seq: l.seq, kind: l.kind, user: l.user, name: l.name, text: l.text, ts: l.ts };
}

function parsePeer(p: unknown): InboxPeer | null {
  return isRecord(p) && isStr(p.user) && isStr(p.name) && typeof p.online === "boolean" ? { user: p.user, name: p.name, online: p.online } : null;
}

const INBOX_SERVER_PARSERS: { [K in InboxServerFrame["type"] | "error"]: FrameParser<InboxServerFrame | ErrorFrame> } = {
  ...inboxServerParsers,
  error: sessionServerParsers.error as FrameParser<ErrorFrame>,
};

/** Parses a frame from the user's object on the inbox socket (its rows, or an error). */
export function parseInboxServerFrame(raw: unknown): Parsed<InboxServerFrame | ErrorFrame> {
  if (typeof raw !== "string") return fail("binary_frame", "Expected a text frame.");
  const decoded = decodeJson(raw);
  if (!decoded.ok) return decoded;
  const d = decoded.value;
  if (!isRecord(d)) return fail("invalid_message", "Malformed frame from server: a frame must be an object.");
  const parse =
    typeof d.type === "string" && Object.hasOwn(INBOX_SERVER_PARSERS, d.type) ? INBOX_SERVER_PARSERS[d.type as keyof typeof INBOX_SERVER_PARSERS] : undefined;
  return parse ? parse(d) : fail("unknown_type", `Unknown inbox frame type: ${String(d.type).slice(0, 32)}`);
}

/** Parses a frame from a client on the inbox socket. */
export function parseInboxClientFrame(raw: unknown): Parsed<InboxClientFrame> {
  if (typeof raw !== "string") return fail("binary_frame", "Expected a text frame.");
  const decoded = decodeJson(raw);
  if (!decoded.ok) return decoded;
  const d = decoded.value;
  if (!isRecord(d)) return fail("invalid_message", "A frame must be a JSON object.");
  const parse = typeof d.type === "string" && Object.hasOwn(inboxClientParsers, d.type) ? inboxClientParsers[d.type as InboxClientFrame["type"]] : undefined;
  return parse ? parse(d) : fail("unknown_type", `Unknown inbox frame type: ${String(d.type).slice(0, 32)}`);
}
