/**
 * Owns the room socket: credentials, partysocket, the connection state shown in the `status`
 * part, and deciding when a failure is final. Frames are parsed here and handed to every
 * registered listener (the chat, presence and reads controllers, and any feature chunk); what
 * they mean is each listener's business.
 */
import type { ReactiveController, ReactiveControllerHost } from "lit";
import { PartySocket } from "partysocket";
import {
  CLOSE_CODES,
  HEARTBEAT_INTERVAL_MS,
  HEARTBEAT_PING,
  HEARTBEAT_PONG,
  HEARTBEAT_TIMEOUT_MS,
  PROTOCOL_VERSION,
  parseServerFrame,
  type ClientMessage,
  type ServerMessage,
} from "../../protocol/index.ts";
import { emit, type WidgetError } from "../events.ts";
import type { SessionConfig } from "../lib/config.ts";
import { decodeJwt, type JwtClaims } from "../lib/jwt.ts";
import { AuthError, checkSession } from "../lib/session.ts";
import { TokenSource } from "../lib/tokens.ts";

export type ConnectionState = "idle" | "connecting" | "connected" | "reconnecting" | "slowdown" | "offline" | "error";

/** What a controller or feature hears from the room. Every hook is optional. */
export interface ConnectionListener {
  /** The socket opened; frames follow, starting with `welcome`. */
  open?(): void;
  /** A parsed frame (a `messages` batch arrives as one `message` frame each). */
  frame?(frame: ServerMessage): void;
  /** The socket closed; partysocket reconnects unless the failure was final. */
  close?(): void;
  /** A new session (another room or server): forget everything held. */
  reset?(): void;
}

/**
 * The connection as listeners see it: they send frames and listen, and never touch the socket.
 *
 * @example
 * class Polls implements ConnectionListener {
 *   constructor(private link: RoomLink) { link.listen(this); }
 *   frame(f: ServerMessage) { if (f.type === "message" && f.message.kind === "poll") … }
 * }
 */
export interface RoomLink {
  /** Sends a frame if the room is listening; false otherwise (nothing is queued). */
  send(frame: ClientMessage): boolean;
  /** Registers a listener; returns a function that removes it. */
  listen(listener: ConnectionListener): () => void;
}

type Host = ReactiveControllerHost & HTMLElement;

export class ConnectionController implements ReactiveController, RoomLink {
  state: ConnectionState = "idle";
  error: WidgetError | null = null;

  private socket: PartySocket | null = null;
  private tokens: TokenSource | null = null;
  private session: SessionConfig | null = null;
  private opened = false;
  private everConnected = false;
  private needsCheck = false;
  private refreshTimer: ReturnType<typeof setTimeout> | undefined;
  private heartbeat: ReturnType<typeof setInterval> | undefined;
  /** When the room last said anything; a half-open socket (lost network) says nothing. */
  private lastHeard = 0;
  private listeners = new Set<ConnectionListener>();

  constructor(
    private host: Host,
    /** Current settings from the element's attributes; null while waiting (e.g. a guest's name). */
    private config: () => SessionConfig | WidgetError | null,
    /** Highest sequence held, sent as `since` so the room replays only what was missed. */
    private since: () => number,
  ) {
    host.addController(this);
  }

  hostConnected(): void {
    addEventListener("online", this.onOnline);
    addEventListener("offline", this.onOffline);
    this.start();
  }

  hostDisconnected(): void {
    removeEventListener("online", this.onOnline);
    removeEventListener("offline", this.onOffline);
    this.stop();
  }

  /** Reconnects from scratch after the credentials changed; `reset` when the room did too. */
  restart(reset: boolean): void {
    this.stop();
    if (reset) this.dispatch((l) => l.reset?.());
    this.start();
  }

