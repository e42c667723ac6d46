import { LitElement, html, nothing, type PropertyValues } from "lit";
import { ROOM_ID_PATTERN, MAX_NAME_LENGTH, MAX_TEXT_LENGTH, type ChatMessage } from "../protocol/index.ts";
import { ChatController } from "./controllers/chat.ts";
import { ConnectionController, type SessionConfig } from "./controllers/connection.ts";
import { ScrollController } from "./controllers/scroll.ts";
import type { WidgetError } from "./events.ts";
import { resolveLang, t, type Lang, type MessageKey } from "./i18n/index.ts";
import { decodeJwt } from "./lib/jwt.ts";
import { styles } from "./inapp-talk.styles.ts";
import { renderMessageRows } from "./views/messages.ts";

/** The origin this script was loaded from: the default backend. */
const SCRIPT_ORIGIN = new URL(import.meta.url).origin;

/**
 * A chat panel for one room, connected to an inapp-talk server.
 *
 * @example
 * <script type="module" src="https://chat.example.com/inapp-talk.js"></script>
 * <inapp-talk room="order-1234" token-url="/api/chat-token" lang="ko"></inapp-talk>
 *
 * @fires inapp-talk-ready - Connected and the first history page is shown. detail: `{ room, user }`
 * @fires inapp-talk-message - A new live message (own ones once stored). detail: the ChatMessage
 * @fires inapp-talk-error - detail: `{ code, message }`; `unauthorized` / `forbidden` / `expired` stop retrying
 * @fires inapp-talk-unread - detail: `{ count }` of messages from others not yet seen
 *
 * @csspart panel - The chat surface.
 * @csspart header - Title, presence and status bar.
 * @csspart status - Connection state (`data-state`: connecting, connected, reconnecting, offline, error).
 * @csspart messages - The scrolling message list.
 * @csspart message - One message; `data-author`, `data-seq` once stored, `data-status` on own messages.
 * @csspart receipt - "Seen" note under an own message.
 * @csspart composer - The form around input and send.
 * @csspart input - The text area.
 * @csspart send - The send button.
 *
 * @cssproperty --inapp-talk-accent - Own bubbles, send button. @cssproperty --inapp-talk-accent-text
 * @cssproperty --inapp-talk-bg @cssproperty --inapp-talk-surface @cssproperty --inapp-talk-text
 * @cssproperty --inapp-talk-muted @cssproperty --inapp-talk-border @cssproperty --inapp-talk-link
 * @cssproperty --inapp-talk-danger @cssproperty --inapp-talk-focus @cssproperty --inapp-talk-font
 * @cssproperty --inapp-talk-font-size @cssproperty --inapp-talk-radius @cssproperty --inapp-talk-spacing
 * @cssproperty --inapp-talk-height - Inline height (default 100% of the container). @cssproperty --inapp-talk-min-height
 */
export class InappTalk extends LitElement {
  static styles = styles;

  static properties = {
    room: { type: String },
    server: { type: String },
    token: { type: String },
    tokenUrl: { type: String, attribute: "token-url" },
    guest: { type: Boolean },
    name: { type: String },
    lang: { type: String },
    theme: { type: String, reflect: true },
    hint: { state: true },
    announcement: { state: true },
  };

  declare room: string;
  /** Backend origin; defaults to where inapp-talk.js was loaded from. */
  declare server: string;
  declare token: string;
  declare tokenUrl: string;
  declare guest: boolean;
  /** Display name for guests. */
  declare name: string;
  declare lang: string;
  declare theme: "light" | "dark" | "auto";
  declare protected hint: string;
  declare protected announcement: string;

  private sessionKey = "";
  private roomKey = "";

  private connection: ConnectionController = new ConnectionController(this, () => this.sessionConfig(), {
    onOpen: () => this.chat.onOpen(),
    onFrame: (frame) => this.chat.onFrame(frame),
    onClose: () => this.chat.onClose(),
    lastSeq: () => this.chat.lastSeq,
  });
  private chat: ChatController = new ChatController(this, (frame) => this.connection.send(frame), () => this.room, {
    onLive: (m) => this.onLiveMessage(m),
  });
  private scroller = new ScrollController(
    this,
    () => this.renderRoot?.querySelector<HTMLElement>('[part="messages"]') ?? null,
    () => this.chat.loadOlder(),
  );

