import { callsServerParsers } from "./calls.ts";
import { chatServerParsers } from "./chat.ts";
import type { JoinPart, ServerMessage } from "./messages.ts";
import { presenceServerParsers } from "./presence.ts";
import { readsServerParsers } from "./reads.ts";
import { decodeJson, fail, isRecord, malformed, ok, type FrameParser, type Parsed } from "./result.ts";
import { sessionServerParsers } from "./session.ts";

/** Every server frame type and its parser; a feature's frames join with one line. */
const PARSERS: { [K in ServerMessage["type"]]: FrameParser<ServerMessage> } = {
  ...sessionServerParsers,
  ...chatServerParsers,
  ...presenceServerParsers,
  ...readsServerParsers,
  ...callsServerParsers,
  joined: parseJoined,
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

/**
 * `joined`: a welcome first, then join parts, each parsed as if it had arrived alone. A part of a type
 * this client does not know is left out, as v1 ignores an unknown frame (a newer room may add one);
 * a malformed part, a second welcome or a nested join makes the whole frame malformed.
 */
function parseJoined(d: Record<string, unknown>): Parsed<ServerMessage> {
  const frames: ServerMessage[] = [];
  for (const raw of Array.isArray(d.frames) ? d.frames : []) {
    const part = parseServerMessage(raw);
    if (part.ok) frames.push(part.value);
    else if (part.code !== "unknown_type") return malformed("joined");
  }
  const [welcome, ...parts] = frames;
  return welcome?.type === "welcome" && parts.every(isJoinPart) ? ok({ type: "joined", frames: [welcome, ...parts] }) : malformed("joined");
}

const isJoinPart = (f: ServerMessage): f is JoinPart => f.type !== "welcome" && f.type !== "joined";