  listen(listener: ConnectionListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Runs `call` for every listener, in the order they registered. */
  private dispatch(call: (listener: ConnectionListener) => void): void {
    for (const listener of this.listeners) call(listener);
  }

  /** The backend origin of the session ("" before one starts). */
  get server(): string {
    return this.session?.server ?? "";
  }

  /** A valid room token, e.g. for the Worker's HTTP API (`/api/ice`). */
  token(): Promise<string> {
    return this.tokens ? this.tokens.get() : Promise.reject(new Error("no session"));
  }

  /** Claims of the token held now (unverified: only to decide what to offer the user). */
  get claims(): JwtClaims | null {
    const token = this.tokens?.current;
    return token ? decodeJwt(token) : null;
  }

  send(frame: ClientMessage): boolean {
    if (!this.socket || this.state !== "connected" || this.socket.readyState !== WebSocket.OPEN) return false;
    this.socket.send(JSON.stringify(frame));
    return true;
  }

  private start(): void {
    const config = this.config();
    this.error = null;
    if (config === null) return this.setState("idle");
    if ("code" in config) return this.fail(config);
    this.session = config;
    this.tokens = new TokenSource(config.server, config.room, config.credentials);
    this.opened = false;
    this.everConnected = false;
    this.needsCheck = false;
    const url = new URL(config.server);
    const socket: PartySocket = new PartySocket({
      host: url.host,
      protocol: url.protocol === "https:" ? "wss" : "ws",
      party: "room",
      room: config.room,
      query: () => this.query(socket),
      // The chat controller keeps its own outbox and resends after resync; partysocket's queue
      // would replay frames before `welcome`, so it is switched off.
      maxEnqueuedMessages: 0,
      minReconnectionDelay: 500 + Math.random() * 1000,
      maxReconnectionDelay: 10_000,
      reconnectionDelayGrowFactor: 1.5,
    });
    this.socket = socket;
    socket.addEventListener("open", () => this.current(socket) && this.onOpen());
    socket.addEventListener("message", (e: MessageEvent) => this.current(socket) && this.onMessage(e.data));
    socket.addEventListener("close", (e: CloseEvent) => this.current(socket) && this.onSocketClose(e.code));
    socket.addEventListener("error", () => {
      if (this.current(socket) && !this.opened) this.needsCheck = true;
    });
    this.setState(navigator.onLine === false ? "offline" : "connecting");
  }

  private stop(): void {
    clearTimeout(this.refreshTimer);
    clearInterval(this.heartbeat);
    const socket = this.socket;
    this.socket = null;
    socket?.close();
    this.tokens = null;
    this.session = null;
    if (this.state !== "error") this.setState("idle");
  }

  private current(socket: PartySocket): boolean {
    return this.socket === socket && this.state !== "error";
  }

  /** Runs before every connection attempt (partysocket re-evaluates `query` each time). */
  private async query(socket: PartySocket): Promise<Record<string, string | null>> {
    this.opened = false;
    const tokens = this.tokens;
    if (!tokens || socket !== this.socket) throw new Error("stopped");
    try {
      if (this.needsCheck) {
        this.needsCheck = false;
        await this.diagnose(tokens);
      }
      const token = await tokens.get();
      const since = this.since();
      return { token, v: String(PROTOCOL_VERSION), since: since > 0 ? String(since) : null };
    } catch (err) {
      if (err instanceof AuthError && socket === this.socket) this.fail({ code: err.code, message: err.message });
      // Anything else (token-url or network trouble) is transient: partysocket retries with backoff.
      throw err;
    }
  }

  /** The last attempt was refused or cut with an auth code: find out whether retrying can help. */
  private async diagnose(tokens: TokenSource): Promise<void> {
    const { server, room } = this.session!;
    let verdict = await checkSession(server, room, await tokens.get());
    if (!verdict.ok && "code" in verdict && tokens.canRefresh) {
      verdict = await checkSession(server, room, await tokens.refresh());
    }
    if (!verdict.ok && "code" in verdict) throw new AuthError(verdict.code, verdict.message);
    if (!verdict.ok && "slowDown" in verdict) {
      // Cut off for flooding: say so and wait out the cool-down instead of knocking every few seconds.
      this.setState("slowdown");
      await new Promise((resolve) => setTimeout(resolve, verdict.retryAfterMs));
      if (this.state === "slowdown") this.setState("reconnecting");
    }
  }

  private onOpen(): void {
    this.opened = true;
    this.lastHeard = Date.now();
    clearInterval(this.heartbeat);
    // Pings let the room notice a vanished client, and the missing pong lets us notice a vanished
    // network long before TCP would.
    this.heartbeat = setInterval(() => {
      if (Date.now() - this.lastHeard > HEARTBEAT_TIMEOUT_MS) return this.socket?.reconnect();
      if (this.state === "connected") this.socket?.send(HEARTBEAT_PING);
    }, HEARTBEAT_INTERVAL_MS);
    this.dispatch((l) => l.open?.());
  }

  private onMessage(data: unknown): void {
    this.lastHeard = Date.now();
    if (data === HEARTBEAT_PONG) return;
    const parsed = parseServerFrame(data);
    if (!parsed.ok) {
      console.warn("[inapp-talk] ignored frame:", parsed.message);
      return;
    }
    this.handle(parsed.value);
  }

  private handle(frame: ServerMessage): void {
    if (frame.type === "joined") {
      // v2's join: the welcome and each feature's join frames, handled as if they came one by one.
      for (const part of frame.frames) this.handle(part);
      return;
    }
    if (frame.type === "welcome") {
      if (frame.v !== PROTOCOL_VERSION) return this.fail(versionError());
      this.everConnected = true;
      this.setState("connected");
      this.scheduleRefresh();
    } else if (frame.type === "error" && frame.code === "unsupported_version") {
      return this.fail(versionError());
    } else if (frame.type === "messages") {
      // A batch from a busy room means the same as its messages one by one.
      for (const message of frame.messages) this.dispatch((l) => l.frame?.({ type: "message", message }));
      return;
    }
    this.dispatch((l) => l.frame?.(frame));
  }

  private onSocketClose(code: number): void {
    clearInterval(this.heartbeat);
    if (code === CLOSE_CODES.unsupportedVersion) return this.fail(versionError());
    if (!this.opened || code === CLOSE_CODES.expired || code === CLOSE_CODES.forbidden || code === CLOSE_CODES.flood) this.needsCheck = true;
    this.opened = false;
    const offline = navigator.onLine === false;
    this.setState(offline ? "offline" : this.everConnected ? "reconnecting" : "connecting");
    this.dispatch((l) => l.close?.());
  }

  /** Fetch the next token ahead of `exp`, so a reconnect never waits for it. */
  private scheduleRefresh(): void {
    clearTimeout(this.refreshTimer);
    const tokens = this.tokens;
    const ms = tokens?.msUntilRefresh();
    if (!tokens || ms == null) return;
    // setTimeout overflows past ~24.8 days; wake up daily and look again.
    this.refreshTimer = setTimeout(
      () => {
        if (tokens !== this.tokens) return;
        if (ms > 86_400_000) return this.scheduleRefresh();
        tokens.refresh().then(
          () => this.scheduleRefresh(),
          (err: unknown) => {
            if (tokens !== this.tokens) return;
            // The host no longer vouches for this user (e.g. they logged out): end the chat.
            if (err instanceof AuthError) this.fail({ code: err.code, message: err.message });
            else this.refreshTimer = setTimeout(() => this.scheduleRefresh(), 10_000);
          },
        );
      },
      Math.min(ms, 86_400_000),
    );
  }

  private fail(error: WidgetError): void {
    clearInterval(this.heartbeat);
    this.error = error;
    this.setState("error");
    clearTimeout(this.refreshTimer);
    this.socket?.close();
    emit(this.host, "inapp-talk-error", error);
  }

  private setState(state: ConnectionState): void {
    if (this.state === state) return;
    this.state = state;
    this.host.requestUpdate();
  }

  private onOnline = () => {
    // Skip the backoff wait: the network is back now.
    if (this.socket && this.state !== "connected" && this.state !== "error") this.socket.reconnect();
  };

  private onOffline = () => {
    if (!this.socket || this.state === "error" || this.state === "idle") return;
    // The socket cannot survive losing the network, but may take a long time to notice: drop it
    // now so the status is honest and pending messages wait for the next connection.
    if (this.state === "connected") this.socket.reconnect();
    this.setState("offline");
  };
}

const versionError = (): WidgetError => ({
  code: "unsupported_version",
  message: `The server does not speak protocol version ${PROTOCOL_VERSION}.`,
});
