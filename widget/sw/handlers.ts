/**
 * What the service worker does with a push and with a click on its notification. Handlers take the
 * worker's pieces (registration, clients, fetch, the chat server's origin) as arguments, so a host's
 * own worker can call them from its listeners and tests can run them in a real worker.
 */
import { answerUrl, parsePushData, parsePushPayload, samePage, webUrl, type PushData, type PushNotice } from "./payload.ts";

export interface WorkerParts {
  registration: ServiceWorkerRegistration;
  clients: Clients;
  fetch: typeof fetch;
  /** The chat server's origin (for Decline), or null when the worker was not told. */
  server: string | null;
}

/** What the page-facing message says when a notification was clicked with a tab already open. */
export interface OpenMessage {
  type: "inapp-talk-open";
  room: string;
  /** Set for Answer: the widget joins this call. */
  answer?: string;
}

/** `showNotification` options the TypeScript DOM lib no longer lists but Chromium and Firefox read. */
interface ShownOptions extends NotificationOptions {
  actions?: Array<{ action: string; title: string }>;
  renotify?: boolean;
}

/** What a shown notification keeps for the click: the push's data and the page to open. */
type Kept = PushData & { navigate: string };

/** Parses the push's JSON; null when it is not ours (the host's worker may receive its own pushes). */
export function readPush(event: PushEvent): PushNotice | null {
  if (!event.data) return null;
  try {
    return parsePushPayload(event.data.json());
  } catch {
    return null;
  }
}

/**
 * Shows (or, with the same tag, silently replaces) the notification. A new message or a ring
 * alerts again (`renotify`); a missed, answered or declined call quietly turns the ring into
 * "Missed call" / "Call answered" / "Call declined".
 */
export async function showNotice(notice: PushNotice, parts: Pick<WorkerParts, "registration">): Promise<void> {
  const kept: Kept = { ...notice.data, navigate: notice.navigate };
  const ringsAgain = notice.data.kind === "message" || notice.data.kind === "ring";
  const options: ShownOptions = {
    body: notice.body,
    tag: notice.tag,
    data: kept,
    requireInteraction: notice.requireInteraction,
    renotify: ringsAgain,
    silent: notice.silent,
    ...(notice.lang ? { lang: notice.lang } : {}),
    // Only a ring offers Answer / Decline; browsers without action buttons ignore them.
    ...(notice.data.kind === "ring" && notice.actions.length > 0 ? { actions: notice.actions } : {}),
  };
  await parts.registration.showNotification(notice.title, options);
  if (!ringsAgain && notice.data.call) {
    // A ring shown under another tag (an older server) must not keep ringing after the call ended.
    for (const n of await parts.registration.getNotifications()) {
      const d = parsePushData(n.data);
      if (n.tag !== notice.tag && d?.kind === "ring" && d.call === notice.data.call) n.close();
    }
  }
}

/**
 * A click: Decline posts the call's decline token and opens nothing; anything else focuses a tab
 * already showing the page (telling it what was clicked) or opens the page. Answer opens it with the
 * `#inapp-talk-answer=<call>` hint.
 */
export async function clickNotice(notification: Notification, action: string, parts: WorkerParts): Promise<void> {
  notification.close();
  const data = parsePushData(notification.data);
  const navigate = webUrl((notification.data as { navigate?: unknown } | null)?.navigate);
  if (!data || !navigate) return;
  if (action === "decline") {
    await decline(data, parts);
    return;
  }
  const answer = action === "answer" && data.call ? data.call : undefined;
  const url = answer ? answerUrl(navigate, answer) : navigate;
  const windows = await parts.clients.matchAll({ type: "window", includeUncontrolled: true });
  const open = windows.find((c) => samePage(c.url, url));
  if (open) {
    const message: OpenMessage = { type: "inapp-talk-open", room: data.room, ...(answer ? { answer } : {}) };
    open.postMessage(message);
    // A browser may refuse focus (it allows it only during a real click): the tab still got the message.
    await open.focus().catch(() => undefined);
    return;
  }
  await parts.clients.openWindow(url);
}

/** Declines the ringing call from the notification: no page, no room token, just the signed token. */
async function decline(data: PushData, parts: WorkerParts): Promise<void> {
  if (data.kind !== "ring" || !data.declineToken) return;
  if (!parts.server) {
    console.warn("[inapp-talk] cannot decline: the worker does not know the chat server (register it with ?server=<origin>)");
    return;
  }
  const res = await parts.fetch(`${parts.server}/api/calls/decline`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ token: data.declineToken }),
  });
  if (!res.ok) console.warn(`[inapp-talk] decline answered ${res.status}`);
}
