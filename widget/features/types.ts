/**
 * What a lazily loaded feature (a chunk: the launcher now; calls, inbox, attachments later) and
 * `<inapp-talk>` promise each other. Types only: a feature imports this, never the element.
 * How features are found and loaded: registry.ts.
 */
import type { CSSResultOrNative, ReactiveControllerHost } from "lit";
import type { ChatMessage, ServerMessage } from "../../protocol/index.ts";
import type { RoomLink } from "../controllers/connection.ts";
import type { JwtClaims } from "../lib/jwt.ts";
import type { Catalog, Lang } from "../i18n/index.ts";

/** Regions of the panel a feature renders into; a new one is added with the feature that needs it. */
export type Slot =
  /** The start of the header, before the title (the inbox's back control). */
  | "start"
  /** The end of the header, after who is online (the launcher's close button). */
  | "header"
  /** Between the header and the messages (a call: ringing sheet, videos, controls; push: its offer and panel). */
  | "call"
  /** After the panel, outside it (the launcher's bubble). */
  | "end";

export interface Feature {
  /** Its UI strings; the language on screen is loaded before the feature first renders. */
  strings?: Catalog;
  /** Added to the element's shadow root once installed. */
  styles?: CSSResultOrNative;
  slots?: Partial<Record<Slot, (lang: Lang) => unknown>>;
  /** Entry kinds it draws; any other entry shows its `text`. */
  kinds?: Record<string, (m: ChatMessage, lang: Lang) => unknown>;
  /**
   * Replaces the panel's content (the inbox's list while no conversation is open); undefined
   * leaves the chat. `end` is what features add to the end of a header (the launcher's close).
   */
  panel?: (lang: Lang, end: unknown) => unknown;
  /** The open conversation's name when the room has no title of its own (the inbox row's: the other member). */
  title?: () => string | undefined;
  /** Unread across conversations (the inbox): the badge and `inapp-talk-unread` carry it instead of this room's. */
  unread?: () => number | undefined;
  /** The calls feature: the current call's `RTCPeerConnection.getStats()`, null outside a call. */
  callStats?: () => Promise<RTCStatsReport | null>;
}

/** The element as a feature sees it. */
export interface FeatureHost extends ReactiveControllerHost, HTMLElement {
  layout: string;
  /** The conversation shown; the inbox switches it ("" = its list). */
  room: string;
  inbox: boolean;
  server: string;
  token: string;
  tokenUrl: string;
  open: boolean;
  /** `relay`: calls use TURN only. */
  privacy: string;
  /** The UI language on screen. */
  readonly language: Lang;
  readonly renderRoot: HTMLElement | DocumentFragment;
}

export interface FeatureContext {
  host: FeatureHost;
  /** The room: send frames and `listen` to them (open, frame, close, reset). */
  link: RoomLink;
  /** Messages from others the user has not read. */
  unread(): number;
  /** The panel just became visible: count what is on screen now as read. */
  recheckReads(): void;
  /** Who the user is, once the room has said `welcome`. */
  self(): { user: string; name: string } | null;
  /** Others online now, sorted by name. */
  others(): Array<{ user: string; name: string }>;
  /** The other person of the conversation: the latest other author shown, else someone online. */
  peer(): { user: string; name: string } | null;
  /** The backend origin and a valid room token, for the Worker's HTTP API. */
  server(): string;
  token(): Promise<string>;
  /** Claims of the current token (unverified: `call_seconds`, `relay`…). */
  claims(): JwtClaims | null;
  /**
   * Delivers the frames this feature owns (registry.ts `FRAME_OWNERS`): first those that arrived
   * while its chunk was loading, in order, then each new one. Nothing is lost to the load.
   */
  frames(sink: (frame: ServerMessage) => void): void;
}
