/**
 * Every event `<inapp-talk>` dispatches, in one place. All of them bubble and are composed, so a
 * host page can listen on the element or on `document`.
 *
 * @example
 * document.addEventListener("inapp-talk-unread", (e) => {
 *   document.title = e.detail.count ? `(${e.detail.count}) My shop` : "My shop";
 * });
 */
import type { CallEndReason, CallKind, ChatMessage, ErrorCode } from "../protocol/index.ts";

/** Codes of `inapp-talk-error`: the protocol's codes plus `config` for a mis-set element. */
export type WidgetErrorCode = ErrorCode | "config";

export interface WidgetError {
  code: WidgetErrorCode;
  message: string;
  /** The client message id, when the error is about one message. */
  id?: string;
}

/** The call's phase as this side sees it: the room's `ringing` is `outgoing` for the caller, `incoming` for the callee. */
export type CallPhaseName = "outgoing" | "incoming" | "connecting" | "connected" | "reconnecting" | "ended";

/** `inapp-talk-call`: one event per phase change of a call. */
export interface CallEventDetail {
  phase: CallPhaseName;
  callId: string;
  kind: CallKind;
  /** The other participant. */
  peer: { user: string; name: string };
  /** Why it ended (`ended` only), as the room says. */
  reason?: CallEndReason;
  /** How long media flowed (`ended` only, when it connected). */
  durationMs?: number;
}

/** Web push on this device for this user: `on`, `off`, `denied` (blocked in the browser) or `unsupported`. */
export type PushStateName = "on" | "off" | "denied" | "unsupported";

export interface InappTalkEventMap {
  /** Connected and the first history page is on screen. */
  "inapp-talk-ready": { room: string; user: string };
  /** A new live message (others' as they arrive, the user's own once stored). Not history pages. */
  "inapp-talk-message": ChatMessage;
  "inapp-talk-error": WidgetError;
  /** Messages from others not yet seen by the user. */
  "inapp-talk-unread": { count: number };
  /** A call changed phase (outgoing, incoming, connecting, connected, ended). */
  "inapp-talk-call": CallEventDetail;
  /** With `inbox`: the conversation now showing, or null for the list (sync the host page's URL with it). */
  "inapp-talk-conversation": { room: string | null };
  /** `push` attribute: the notification state changed (also once when it is first known); `muted` = this conversation. */
  "inapp-talk-push": { state: PushStateName; muted: boolean };
}

export type InappTalkEventName = keyof InappTalkEventMap;

export function emit<K extends InappTalkEventName>(target: EventTarget, name: K, detail: InappTalkEventMap[K]): boolean {
  return target.dispatchEvent(new CustomEvent(name, { detail, bubbles: true, composed: true }));
}

declare global {
  interface HTMLElementEventMap {
    "inapp-talk-ready": CustomEvent<InappTalkEventMap["inapp-talk-ready"]>;
    "inapp-talk-message": CustomEvent<InappTalkEventMap["inapp-talk-message"]>;
    "inapp-talk-error": CustomEvent<InappTalkEventMap["inapp-talk-error"]>;
    "inapp-talk-unread": CustomEvent<InappTalkEventMap["inapp-talk-unread"]>;
    "inapp-talk-call": CustomEvent<InappTalkEventMap["inapp-talk-call"]>;
    "inapp-talk-conversation": CustomEvent<InappTalkEventMap["inapp-talk-conversation"]>;
    "inapp-talk-push": CustomEvent<InappTalkEventMap["inapp-talk-push"]>;
  }
  interface DocumentEventMap {
    "inapp-talk-ready": CustomEvent<InappTalkEventMap["inapp-talk-ready"]>;
    "inapp-talk-message": CustomEvent<InappTalkEventMap["inapp-talk-message"]>;
    "inapp-talk-error": CustomEvent<InappTalkEventMap["inapp-talk-error"]>;
    "inapp-talk-unread": CustomEvent<InappTalkEventMap["inapp-talk-unread"]>;
    "inapp-talk-call": CustomEvent<InappTalkEventMap["inapp-talk-call"]>;
    "inapp-talk-conversation": CustomEvent<InappTalkEventMap["inapp-talk-conversation"]>;
    "inapp-talk-push": CustomEvent<InappTalkEventMap["inapp-talk-push"]>;
  }
}
