/**
 * Chat: write → ack → broadcast for sends, the first page on join, history pages and resume.
 * Writes that arrive during a disk sync share the next transaction (group commit); acks still wait
 * for their batch to be durable (the output gate).
 */
import { HISTORY_PAGE_SIZE, JOIN_PAGE_SIZE, MAX_RESUME_GAP, SYNC_PAGE_SIZE, type ChatMessage, type ServerMessage } from "../../../protocol/index.ts";
import type { Conn, RoomContext, RoomFeature } from "../../feature.ts";
import type { Identity } from "../../identity.ts";
import { canWrite } from "../../identity.ts";
import type { MessageStore, NewEntry } from "../../messages-store.ts";
import { GroupCommit } from "./group-commit.ts";

interface PendingWrite {
  conn: Conn;
  entry: NewEntry;
}

export function chat(ctx: RoomContext, messages: MessageStore): RoomFeature {
  const commits = new GroupCommit<PendingWrite>(
    () => ctx.sync(),
    (batch) => store(batch),
  );

  /**
   * Write, then ack, then broadcast, for a batch of sends: the output gate holds every frame until
   * the batch's transaction is durable. A resend of a stored id (even within the batch) gets the
   * original ack and is not broadcast again.
   */
  function store(batch: PendingWrite[]) {
    const now = Date.now();
    const stored: { message: ChatMessage; from: Conn }[] = [];
    for (const { conn, entry } of batch) {
      const { duplicate, ...message } = messages.append(entry, now);
      ctx.send(conn, { type: "ack", id: message.id, seq: message.seq, ts: message.ts });
      if (!duplicate) stored.push({ message, from: conn });
    }
    broadcastNew(stored);
    if (stored.length > 0) ctx.emit.stored(stored.map((s) => s.message));
  }

  /**
   * One frame per listener for the whole batch, serialized once for everybody who sent nothing in it;
   * a sender gets the batch without its own entries (it has their acks).
   */
  function broadcastNew(stored: { message: ChatMessage; from: Conn }[]) {
    if (stored.length === 0) return;
    const frameOf = (list: ChatMessage[]): ServerMessage => (list.length === 1 ? { type: "message", message: list[0]! } : { type: "messages", messages: list });
    const senders = new Set(stored.map((s) => s.from));
    ctx.fanout(frameOf(stored.map((s) => s.message)), senders);
    if (senders.size === 1) return;
    for (const conn of senders) {
      const others = stored.filter((s) => s.from !== conn).map((s) => s.message);
      if (others.length > 0) ctx.send(conn, frameOf(others));
    }
  }

  /** A resuming client gets exactly what it missed; a new one (or one too far behind) the latest page. */
  function initialPage(conn: Conn, sinceParam: string | null) {
    const since = sinceParam === null ? NaN : Number(sinceParam);
    const last = messages.lastSeq;
    if (Number.isSafeInteger(since) && since >= 0 && since <= last && last - since <= MAX_RESUME_GAP) {
      ctx.send(conn, { type: "sync", ...messages.after(since, SYNC_PAGE_SIZE) });
    } else {
      ctx.send(conn, { type: "history", before: null, ...messages.before(null, JOIN_PAGE_SIZE) });
    }
  }

  return {
    name: "chat",
    join: (conn, _identity, url) => initialPage(conn, url.searchParams.get("since")),
    frames: {
      send(conn: Conn, identity: Identity, frame) {
        if (!canWrite(identity, ctx.settings.get())) return ctx.error(conn, "read_only", "This room is read-only.", { id: frame.id });
        commits.push({ conn, entry: { user: identity.user, name: identity.name, id: frame.id, kind: "text", text: frame.text } });
      },
      history(conn, _identity, frame) {
        const page = messages.before(frame.before, frame.limit ?? HISTORY_PAGE_SIZE);
        ctx.send(conn, { type: "history", before: frame.before, ...page });
      },
      sync(conn, _identity, frame) {
        ctx.send(conn, { type: "sync", ...messages.after(frame.since, SYNC_PAGE_SIZE) });
      },
    },
  };
}
