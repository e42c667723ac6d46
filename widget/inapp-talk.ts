import { LitElement, html, nothing, type PropertyValues } from "lit";
import { MAX_TEXT_LENGTH, type ChatMessage } from "../protocol/index.ts";
import { ChatController } from "./controllers/chat.ts";
import { LauncherController } from "./controllers/launcher.ts";
import { ConnectionController } from "./controllers/connection.ts";
import { PresenceController } from "./controllers/presence.ts";
import { ReadsController } from "./controllers/reads.ts";
import { ScrollController } from "./controllers/scroll.ts";
import type { WidgetError } from "./events.ts";
import { resolveLang, t, type Lang, type MessageKey } from "./i18n/index.ts";
import { chime } from "./lib/chime.ts";
import { resolveServer, sessionConfig, sessionKey, type SessionConfig } from "./lib/config.ts";
import { decodeJwt } from "./lib/jwt.ts";
import { base } from "./inapp-talk.styles.ts";
import { errorText, renderComposer, renderHeader, renderLauncher, renderNameForm, renderTyping } from "./views/chrome.ts";
import { launcherStyles } from "./views/launcher.styles.ts";
import { renderMessageRows } from "./views/messages.ts";
import { messageStyles } from "./views/messages.styles.ts";

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
 * @csspart panel - The chat surface (a dialog in the launcher layout).
 * @csspart header - Title, presence, status and (launcher) close button.
 * @csspart status - Connection state; `data-state` = connecting | connected | reconnecting | offline | error.
 * @csspart presence - Who else is online (one avatar per user, names for screen readers).
 * @csspart messages - The scrolling message list.
 * @csspart message - One message: `data-author`, `data-seq` once stored, `data-status` on own messages.
 * @csspart receipt - "Seen" / "Seen by N" under the newest own message others have read.
 * @csspart typing - "Alice is typing…".
 * @csspart composer - The form around input and send.
 * @csspart input - The text area (Enter sends, Shift+Enter adds a line).
 * @csspart send - The send button.
 * @csspart launcher - The floating bubble (`layout="launcher"`).
 * @csspart badge - Unread count on the bubble.
 *
 * @cssproperty --inapp-talk-accent - Own bubbles, send button, launcher.
 * @cssproperty --inapp-talk-accent-text - Text on the accent colour.
 * @cssproperty --inapp-talk-bg - Panel background.
 * @cssproperty --inapp-talk-surface - Others' bubbles, input.
 * @cssproperty --inapp-talk-text - Body text.
 * @cssproperty --inapp-talk-muted - Secondary text.
 * @cssproperty --inapp-talk-border - Dividers.
 * @cssproperty --inapp-talk-link - Links in others' messages.
 * @cssproperty --inapp-talk-danger - Errors and failed messages.
 * @cssproperty --inapp-talk-focus - Focus ring.
 * @cssproperty --inapp-talk-font - Font family.
 * @cssproperty --inapp-talk-font-size - Base font size.
 * @cssproperty --inapp-talk-radius - Corner radius of panel and bubbles.
 * @cssproperty --inapp-talk-spacing - Base padding.
 * @cssproperty --inapp-talk-height - Inline height (default: 100% of the container).
 * @cssproperty --inapp-talk-offset - Launcher distance from the viewport corner.
 */
export class InappTalk extends LitElement {
  static styles = [base, messageStyles, launcherStyles];

