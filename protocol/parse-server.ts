import { callsServerParsers } from "./calls.ts";
import { chatServerParsers } from "./chat.ts";
import type { ServerMessage } from "./messages.ts";
import { presenceServerParsers } from "./presence.ts";
import { readsServerParsers } from "./reads.ts";
import { decodeJson, fail, isRecord, type FrameParser, type Parsed } from "./result.ts";
import { sessionServerParsers } from "./session.ts";

/** Every server frame type and its parser; a feature's frames join with one line. */
const PARSERS: { [K in ServerMessage["type"]]: FrameParser<ServerMessage> } = {
  ...sessionServerParsers,
  ...chatServerParsers,
  ...presenceServerParsers,
  ...readsServerParsers,
  ...callsServerParsers,
};

/**
 * Parses a frame from the room. The widget trusts its server, but a proxy, an old deployment or a
 * newer protocol can still send something unexpected: it is reported, not cast.
 */
export function parseServerFrame(raw: unknown): Parsed<ServerMessage> {
  if (typeof raw !== "string") return fail("binary_frame", "Expected a text frame.");
  const decoded = decodeJson(raw);
  return decoded.ok ? parseServerMessage(decoded.value) : decoded;
}

export function parseServerMessage(d: unknown): Parsed<ServerMessage> {
  if (!isRecord(d)) return fail("invalid_message", "Malformed frame from server: a frame must be an object.");
  const parse = typeof d.type === "string" && Object.hasOwn(PARSERS, d.type) ? PARSERS[d.type as ServerMessage["type"]] : undefined;
  if (!parse) return fail("unknown_type", `Unknown frame type from server: ${String(d.type).slice(0, 32)}`);
  return parse(d);
}