  constructor() {
    super();
    this.room = "";
    this.server = "";
    this.token = "";
    this.tokenUrl = "";
    this.guest = false;
    this.name = "";
    this.hint = "";
    this.announcement = "";
  }

  /** The active UI language. */
  get language(): Lang {
    return resolveLang(this.lang);
  }

  protected updated(changed: PropertyValues<this>): void {
    super.updated(changed);
    if (!this.isConnected) return;
    const key = this.currentSessionKey();
    if (key === this.sessionKey) return;
    const roomKey = `${this.room}|${this.resolvedServer()}`;
    if (roomKey !== this.roomKey) this.chat.reset();
    this.connection.restart();
  }

  private currentSessionKey(): string {
    return JSON.stringify([this.room, this.resolvedServer(), this.token, this.tokenUrl, this.guest, this.guest ? this.name : ""]);
  }

  private resolvedServer(): string {
    try {
      return new URL(this.server || SCRIPT_ORIGIN, location.href).origin;
    } catch {
      return "";
    }
  }

  private sessionConfig(): SessionConfig | WidgetError | null {
    this.sessionKey = this.currentSessionKey();
    this.roomKey = `${this.room}|${this.resolvedServer()}`;
    const room = this.room;
    const config = (detail: string): WidgetError => ({ code: "config", message: t(this.language, "error.config", { detail }) });
    if (!room) return config("room");
    if (!ROOM_ID_PATTERN.test(room)) return config(`room "${room.slice(0, 40)}"`);
    const server = this.resolvedServer();
    if (!server) return config(`server "${this.server}"`);
    if (this.token) return { server, room, credentials: { kind: "token", token: this.token } };
    if (this.tokenUrl) return { server, room, credentials: { kind: "url", url: new URL(this.tokenUrl, location.href).href } };
    if (this.guest) return this.name.trim() ? { server, room, credentials: { kind: "guest", name: this.name.trim().slice(0, MAX_NAME_LENGTH) } } : null;
    return config("token / token-url / guest");
  }

  /** Who the user is before `welcome` arrives (for messages typed while connecting). */
  private get me(): { user: string | null; name: string } {
    if (this.chat.self) return { user: this.chat.self.user, name: this.chat.self.name };
    const claims = this.token ? decodeJwt(this.token) : null;
    return {
      user: typeof claims?.sub === "string" ? claims.sub : null,
      name: typeof claims?.name === "string" ? claims.name : this.name,
    };
  }

  private onLiveMessage(m: ChatMessage): void {
    if (m.user !== this.chat.self?.user) this.announcement = t(this.language, "message.announce", { name: m.name, text: m.text.slice(0, 200) });
  }

  protected render() {
    const lang = this.language;
    const { state, error } = this.connection;
    const statusText = state === "error" && error ? errorText(lang, error) : t(lang, `status.${state}` as MessageKey);
    const needsName = this.guest && !this.name.trim() && !this.token && !this.tokenUrl;
    const readOnly = this.chat.self?.readOnly === true;
    return html`<section part="panel" aria-label=${t(lang, "panel.label")}>
      <header part="header">
        <div class="heading">
          <h2 class="title">${t(lang, "panel.label")}</h2>
          <div part="status" data-state=${state} role="status">${statusText}</div>
        </div>
      </header>
      ${needsName ? this.renderNameForm(lang) : this.renderMessages(lang)}
      <div class="sr-only" aria-live="polite">${this.announcement}</div>
      ${this.hint ? html`<p class="hint" role="alert">${this.hint}</p>` : nothing}
      <form part="composer" @submit=${this.onSubmit} ?hidden=${needsName}>
        <textarea
          part="input"
          rows="1"
          aria-label=${t(lang, "input.label")}
          placeholder=${t(lang, readOnly ? "input.readOnly" : "input.placeholder")}
          ?disabled=${readOnly || state === "error"}
          @keydown=${this.onKeydown}
          @input=${this.onInput}
        ></textarea>
        <button part="send" type="submit" aria-label=${t(lang, "send.label")} title=${t(lang, "send.label")} ?disabled=${readOnly || state === "error"}>
          <svg viewBox="0 0 24 24" aria-hidden="true" fill="currentColor"><path d="M3.4 20.4 21 12 3.4 3.6 3.4 10l12.6 2-12.6 2z" /></svg>
        </button>
      </form>
    </section>`;
  }