  static properties = {
    room: { type: String },
    server: { type: String },
    token: { type: String },
    tokenUrl: { type: String, attribute: "token-url" },
    guest: { type: Boolean },
    name: { type: String },
    lang: { type: String },
    theme: { type: String, reflect: true },
    layout: { type: String, reflect: true },
    open: { type: Boolean, reflect: true },
    muted: { type: Boolean },
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
  /** `inline` (fills its container) or `launcher` (a floating bubble that opens the panel). */
  declare layout: "inline" | "launcher";
  /** Launcher layout: the panel is open. */
  declare open: boolean;
  /** No sound for new messages. */
  declare muted: boolean;
  declare protected hint: string;
  declare protected announcement: string;

  private sessionKey = "";
  private roomKey = "";

  // Each controller registers itself with the connection as a listener (open, frame, close, reset).
  private connection: ConnectionController = new ConnectionController(
    this,
    () => this.sessionConfig(),
    () => this.chat.lastSeq,
  );
  private chat: ChatController = new ChatController(this, this.connection, () => this.room, {
    onLive: (m) => this.onLiveMessage(m),
    onReady: () => this.reads.onResync(),
  });
  private presence = new PresenceController(this, this.connection);
  private reads: ReadsController = new ReadsController(this, this.connection, {
    self: () => this.chat.self?.user,
    messages: () => this.chat.messages,
    list: () => this.list,
    isOpen: () => this.isOpen,
  });
  private launcher = new LauncherController(this, () => this.reads.recheck());
  private scroller = new ScrollController(
    this,
    () => this.list,
    () => this.chat.loadOlder(),
  );

  constructor() {
    super();
    this.room = this.server = this.token = this.tokenUrl = this.name = this.hint = this.announcement = "";
    this.guest = this.open = this.muted = false;
    this.layout = "inline";
  }

  private get composer() {
    return { onSubmit: this.onSubmit, onKeydown: this.onKeydown, onInput: this.onInput };
  }

  private get list(): HTMLElement | null {
    return this.renderRoot?.querySelector<HTMLElement>('[part="messages"]') ?? null;
  }

  /** Inline panels are always open; a launcher's when expanded. */
  get isOpen(): boolean {
    return this.layout !== "launcher" || this.open;
  }

  /** The active UI language. */
  get language(): Lang {
    return resolveLang(this.lang);
  }

  protected updated(changed: PropertyValues<this>): void {
    super.updated(changed);
    if (!this.isConnected) return;
    if (sessionKey(this, this.server_) === this.sessionKey) return;
    this.connection.restart(`${this.room}|${this.server_}` !== this.roomKey);
  }

  private get server_(): string {
    return resolveServer(this.server, SCRIPT_ORIGIN);
  }

  private sessionConfig(): SessionConfig | WidgetError | null {
    this.sessionKey = sessionKey(this, this.server_);
    this.roomKey = `${this.room}|${this.server_}`;
    return sessionConfig(this, this.server_, (detail) => t(this.language, "error.config", { detail }));
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
    if (m.user === this.chat.self?.user) return;
    this.announcement = t(this.language, "message.announce", { name: m.name, text: m.text.slice(0, 200) });
    if (!this.muted && (!this.isOpen || document.visibilityState === "hidden")) chime();
  }

  protected render() {
    const lang = this.language;
    const { state, error } = this.connection;
    const statusText = state === "error" && error ? errorText(lang, error) : t(lang, `status.${state}` as MessageKey);
    const needsName = this.guest && !this.name.trim() && !this.token && !this.tokenUrl;
    const readOnly = this.chat.self?.readOnly === true;
    const launcher = this.layout === "launcher";
    const self = this.chat.self?.user;
    return html`<section part="panel" id="panel" aria-labelledby="title" role=${launcher ? "dialog" : "region"}>
        ${renderHeader({ lang, state, statusText, title: this.chat.self?.title ?? null, others: this.presence.others(self), onClose: launcher ? this.launcher.toggle : undefined })}
        ${needsName ? renderNameForm(lang, this.onName) : this.renderMessages(lang)}
        <div class="sr-only" aria-live="polite">${this.announcement}</div>
        ${renderTyping(lang, this.presence.typingNames(self))}
        ${this.hint ? html`<p class="hint" role="alert">${this.hint}</p>` : nothing}
        ${renderComposer(lang, { hidden: needsName, readOnly, disabled: readOnly || state === "error" }, this.composer)}
      </section>
      ${launcher ? renderLauncher(lang, this.open, this.reads.unread(), this.launcher.toggle) : nothing}`;
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
        receipt: (m) => this.reads.receipt(m, lang, this.participants()),
        onRetry: (id) => chat.retry(id),
      })}
      ${empty ? html`<li class="empty">${t(lang, "history.empty")}</li>` : nothing}
      ${error && chat.messages.length === 0 ? html`<li class="notice error">${errorText(lang, error)}</li>` : nothing}
    </ol>`;
  }

  private onName = (e: SubmitEvent): void => {
    e.preventDefault();
    const input = (e.target as HTMLFormElement).elements.namedItem("name") as HTMLInputElement;
    if (input.value.trim()) this.name = input.value.trim();
  };

  /** Everyone known to be in the room besides the user: decides "Seen" versus "Seen by N". */
  private participants(): Set<string> {
    const all = new Set<string>([...this.reads.reads.keys(), ...this.presence.online.keys(), ...this.chat.messages.map((m) => m.user)]);
    all.delete(this.chat.self?.user ?? "");
    return all;
  }

  private onKeydown = (e: KeyboardEvent): void => {
    // Enter sends, Shift+Enter is a new line; never while an IME (Korean, Japanese…) is composing.
    if (e.key !== "Enter" || e.shiftKey || e.isComposing || e.keyCode === 229) return;
    e.preventDefault();
    this.submit(e.target as HTMLTextAreaElement);
  };

  private onInput = (e: Event): void => {
    const input = e.target as HTMLTextAreaElement;
    if (this.hint && input.value.length <= MAX_TEXT_LENGTH) this.hint = "";
    if (input.value.trim()) this.presence.userTyped();
  };

  private onSubmit = (e: SubmitEvent): void => {
    e.preventDefault();
    const input = (e.target as HTMLFormElement).querySelector("textarea");
    if (input) this.submit(input);
  };

  private submit(input: HTMLTextAreaElement): void {
    const result = this.chat.sendText(input.value);
    if (result.ok) {
      input.value = "";
      this.presence.userSent();
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
