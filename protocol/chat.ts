/** Chat frames: sending entries, their acks and broadcasts, history pages and resume. */
import { parseEntries, parseEntry, type ChatMessage } from "./entries.ts";
import { codePointLength, isWellFormed, MAX_HISTORY_LIMIT, MAX_TEXT_LENGTH, MESSAGE_ID_PATTERN } from "./limits.ts";
import { fail, isSeq, isStr, malformed, ok, type FrameParser } from "./result.ts";

// ---- client → server ------------------------------------------------------------------------

/** Send a text message. The room answers `ack` (also for a resend of a stored id) or `error` with this `id`. */
export interface SendFrame {
  type: "send";
  id: string;
  text: string;
}

/** Ask for an older page: entries with seq < before, newest `limit` of them, returned oldest first. */
export interface HistoryRequestFrame {
  type: "history";
  before: number;
  limit?: number;
}

/** Ask for entries after `since` (resume). The room answers `sync` pages until `more` is false. */
export interface SyncRequestFrame {
  type: "sync";
  since: number;
}

export type ChatClientFrame = SendFrame | HistoryRequestFrame | SyncRequestFrame;

// ---- server → client ------------------------------------------------------------------------

/** A page of history, oldest first. `before: null` is the latest page and replaces what the client shows. */
export interface HistoryFrame {
  type: "history";
  messages: ChatMessage[];
  before: number | null;
  hasMore: boolean;
}

/** Entries after the client's `since`, oldest first; ask again from the last one while `more`. */
export interface SyncFrame {
  type: "sync";
  messages: ChatMessage[];
  more: boolean;
}

/** The entry with this client id is durably stored as `seq`. */
export interface AckFrame {
  type: "ack";
  id: string;
  seq: number;
  ts: number;
}

/** A new entry from another connection. */
export interface MessageFrame {
  type: "message";
  message: ChatMessage;
}

/**
 * Several new entries at once, oldest first: what a busy room sends instead of one `message` frame
 * each when several were committed together (fewer frames per listener). Never includes the
 * receiving connection's own messages — it learns of those by `ack`.
 */
export interface MessagesFrame {
  type: "messages";
  messages: ChatMessage[];
}

export type ChatServerFrame = HistoryFrame | SyncFrame | AckFrame | MessageFrame | MessagesFrame;

// ---- parsers --------------------------------------------------------------------------------

export const chatClientParsers: { [K in ChatClientFrame["type"]]: FrameParser<ChatClientFrame> } = {
  send: (data) => {
    const { id, text } = data;
    if (typeof id !== "string" || !MESSAGE_ID_PATTERN.test(id)) {
      return fail("invalid_message", "send.id must be 8–64 characters of A–Z, a–z, 0–9, _ or -.");
    }
    if (typeof text !== "string") return fail("invalid_message", "send.text must be a string.", id);
    if (text.trim() === "") return fail("empty_text", "Message text is empty.", id);
    if (!isWellFormed(text)) return fail("invalid_text", "Message text has a lone UTF-16 surrogate (half a character).", id);
    if (codePointLength(text) > MAX_TEXT_LENGTH) {
      return fail("text_too_long", `Messages are limited to ${MAX_TEXT_LENGTH} characters.`, id);
    }
    return ok({ type: "send", id, text });
  },
  history: (data) => {
    if (!isSeq(data.before)) return fail("invalid_message", "history.before must be a non-negative integer.");
    if (data.limit === undefined) return ok({ type: "history", before: data.before });
    if (!isSeq(data.limit) || data.limit < 1 || data.limit > MAX_HISTORY_LIMIT) {
      return fail("invalid_message", `history.limit must be an integer from 1 to ${MAX_HISTORY_LIMIT}.`);
    }
    return ok({ type: "history", before: data.before, limit: data.limit });
  },
  sync: (data) => {
    if (!isSeq(data.since)) return fail("invalid_message", "sync.since must be a non-negative integer.");
    return ok({ type: "sync", since: data.since });
  },
};

export const chatServerParsers: { [K in ChatServerFrame["type"]]: FrameParser<ChatServerFrame> } = {
  history: (d) => {
    const messages = parseEntries(d.messages);
    if (!messages || !(d.before === null || isSeq(d.before)) || typeof d.hasMore !== "boolean") return malformed("history");
    return ok({ type: "history", messages, before: d.before, hasMore: d.hasMore });
  },
  sync: (d) => {
    const messages = parseEntries(d.messages);
    if (!messages || typeof d.more !== "boolean") return malformed("sync");
    return ok({ type: "sync", messages, more: d.more });
  },
  ack: (d) => {
    if (!isStr(d.id) || !isSeq(d.seq) || !isSeq(d.ts)) return malformed("ack");
    return ok({ type: "ack", id: d.id, seq: d.seq, ts: d.ts });
  },
  message: (d) => {
    const message = parseEntry(d.message);
    return message ? ok({ type: "message", message }) : malformed("message");
  },
  messages: (d) => {
    const messages = parseEntries(d.messages);
    return messages && messages.length > 0 ? ok({ type: "messages", messages }) : malformed("messages");
  },
};