  private renderMessages(lang: Lang) {
    const { chat } = this;
    const error = this.connection.error;
    const me = this.me;
    const empty = chat.loaded && chat.messages.length === 0 && chat.outbox.size === 0;
    return html`<ol part="messages" tabindex="0" aria-label=${t(lang, "messages.label")} @scroll=${this.scroller.onScroll}>
      ${chat.loadingOlder
        ? html`<li class="edge">${t(lang, "history.loading")}</li>`
        : chat.loaded && !chat.hasOlder && chat.messages.length > 0
          ? html`<li class="edge">${t(lang, "history.start")}</li>`
          : nothing}
      ${renderMessageRows({
        lang,
        me: me.user,
        myName: me.name,
        messages: chat.messages,
        outbox: chat.outbox.list(),
        onRetry: (id) => chat.retry(id),
      })}
      ${empty ? html`<li class="empty">${t(lang, "history.empty")}</li>` : nothing}
      ${error && chat.messages.length === 0 ? html`<li class="notice error">${errorText(lang, error)}</li>` : nothing}
    </ol>`;
  }

  private renderNameForm(lang: Lang) {
    return html`<form class="notice" @submit=${this.onName}>
      <p id="name-prompt">${t(lang, "guest.prompt")}</p>
      <input name="name" aria-labelledby="name-prompt" placeholder=${t(lang, "guest.name")} maxlength=${MAX_NAME_LENGTH} required autocomplete="nickname" />
      <button type="submit">${t(lang, "guest.join")}</button>
    </form>`;
  }

  private onName(e: SubmitEvent): void {
    e.preventDefault();
    const input = (e.target as HTMLFormElement).elements.namedItem("name") as HTMLInputElement;
    if (input.value.trim()) this.name = input.value.trim();
  }

  private onKeydown(e: KeyboardEvent): void {
    // Enter sends, Shift+Enter is a new line; never while an IME (Korean, Japanese…) is composing.
    if (e.key !== "Enter" || e.shiftKey || e.isComposing || e.keyCode === 229) return;
    e.preventDefault();
    this.submit(e.target as HTMLTextAreaElement);
  }

  private onInput(e: Event): void {
    const input = e.target as HTMLTextAreaElement;
    if (this.hint && input.value.length <= MAX_TEXT_LENGTH) this.hint = "";
  }

  private onSubmit(e: SubmitEvent): void {
    e.preventDefault();
    const input = (e.target as HTMLFormElement).querySelector("textarea");
    if (input) this.submit(input);
  }

  private submit(input: HTMLTextAreaElement): void {
    const result = this.chat.sendText(input.value);
    if (result.ok) {
      input.value = "";
      this.hint = "";
      this.scroller.toBottom();
    } else if (result.reason === "too_long") {
      this.hint = t(this.language, "error.text_too_long", { count: result.length ?? 0, max: MAX_TEXT_LENGTH });
    } else if (result.reason === "read_only") {
      this.hint = t(this.language, "error.read_only");
    }
    input.focus();
  }
}

function errorText(lang: Lang, error: WidgetError): string {
  switch (error.code) {
    case "unauthorized":
    case "forbidden":
    case "expired":
    case "unsupported_version":
    case "read_only":
    case "not_member":
    case "room_full":
      return t(lang, `error.${error.code}`);
    case "config":
      return error.message;
    default:
      return t(lang, "error.generic", { code: error.code });
  }
}
