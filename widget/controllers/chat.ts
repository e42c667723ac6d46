/**
 * The conversation: stored messages ordered by seq, the user's outbox, history paging and
 * resume. It hears the room as a connection listener and answers through the link, so it never
 * touches the socket.
 */
import type { ReactiveController, ReactiveControllerHost } from "lit";
import {
  codePointLength,
  HISTORY_PAGE_SIZE,
  MAX_TEXT_LENGTH,
  toWellFormed,
  type ChatMessage,
  type ErrorFrame,
  type ServerMessage,
  type WelcomeFrame,
} from "../../protocol/index.ts";
import { emit } from "../events.ts";
import type { ConnectionListener, RoomLink } from "./connection.ts";
import { highestSeq, mergeBySeq, normalize, oldestSeq } from "../lib/message-list.ts";
import { Outbox } from "../lib/outbox.ts";
import { Pacer } from "../lib/pacer.ts";

type Host = ReactiveControllerHost & HTMLElement;

export type SendResult = { ok: true } | { ok: false; reason: "empty" | "too_long" | "read_only"; length?: number };

export class ChatController implements ReactiveController, ConnectionListener {
  /** Stored messages, ascending seq, no duplicates. */
  messages: ChatMessage[] = [];
  readonly outbox = new Outbox();
  self: Pick<WelcomeFrame, "user" | "name" | "readOnly" | "title"> | null = null;
  /** The room has messages older than the oldest one shown. */
  hasOlder = false;
  loadingOlder = false;
  /** True once the first page of the current session is on screen. */
  loaded = false;

  /** Between `welcome` and the end of history/sync: sending now could overtake missed messages. */
  private resyncing = true;
  private readyEmitted = false;
  /** Sends by client id; spaces them out once the room said "slow down". */
  private pacer = new Pacer<string>((id) => {
    const item = this.outbox.get(id);
    if (item?.status === "pending" && !this.resyncing) this.send({ type: "send", id, text: item.text });
  });

  constructor(
    private host: Host,
    private link: RoomLink,
    private room: () => string,
    private listeners: {
      /** A new live message (others' as they arrive, our own once stored). */
      onLive(m: ChatMessage): void;
      /** History or resume is complete: the conversation on screen is current. */
      onReady(): void;
    },
  ) {
    host.addController(this);
    link.listen(this);
  }

  private send: RoomLink["send"] = (frame) => this.link.send(frame);

  hostDisconnected(): void {
    this.pacer.clear();
  }

  get lastSeq(): number {
    return highestSeq(this.messages);
  }

  /** A new session (room or user changed): forget everything. */
  reset(): void {
    this.messages = [];
    this.outbox.clear();
    this.pacer.clear();
    this.self = null;
    this.hasOlder = false;
    this.loadingOlder = false;
    this.loaded = false;
    this.readyEmitted = false;
    this.resyncing = true;
    this.host.requestUpdate();
  }

  open(): void {
    this.resyncing = true;
    this.loadingOlder = false;
  }

  close(): void {
    // Whatever was in flight is lost with the socket; the resync sends what is still pending.
    this.pacer.clear();
    this.resyncing = true;
    this.loadingOlder = false;
    this.host.requestUpdate();
  }

  frame(frame: ServerMessage): void {
    switch (frame.type) {
      case "welcome":
        this.self = { user: frame.user, name: frame.name, readOnly: frame.readOnly, title: frame.title };
        break;
      case "history":
        if (frame.before === null) {
          this.messages = normalize(frame.messages);
          this.hasOlder = frame.hasMore;
          this.settle(frame.messages);
          this.finishResync();
        } else {
          this.messages = mergeBySeq(this.messages, frame.messages);
          this.hasOlder = frame.hasMore;
          this.loadingOlder = false;
        }
        break;
      case "sync": {
        this.messages = mergeBySeq(this.messages, frame.messages);
        this.settle(frame.messages);
        const last = frame.messages[frame.messages.length - 1];
        if (frame.more && last) this.send({ type: "sync", since: last.seq });
        else this.finishResync();
        break;
      }
      case "ack":
        this.onAck(frame.id, frame.seq, frame.ts);
        break;
      case "message":
        this.onLive(frame.message);
        break;
      case "error":
        if (frame.id && this.outbox.get(frame.id)) this.onSendError(frame.id, frame);
        // `expired` is followed by a 4401 close; the connection decides whether a fresh token fixes it.
        else if (frame.code !== "rate_limited" && frame.code !== "expired") emit(this.host, "inapp-talk-error", { code: frame.code, message: frame.message });
        break;
      default:
        return;
    }
    this.host.requestUpdate();
  }

