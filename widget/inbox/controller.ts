/**
 * The inbox's socket and state: one connection to the signed-in user's object
 * (`/parties/user/<user>`, protocol/inbox.ts), the rows it sends, paging, and which conversation
 * the element shows. Opening a row sets the element's `room` (its chat connects as for any room);
 * `back` clears it. The socket stays open while a conversation shows, so the launcher's badge and
 * `inapp-talk-unread` keep the total across conversations.
 */
import type { ReactiveController } from "lit";
import { PartySocket } from "partysocket";
import { CLOSE_CODES, parseInboxServerFrame, type Conversation, type InboxClientFrame } from "../../protocol/index.ts";
import { emit, type WidgetError } from "../events.ts";
import type { FeatureHost } from "../features/types.ts";
import { decodeJwt, tokenExpiry } from "../lib/jwt.ts";
import { resolveServer } from "../lib/config.ts";
import { AuthError } from "../lib/session.ts";
import { TokenSource } from "../lib/tokens.ts";
import { ConversationList } from "./list.ts";

/** Within this many pixels of the list's end, the next page is asked for. */
export const PAGE_AHEAD_PX = 160;

export type InboxState = "connecting" | "connected" | "reconnecting" | "error";

/** Chunks live next to inapp-talk.js, so this is where the widget was loaded from: the default server. */
const SCRIPT_ORIGIN = new URL(import.meta.url).origin;
/** Attempts that never opened before the list says it cannot load (it keeps retrying). */
const FAILED_OPENS = 3;
const AUTH_CODES: readonly string[] = ["unauthorized", "forbidden", "expired"];

export class InboxController implements ReactiveController {
  list = new ConversationList();
  state: InboxState = "connecting";
  /** A failure no retry fixes (bad token, misconfiguration): the list shows it instead of rows. */
  error: WidgetError | null = null;
  /** The signed-in user (the token's subject). */
  me = "";
  /** Asked for the next page and waiting for it. */
  paging = false;
  /** The row that holds the list's tab stop (roving focus). */
  active: string | null = null;
  /** Said to screen readers when a row gets a new unread message (the view words it). */
  announcement: Conversation | null = null;

  private socket: PartySocket | null = null;
  private key = "";
  private failedOpens = 0;
  private authFailures = 0;
  /** An auth error frame the server sent on this socket (acted on when it closes). */
  private refused: string | null = null;
  /** The room last reported with `inapp-talk-conversation` (undefined: nothing reported yet). */
  private shown: string | null | undefined;
  /** Focus this row (or, with "", the conversation's input) after the next render. */
  private focusNext: string | null = null;

  constructor(private host: FeatureHost) {
    host.addController(this);
  }

  hostConnected(): void {
    addEventListener("online", this.onOnline);
    this.key = "";
    this.host.requestUpdate();
  }

  hostDisconnected(): void {
    removeEventListener("online", this.onOnline);
    this.stop();
  }

  /** Before each render: (re)connect when the credentials or server changed. */
  hostUpdate(): void {
    const { host } = this;
    const server = resolveServer(host.server, SCRIPT_ORIGIN);
    const key = JSON.stringify([host.inbox, server, host.token, host.tokenUrl]);
    if (key === this.key) return;
    this.key = key;
    this.stop();
    this.list.reset();
    if (host.inbox) void this.start(server);
  }

  /** After each render: tell the host what shows, and move focus where the user's action leads. */
  hostUpdated(): void {
    const { host } = this;
    const room = host.inbox ? host.room || null : undefined;
    if (room !== undefined && room !== this.shown) {
      this.shown = room;
      emit(host, "inapp-talk-conversation", { room });
    }
    const root = host.renderRoot;
    // A first page shorter than the list's height cannot be scrolled to ask for the next one.
    const box = room === null ? root.querySelector<HTMLElement>('[part="inbox"]') : null;
    if (box && box.scrollHeight <= box.clientHeight + PAGE_AHEAD_PX) this.more();
    if (this.focusNext === null) return;
    const target =
      this.focusNext === ""
        ? (root.querySelector<HTMLElement>('[part="input"]:not([disabled])') ?? root.querySelector<HTMLElement>('[part="back"]'))
        : (root.querySelector<HTMLElement>(`[part~="conversation"][data-room="${CSS.escape(this.focusNext)}"]`) ??
          root.querySelector<HTMLElement>('[part~="conversation"]'));
    if (target) {
      this.focusNext = null;
      target.focus();
    }
  }

  requestUpdate(): void {
    this.host.requestUpdate();
  }

  /** Shows a conversation in the element. */
  open(room: string): void {
    this.active = room;
    // On touch screens focusing the input would pop the keyboard over the conversation.
    this.focusNext = matchMedia("(pointer: coarse)").matches ? null : "";
    this.host.room = room;
  }

  /** Back to the list, focus on the row just left. */
  back(): void {
    this.focusNext = this.host.room;
    this.active = this.host.room;
    this.host.room = "";
  }

  /** Asks for the next page, once at a time. */
  more(): void {
    const next = this.list.next;
    if (next === null || this.paging || this.state !== "connected") return;
    this.paging = this.send({ type: "inbox_page", before: next });
    if (this.paging) this.host.requestUpdate();
  }

  private send(frame: InboxClientFrame): boolean {
    if (this.socket?.readyState !== WebSocket.OPEN) return false;
    this.socket.send(JSON.stringify(frame));
    return true;
  }

