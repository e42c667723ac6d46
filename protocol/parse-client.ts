import { codePointLength, utf8Length, MAX_FRAME_BYTES, MAX_HISTORY_LIMIT, MAX_TEXT_LENGTH, MESSAGE_ID_PATTERN } from "./limits.ts";
import type { ClientMessage } from "./messages.ts";
import { fail, isRecord, isSeq, ok, type Parsed } from "./result.ts";

/**
 * Parses one raw WebSocket frame from a client. Binary frames, oversize frames and non-JSON are
 * refused before any field is looked at.
 */
export function parseClientFrame(raw: unknown): Parsed<ClientMessage> {
  if (typeof raw !== "string") return fail("binary_frame", "Frames must be JSON text, not binary.");
  // A UTF-16 length of a third of the limit cannot exceed it in UTF-8; only measure when it might.
  if (raw.length * 3 > MAX_FRAME_BYTES && utf8Length(raw) > MAX_FRAME_BYTES) {
    return fail("frame_too_large", `Frames are limited to ${MAX_FRAME_BYTES} bytes.`);
  }
  let data: unknown;
  try {
    data = JSON.parse(raw);
  } catch {
    return fail("bad_json", "Frame is not valid JSON.");
  }
  return parseClientMessage(data);
}

/** Validates a decoded client message. */
export function parseClientMessage(data: unknown): Parsed<ClientMessage> {
  if (!isRecord(data)) return fail("invalid_message", "A message must be a JSON object.");
  switch (data.type) {
    case "send":
      return parseSend(data);
    case "history": {
      if (!isSeq(data.before)) return fail("invalid_message", "history.before must be a non-negative integer.");
      if (data.limit === undefined) return ok({ type: "history", before: data.before });
      if (!isSeq(data.limit) || data.limit < 1 || data.limit > MAX_HISTORY_LIMIT) {
        return fail("invalid_message", `history.limit must be an integer from 1 to ${MAX_HISTORY_LIMIT}.`);
      }
      return ok({ type: "history", before: data.before, limit: data.limit });
    }
    case "sync":
      if (!isSeq(data.since)) return fail("invalid_message", "sync.since must be a non-negative integer.");
      return ok({ type: "sync", since: data.since });
    case "typing":
      return ok({ type: "typing" });
    case "read":
      if (!isSeq(data.seq)) return fail("invalid_message", "read.seq must be a non-negative integer.");
      return ok({ type: "read", seq: data.seq });
    default:
      if (typeof data.type !== "string") return fail("invalid_message", "A message needs a string `type`.");
      return fail("unknown_type", `Unknown message type "${data.type.slice(0, 32)}".`);
  }
}

function parseSend(data: Record<string, unknown>): Parsed<ClientMessage> {
  const { id, text } = data;
  if (typeof id !== "string" || !MESSAGE_ID_PATTERN.test(id)) {
    return fail("invalid_message", "send.id must be 8–64 characters of A–Z, a–z, 0–9, _ or -.");
  }
  if (typeof text !== "string") return fail("invalid_message", "send.text must be a string.", id);
  if (text.trim() === "") return fail("empty_text", "Message text is empty.", id);
  if (codePointLength(text) > MAX_TEXT_LENGTH) {
    return fail("text_too_long", `Messages are limited to ${MAX_TEXT_LENGTH} characters.`, id);
  }
  return ok({ type: "send", id, text });
}
