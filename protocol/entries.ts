/**
 * History entries. Every entry has a `kind` and a plain-text `text` — what an older widget, a push
 * preview, a webhook or the transcript shows when it does not know the kind. Kind-specific fields
 * live in `data`. Kinds are additive: a new kind needs no new protocol version, because a client
 * that does not know it renders its `text`.
 */
import { isRecord, isSeq } from "./result.ts";

/** Kinds this protocol defines: `text` today; the others are reserved for calls, files, locations, cards and notices. */
export const ENTRY_KINDS = ["text", "call", "file", "location", "card", "notice"] as const;
export type KnownEntryKind = (typeof ENTRY_KINDS)[number];
/** A kind from a newer server is still a string: render it by its `text`. */
export type EntryKind = KnownEntryKind | (string & {});

/** Kind-specific fields of an entry: a JSON object. */
export type EntryData = { [key: string]: unknown };

/** Longest kind name accepted from a server; kinds are short identifiers. */
const MAX_KIND_LENGTH = 32;
const KIND_PATTERN = /^[a-z][a-z0-9_]*$/;

/** A stored history entry. `seq` orders a room; `user`, `name` and `ts` are stamped by the server. */
export interface ChatMessage {
  /** Per-room sequence, 1, 2, 3… assigned when the entry is stored. */
  seq: number;
  /** Client-generated id (server-generated for entries the room writes itself); resending it is idempotent. */
  id: string;
  /** Author's user id (from the verified token, never from the client frame). */
  user: string;
  /** Author's display name at the time of writing. */
  name: string;
  /** What the entry is; `text` for a chat message. */
  kind: EntryKind;
  /** Plain text: the message itself, or a readable fallback for other kinds. */
  text: string;
  /** Kind-specific fields; absent for `text`. */
  data?: EntryData;
  /** Server time of storage, Unix milliseconds. */
  ts: number;
}

export const isKnownKind = (kind: string): kind is KnownEntryKind => (ENTRY_KINDS as readonly string[]).includes(kind);

/**
 * Parses one entry from the server, or null when it is malformed. A missing kind is `text` (a server
 * from before kinds existed); an unknown kind is kept, so the client can fall back to its `text`.
 */
export function parseEntry(m: unknown): ChatMessage | null {
  if (!isRecord(m)) return null;
  const { seq, id, user, name, text, ts, data } = m;
  const kind = m.kind ?? "text";
  if (!isSeq(seq) || !isStr(id) || !isStr(user) || !isStr(name) || !isStr(text) || !isSeq(ts)) return null;
  if (!isStr(kind) || kind.length > MAX_KIND_LENGTH || !KIND_PATTERN.test(kind)) return null;
  if (data !== undefined && !isRecord(data)) return null;
  const entry: ChatMessage = { seq, id, user, name, kind, text, ts };
  if (data !== undefined) entry.data = data;
  return entry;
}

/**
 * Parses a list of entries, skipping malformed ones: one bad entry must not cost the reader the
 * whole page. Null only when the value is not a list at all.
 */
export function parseEntries(value: unknown): ChatMessage[] | null {
  if (!Array.isArray(value)) return null;
  const out: ChatMessage[] = [];
  for (const item of value) {
    const entry = parseEntry(item);
    if (entry) out.push(entry);
  }
  return out;
}

const isStr = (v: unknown): v is string => typeof v === "string";