  private async start(server: string): Promise<void> {
    const { host } = this;
    const key = this.key;
    this.error = null;
    this.state = "connecting";
    this.failedOpens = this.authFailures = 0;
    if (!server) return this.fail({ code: "config", message: `server "${host.server}"` });
    if (!host.token && !host.tokenUrl) return this.fail({ code: "config", message: "token / token-url" });
    const tokens = new TokenSource(
      server,
      "",
      host.token ? { kind: "token", token: host.token } : { kind: "url", url: new URL(host.tokenUrl, location.href).href },
    );
    let token: string;
    for (;;) {
      try {
        token = await tokens.get();
        break;
      } catch (err) {
        if (key !== this.key) return;
        if (err instanceof AuthError) return this.fail({ code: err.code, message: err.message });
        // token-url or network trouble: try again shortly.
        await new Promise((resolve) => setTimeout(resolve, 3000));
        if (key !== this.key) return;
      }
    }
    if (key !== this.key) return;
    const claims = decodeJwt(token);
    const sub = claims?.sub;
    if (typeof sub !== "string" || !sub) return this.fail({ code: "unauthorized", message: "The token names no user." });
    // The server would refuse it at the upgrade, where browsers hide why: say it now.
    if (!Array.isArray(claims?.rooms) || !claims.rooms.includes("*"))
      return this.fail({ code: "forbidden", message: 'The inbox needs a token with rooms: ["*"].' });
    this.me = sub;
    const url = new URL(server);
    const socket = new PartySocket({
      host: url.host,
      protocol: url.protocol === "https:" ? "wss" : "ws",
      party: "user",
      room: sub,
      query: async () => ({ token: this.authFailures > 0 && tokens.canRefresh ? await tokens.refresh() : await tokens.get() }),
      maxEnqueuedMessages: 0,
      minReconnectionDelay: 500 + Math.random() * 1000,
      maxReconnectionDelay: 10_000,
      reconnectionDelayGrowFactor: 1.5,
    });
    this.socket = socket;
    let opened = false;
    socket.addEventListener("open", () => {
      if (socket !== this.socket) return;
      opened = true;
      this.failedOpens = 0;
      this.setState("connected");
    });
    socket.addEventListener("message", (e: MessageEvent) => socket === this.socket && this.onMessage(e.data));
    socket.addEventListener("close", (e: CloseEvent) => {
      if (socket !== this.socket) return;
      this.paging = false;
      const refused = this.refused ?? (e.code === CLOSE_CODES.expired ? "expired" : e.code === CLOSE_CODES.forbidden ? "forbidden" : null);
      this.refused = null;
      if (refused) this.authFailure(refused, tokens);
      else if (opened) this.authFailures = 0;
      if (this.socket !== socket) return;
      if (!opened) {
        this.failedOpens++;
        // Browsers hide why an upgrade was refused; a fixed token past its expiry is one reason that is certain.
        if (!tokens.canRefresh && (tokenExpiry(host.token) ?? Infinity) <= Date.now())
          return this.fail({ code: "expired", message: "The inbox token has expired." });
      }
      opened = false;
      this.setState(this.failedOpens >= FAILED_OPENS ? "error" : this.list.loaded ? "reconnecting" : "connecting");
    });
  }

  private onMessage(data: unknown): void {
    const parsed = parseInboxServerFrame(data);
    if (!parsed.ok) {
      console.warn("[inapp-talk] ignored inbox frame:", parsed.message);
      return;
    }
    const frame = parsed.value;
    if (frame.type === "error") {
      if (!AUTH_CODES.includes(frame.code)) return console.warn("[inapp-talk] inbox:", frame.code, frame.message);
      // Acted on once, when the socket closes (the server may close it too).
      this.refused = frame.code;
      this.socket?.reconnect();
      return;
    }
    this.authFailures = 0;
    if (frame.type === "inbox" && !frame.first) this.paging = false;
    const before = frame.type === "inbox_row" ? this.list.rows.find((c) => c.room === frame.conversation.room) : undefined;
    const changed = this.list.apply(frame);
    if (changed && changed.unread > (before?.unread ?? 0)) this.announce(changed);
    this.active ??= this.list.rows[0]?.room ?? null;
    this.host.requestUpdate();
  }

  /**
   * The user's object refused the token. A fixed token will not get better; a token-url gets one
   * more chance with a fresh token (the socket's next attempt fetches it).
   */
  private authFailure(code: string, tokens: TokenSource): void {
    this.authFailures++;
    if (!tokens.canRefresh || this.authFailures > 1) {
      const error: WidgetError = { code: code as WidgetError["code"], message: `The inbox refused the token (${code}).` };
      this.fail(error);
    }
  }

  private announce(c: Conversation): void {
    // The open conversation says its new messages itself.
    if (c.room === this.host.room) return;
    this.announcement = c;
  }

  private fail(error: WidgetError): void {
    this.stop();
    this.error = error;
    this.state = "error";
    emit(this.host, "inapp-talk-error", error);
    this.host.requestUpdate();
  }

  private stop(): void {
    const socket = this.socket;
    this.socket = null;
    socket?.close();
    this.paging = false;
  }

  private setState(state: InboxState): void {
    if (this.state === state) return;
    this.state = state;
    this.host.requestUpdate();
  }

  private onOnline = (): void => {
    if (this.socket && this.state !== "connected") this.socket.reconnect();
  };
}
