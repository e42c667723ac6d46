/**
 * `inapp-talk-sw.js`: the service worker that shows inapp-talk's web push notifications in browsers
 * without declarative push (Chrome, Edge, Firefox; Safari 18.4+ needs no worker). A classic script,
 * so a host that already has a worker can `importScripts` it instead of registering a second one.
 *
 * The widget registers it at a narrow scope (`/inapp-talk-sw/` by default) that controls no page, so
 * it never replaces the host's own worker; pushes and clicks reach a registration whatever it controls.
 *
 * Its listeners handle only inapp-talk pushes (`web_push: 8030` with our `data`); a host's own push
 * listener in the same worker skips those with `if (self.inappTalk.owns(event)) return;`.
 */
import { clickNotice, readPush, showNotice, type WorkerParts } from "./handlers.ts";
import { parsePushData, serverOrigin } from "./payload.ts";

declare const self: ServiceWorkerGlobalScope & { inappTalk?: InappTalkWorker; inappTalkServer?: unknown };

export interface InappTalkWorker {
  /** True when this push or notification click is an inapp-talk one (handled by our listeners). */
  owns(event: PushEvent | NotificationEvent): boolean;
  /** The handlers, callable with other parts (tests; hosts wrapping them). */
  showNotice: typeof showNotice;
  clickNotice: typeof clickNotice;
  parts(): WorkerParts;
}

const parts = (): WorkerParts => ({
  registration: self.registration,
  clients: self.clients,
  fetch: (input, init) => fetch(input, init),
  server: serverOrigin(self.location.href, self.inappTalkServer),
});

const api: InappTalkWorker = {
  owns: (event) => ("notification" in event ? parsePushData(event.notification.data) !== null : readPush(event) !== null),
  showNotice,
  clickNotice,
  parts,
};

// A second importScripts of this file must not add a second pair of listeners (two notifications per push).
if (!self.inappTalk) {
  self.inappTalk = api;
  self.addEventListener("push", (event) => {
    const notice = readPush(event);
    if (notice) event.waitUntil(showNotice(notice, parts()));
  });
  self.addEventListener("notificationclick", (event) => {
    if (parsePushData(event.notification.data)) event.waitUntil(clickNotice(event.notification, event.action, parts()));
  });
}
