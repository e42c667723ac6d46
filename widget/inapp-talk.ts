import { LitElement, html, nothing, type PropertyValues } from "lit";
import { MAX_TEXT_LENGTH, type ChatMessage } from "../protocol/index.ts";
import { ChatController } from "./controllers/chat.ts";
import { ConnectionController } from "./controllers/connection.ts";
import { LanguageController } from "./controllers/language.ts";
import { PresenceController } from "./controllers/presence.ts";
import { ReadsController } from "./controllers/reads.ts";
import { ScrollController } from "./controllers/scroll.ts";
import type { WidgetError } from "./events.ts";
import { featureContext } from "./features/context.ts";
import { Features } from "./features/registry.ts";
import { t, type Lang, type MessageKey } from "./i18n/index.ts";
import { chime, unlockAudio } from "./lib/audio.ts";
import { currentError, resolveServer, sessionConfig, sessionKey, type SessionConfig } from "./lib/config.ts";
import { decodeJwt } from "./lib/jwt.ts";
import { base } from "./inapp-talk.styles.ts";
import { errorText, renderComposer, renderHeader, renderNameForm, renderTyping, type ComposerHandlers } from "./views/chrome.ts";
import { renderMessageList } from "./views/messages.ts";
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
 * @fires inapp-talk-call - A call changed phase. detail: `{ phase, callId, kind, peer: { user, name }, reason?, durationMs? }`
 * @fires inapp-talk-conversation - With `inbox`: what shows now. detail: `{ room }`, `{ room: null }` for the list
 * @fires inapp-talk-push - `push` attribute: notification state. detail: `{ state: "on" | "off" | "denied" | "unsupported", muted }`
 *
 * @csspart panel - The chat surface (a dialog in the launcher layout).
 * @csspart header - Title, presence, status and (launcher) close button.
 * @csspart status - Connection state; `data-state` = connecting | connected | reconnecting | slowdown | offline | error.
 * @csspart presence - Who else is online (one avatar per user, names for screen readers).
 * @csspart messages - The scrolling message list.
 * @csspart message - One message: `data-author`, `data-kind` (`text`, or a richer kind shown by its
 *   text fallback until a feature draws it), `data-seq` once stored, `data-status` on own messages.
 * @csspart receipt - "Seen" / "Seen by N" under the newest own message others have read.
 * @csspart typing - "Alice is typing…".
 * @csspart composer - The form around input and send.
 * @csspart input - The text area (Enter sends, Shift+Enter adds a line).
 * @csspart send - The send button.
 * @csspart launcher - The floating bubble (`layout="launcher"`).
 * @csspart badge - Unread count on the bubble.
 * @csspart call-button - Voice call (header; when the user may call and someone else is online).
 * @csspart video-call-button - Video call (header).
 * @csspart call-picker - Whom to call, when several others are online: `<button data-user>` each.
 * @csspart incoming-call - The ringing sheet (caller and kind), with `accept`, `accept-audio` (video calls), `decline`.
 * @csspart call-status - "Calling…", "Ringing", "4:12"…; `data-phase` = outgoing | incoming | connecting | connected | ended.
 * @csspart hangup - Ends (or cancels) the call. Also `mute`, `camera`, `remote-video`, `local-video`, `unmute-audio`.
 * @csspart inbox - With `inbox`: the conversation list.
 * @csspart conversation - One row of it (a button): `data-room`, `data-unread`.
 * @csspart conversation-title - Also `conversation-preview`, `conversation-time`, `unread` (absent when 0), `online`.
 * @csspart back - Back from a conversation to the list.
 * @csspart push-button - The bell (`push` attribute); `data-state` = on | muted | off | denied | unsupported.
 * @csspart push-offer - "Get notified when Bob answers", after the user sends a message; `push-offer-accept`, `push-offer-dismiss`.
 * @csspart push-panel - The bell's panel: `push-status` (the state in words), `push-toggle` (on/off), `push-mute` (aria-pressed).
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
  /** The launcher's styles arrive with its chunk (features/registry.ts). */
  static styles = [base, messageStyles];

  static properties = {
    room: { type: String },
    inbox: { type: Boolean },
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
    privacy: { type: String },
    push: { type: Boolean },
    hint: { state: true },
    announcement: { state: true },
  };

  declare room: string;
  /** The signed-in user's conversations, each opening here; `room` opens one first. */
  declare inbox: boolean;
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
  /** `relay`: calls go through TURN only, so neither side learns the other's IP address. */
  declare privacy: string;
  /** Offer web push notifications (after a user action, never on load); `sw-url` / `sw-scope` place the worker. */
  declare push: boolean;
  declare protected hint: string;
  declare protected announcement: string;

  private sessionKey = "";
  private roomKey = "";

  private i18n = new LanguageController(this);
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
    total: () => this.features.get("inbox")?.unread?.(),
  });
  private scroller = new ScrollController(
    this,
    () => this.list,
    () => this.chat.loadOlder(),
  );
  /** Lazily loaded features (the launcher now; calls, inbox, attachments later): features/registry.ts. */
  private features = new Features(
    featureContext(this, { connection: this.connection, chat: this.chat, presence: this.presence, reads: this.reads }),
    // The language asked for, not the one still on screen: a feature must arrive with its strings.
    () => this.i18n.wanted,
  );

  constructor() {
    super();
    this.room = this.server = this.token = this.tokenUrl = this.name = this.privacy = this.hint = this.announcement = "";
    this.guest = this.inbox = this.open = this.muted = false;
    this.layout = "inline";
    // Sound may only start after a gesture: the first click or key press in the widget allows it.
    this.addEventListener("pointerdown", unlockAudio);
    this.addEventListener("keydown", unlockAudio);
  }

  private composer: ComposerHandlers = {
    send: (input) => this.submit(input),
    input: (input) => {
      if (this.hint && input.value.length <= MAX_TEXT_LENGTH) this.hint = "";
      if (input.value.trim()) this.presence.userTyped();
    },
  };

  private get list(): HTMLElement | null {
    return this.renderRoot?.querySelector<HTMLElement>('[part="messages"]') ?? null;
  }

  /** Inline panels are always open; a launcher's when expanded. */
  get isOpen(): boolean {
    return this.layout !== "launcher" || this.open;
  }

  /** The UI language on screen (after `lang` changes, the old one until the new one has loaded). */
  get language(): Lang {
    return this.i18n.shown ?? "en";
  }

  protected willUpdate(changed: PropertyValues<this>): void {
    super.willUpdate(changed);
    if (this.layout === "launcher") void this.features.use("launcher");
    if (this.inbox) void this.features.use("inbox");
    // Calls ring through frames (registry.ts); the buttons come with the chunk once someone could be called.
    if (this.chat.self && this.presence.online.size > 1 && this.connection.claims?.call_seconds !== 0) void this.features.use("calls", false);
    if (this.push && this.chat.self) void this.features.use("push", false);
  }

  /**
   * The current call's `RTCPeerConnection.getStats()`, or null outside a call (or before the calls
   * chunk has loaded).
   *
   * @example
   * const stats = await document.querySelector("inapp-talk").getCallStats();
   * stats?.forEach((s) => s.type === "inbound-rtp" && console.log(s.kind, s.bytesReceived));
   */
  getCallStats(): Promise<RTCStatsReport | null> {
    return this.features.get("calls")?.callStats?.() ?? Promise.resolve(null);
  }

  /** `updateComplete` (and so `inapp-talk-ready`) waits for the strings and features on screen. */
  protected override async getUpdateComplete(): Promise<boolean> {
    await Promise.all([this.i18n.loaded, this.features.settled()]);
    return super.getUpdateComplete();
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
    const lang = this.i18n.shown;
    const launcher = this.layout === "launcher";
    if (!lang || (launcher && !this.features.has("launcher")) || (this.inbox && !this.features.has("inbox"))) return nothing;
    const end = this.features.render("header", lang);
    const inbox = this.features.get("inbox")?.panel?.(lang, end);
    return html`<section part="panel" id="panel" aria-labelledby="title" role=${launcher ? "dialog" : "region"}>
        ${inbox ?? this.renderChat(lang, end)}
      </section>
      ${this.features.render("end", lang)}`;
  }

  private renderChat(lang: Lang, end: unknown) {
    const { state } = this.connection;
    const error = currentError(this.connection.error, () => sessionConfig(this, this.server_, (detail) => t(lang, "error.config", { detail })));
    const statusText = state === "error" && error ? errorText(lang, error) : t(lang, `status.${state}` as MessageKey);
    const needsName = this.guest && !this.name.trim() && !this.token && !this.tokenUrl;
    const readOnly = this.chat.self?.readOnly === true;
    const self = this.chat.self?.user;
    return html`${renderHeader({ lang, state, statusText, title: this.chat.self?.title ?? this.features.get("inbox")?.title?.() ?? null, others: this.presence.others(self), start: this.features.render("start", lang), end })}
        ${this.features.render("call", lang)}
        ${needsName ? renderNameForm(lang, (name) => (this.name = name)) : this.renderMessages(lang, error)}
        <div class="sr-only" aria-live="polite">${this.announcement}</div>
        ${renderTyping(lang, this.presence.typingNames(self))}
        ${this.hint ? html`<p class="hint" role="alert">${this.hint}</p>` : nothing}
        ${renderComposer(lang, { hidden: needsName, readOnly, disabled: readOnly || state === "error" }, this.composer)}`;
  }

  private renderMessages(lang: Lang, error: WidgetError | null) {
    const { chat } = this;
    const me = this.me;
    return renderMessageList(
      { lang, error, onScroll: this.scroller.onScroll, loadingOlder: chat.loadingOlder, loaded: chat.loaded, hasOlder: chat.hasOlder },
      {
        lang,
        me: me.user,
        myName: me.name,
        messages: chat.messages,
        outbox: chat.outbox.list(),
        receipt: (m) => this.reads.receipt(m, lang, this.participants()),
        renderKind: (m) => this.features.renderKind(m, lang),
        onRetry: (id) => chat.retry(id),
      },
    );
  }

  /** Everyone known to be in the room besides the user: decides "Seen" versus "Seen by N". */
  private participants(): Set<string> {
    const all = new Set<string>([...this.reads.reads.keys(), ...this.presence.online.keys(), ...this.chat.messages.map((m) => m.user)]);
    all.delete(this.chat.self?.user ?? "");
    return all;
  }

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