  /** Queues a message; it shows as pending at once and is sent when the room is ready. */
  sendText(raw: string): SendResult {
    // Half a character (a lone surrogate) would be refused: send what the browser would encode.
    const text = toWellFormed(raw.replace(/^\s*\n|\s+$/g, ""));
    if (text.trim() === "") return { ok: false, reason: "empty" };
    const length = codePointLength(text);
    if (length > MAX_TEXT_LENGTH) return { ok: false, reason: "too_long", length };
    if (this.self?.readOnly) return { ok: false, reason: "read_only" };
    const item = this.outbox.add(text);
    if (!this.resyncing) this.pacer.push(item.id);
    this.host.requestUpdate();
    return { ok: true };
  }

  retry(id: string): void {
    const item = this.outbox.retry(id);
    if (item && !this.resyncing) this.pacer.push(item.id);
    this.host.requestUpdate();
  }

  /** Asks for the page before the oldest message shown (scroll-up). */
  loadOlder(): void {
    const before = oldestSeq(this.messages);
    if (!this.hasOlder || this.loadingOlder || this.resyncing || before === null) return;
    if (this.send({ type: "history", before, limit: HISTORY_PAGE_SIZE })) {
      this.loadingOlder = true;
      this.host.requestUpdate();
    }
  }

  private finishResync(): void {
    this.resyncing = false;
    this.loaded = true;
    // Same ids as before: the room acks what it already stored and stores the rest once.
    for (const item of this.outbox.pending()) this.pacer.push(item.id);
    this.listeners.onReady();
    if (!this.readyEmitted && this.self) {
      this.readyEmitted = true;
      const detail = { room: this.room(), user: this.self.user };
      // Schedule the render first so `updateComplete` waits for the page to be on screen.
      this.host.requestUpdate();
      this.host.updateComplete.then(() => emit(this.host, "inapp-talk-ready", detail));
    }
  }

  /** Messages of ours that a page shows as stored lost their ack in a disconnect. */
  private settle(page: readonly ChatMessage[]): void {
    if (this.outbox.size === 0 || !this.self) return;
    const me = this.self.user;
    this.outbox.settle(page.filter((m) => m.user === me).map((m) => m.id));
  }

  private onAck(id: string, seq: number, ts: number): void {
    this.pacer.done(id);
    const item = this.outbox.take(id);
    if (!item || !this.self) return;
    const message: ChatMessage = { seq, id, user: this.self.user, name: this.self.name, kind: "text", text: item.text, ts };
    const before = this.messages;
    this.messages = mergeBySeq(before, [message]);
    if (this.messages !== before) this.announce(message);
  }

  private onLive(message: ChatMessage): void {
    const before = this.messages;
    this.messages = mergeBySeq(before, [message]);
    if (this.messages !== before) this.announce(message);
  }

  private announce(message: ChatMessage): void {
    this.listeners.onLive(message);
    emit(this.host, "inapp-talk-message", message);
  }

  private onSendError(id: string, frame: ErrorFrame): void {
    if (frame.code === "rate_limited") {
      // Stay pending; it goes first when the bucket has refilled, and the rest wait their turn.
      this.pacer.refused(id, Math.max(250, frame.retryAfterMs ?? 1000));
      return;
    }
    this.pacer.done(id);
    this.outbox.fail(id, frame.code, frame.message);
    emit(this.host, "inapp-talk-error", { code: frame.code, message: frame.message, id });
  }
}
