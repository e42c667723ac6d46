import { callsClientParsers } from "./calls.ts";
import { chatClientParsers } from "./chat.ts";
import { MAX_FRAME_BYTES, utf8Length } from "./limits.ts";
import type { ClientMessage } from "./messages.ts";
import { presenceClientParsers } from "./presence.ts";
import { readsClientParsers } from "./reads.ts";
import { decodeJson, fail, isRecord, type FrameParser, type Parsed } from "./result.ts";

/** Every client frame type and its parser; a feature's frames join with one line. */
const PARSERS: { [K in ClientMessage["type"]]: FrameParser<ClientMessage> } = {
  ...chatClientParsers,
  ...presenceClientParsers,
  ...readsClientParsers,
  ...callsClientParsers,
};

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
  const decoded = decodeJson(raw);
  return decoded.ok ? parseClientMessage(decoded.value) : decoded;
}

/** Validates a decoded client message. */
export function parseClientMessage(data: unknown): Parsed<ClientMessage> {
  if (!isRecord(data)) return fail("invalid_message", "A message must be a JSON object.");
  if (typeof data.type !== "string") return fail("invalid_message", "A message needs a string `type`.");
  const parse = Object.hasOwn(PARSERS, data.type) ? PARSERS[data.type as ClientMessage["type"]] : undefined;
  if (!parse) return fail("unknown_type", `Unknown message type "${data.type.slice(0, 32)}".`);
  return parse(data);
}
