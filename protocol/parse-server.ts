import { isErrorCode } from "./errors.ts";
import type { ChatMessage, PresenceUser, ReadReceipt, Role, ServerMessage } from "./messages.ts";
import { fail, isRecord, isSeq, ok, type Parsed } from "./result.ts";

/**
 * Parses a frame from the room. The widget trusts its server, but a proxy, an old deployment or a
 * newer protocol can still send something unexpected: it is reported, not cast.
 */
export function parseServerFrame(raw: unknown): Parsed<ServerMessage> {
  if (typeof raw !== "string") return fail("binary_frame", "Expected a text frame.");
  let data: unknown;
  try {
    data = JSON.parse(raw);
  } catch {
    return fail("bad_json", "Frame is not valid JSON.");
  }
  return parseServerMessage(data);
}

export function parseServerMessage(d: unknown): Parsed<ServerMessage> {
  if (!isRecord(d)) return bad("a frame must be an object");
  switch (d.type) {
    case "welcome":
      if (!isSeq(d.v) || !isStr(d.room) || !isStr(d.user) || !isStr(d.name) || !isRole(d.role) || !isSeq(d.lastSeq) || typeof d.readOnly !== "boolean" || !(d.title === null || isStr(d.title))) {
        return bad("welcome");
      }
      return ok({ type: "welcome", v: d.v, room: d.room, user: d.user, name: d.name, role: d.role, lastSeq: d.lastSeq, readOnly: d.readOnly, title: d.title });
    case "history": {
      const messages = chatMessages(d.messages);
      if (!messages || !(d.before === null || isSeq(d.before)) || typeof d.hasMore !== "boolean") return bad("history");
      return ok({ type: "history", messages, before: d.before, hasMore: d.hasMore });
    }
    case "sync": {
      const messages = chatMessages(d.messages);
      if (!messages || typeof d.more !== "boolean") return bad("sync");
      return ok({ type: "sync", messages, more: d.more });
    }
    case "ack":
      if (!isStr(d.id) || !isSeq(d.seq) || !isSeq(d.ts)) return bad("ack");
      return ok({ type: "ack", id: d.id, seq: d.seq, ts: d.ts });
    case "message": {
      const message = chatMessage(d.message);
      return message ? ok({ type: "message", message }) : bad("message");
    }
    case "messages": {
      const messages = chatMessages(d.messages);
      return messages && messages.length > 0 ? ok({ type: "messages", messages }) : bad("messages");
    }
    case "presence": {
      const online = list(d.online, presenceUser);
      return online ? ok({ type: "presence", online }) : bad("presence");
    }
    case "presence_diff": {
      const joined = list(d.joined, presenceUser);
      const left = list(d.left, (x) => (isStr(x) ? x : null));
      return joined && left ? ok({ type: "presence_diff", joined, left }) : bad("presence_diff");
    }
    case "typing":
      if (!isStr(d.user) || !isStr(d.name)) return bad("typing");
      return ok({ type: "typing", user: d.user, name: d.name });
    case "reads": {
      const reads = list(d.reads, readReceipt);
      return reads ? ok({ type: "reads", reads }) : bad("reads");
    }
    case "error": {
      if (!isErrorCode(d.code) || !isStr(d.message)) return bad("error");
      const frame: ServerMessage = { type: "error", code: d.code, message: d.message };
      if (isStr(d.id)) frame.id = d.id;
      if (isSeq(d.retryAfterMs)) frame.retryAfterMs = d.retryAfterMs;
      return ok(frame);
    }
    default:
      return fail("unknown_type", `Unknown frame type from server: ${String(d.type).slice(0, 32)}`);
  }
}

const bad = (what: string): Parsed<ServerMessage> => fail("invalid_message", `Malformed ${what} frame from server.`);
const isStr = (v: unknown): v is string => typeof v === "string";
const isRole = (v: unknown): v is Role => v === "member" || v === "moderator";

function list<T>(value: unknown, item: (x: unknown) => T | null): T[] | null {
  if (!Array.isArray(value)) return null;
  const out: T[] = [];
  for (const x of value) {
    const parsed = item(x);
    if (parsed === null) return null;
    out.push(parsed);
  }
  return out;
}

export function chatMessage(m: unknown): ChatMessage | null {
  if (!isRecord(m)) return null;
  const { seq, id, user, name, text, ts } = m;
  if (!isSeq(seq) || !isStr(id) || !isStr(user) || !isStr(name) || !isStr(text) || !isSeq(ts)) return null;
  return { seq, id, user, name, text, ts };
}

const chatMessages = (v: unknown) => list(v, chatMessage);

function presenceUser(p: unknown): PresenceUser | null {
  return isRecord(p) && isStr(p.user) && isStr(p.name) ? { user: p.user, name: p.name } : null;
}

function readReceipt(r: unknown): ReadReceipt | null {
  return isRecord(r) && isStr(r.user) && isStr(r.name) && isSeq(r.seq) ? { user: r.user, name: r.name, seq: r.seq } : null;
}
