/**
 * The browser's side of web push: which path this browser takes, and getting, making and dropping
 * its subscription. Safari 18.4+ has declarative push (`window.pushManager`, no worker); elsewhere
 * our service worker is registered at a narrow scope that controls no page, so it never replaces
 * the host's own worker (a push reaches a registration whatever pages it controls).
 */

/** Safari's declarative push: a PushManager on the window (not yet in TypeScript's DOM lib). */
type WindowWithPush = Window & { pushManager?: PushManager };

export type PushPath = "declarative" | "worker" | "none";

/** `declarative` (Safari 18.4+), `worker` (Chrome, Edge, Firefox…) or `none` (no push here: e.g. iOS outside a Home Screen app). */
export function pushPath(w: WindowWithPush = window): PushPath {
  if (!w.isSecureContext || !("Notification" in w)) return "none";
  if (w.pushManager) return "declarative";
  return "serviceWorker" in w.navigator && "PushManager" in w ? "worker" : "none";
}

export interface WorkerPlace {
  /** The worker script with `?server=<chat server origin>` (how it knows where Decline goes). */
  url: string;
  /** Absolute scope URL. */
  scope: string;
}

/**
 * Where our worker lives: `sw-url` (default `/inapp-talk-sw.js` on the page's origin) and `sw-scope`
 * (default: `inapp-talk-sw/` next to the script, a path no page uses).
 */
export function workerPlace(swUrl: string | null, swScope: string | null, server: string, base = location.href): WorkerPlace {
  const url = new URL(swUrl || "/inapp-talk-sw.js", base);
  const scope = new URL(swScope || "inapp-talk-sw/", swScope ? base : url).href;
  url.searchParams.set("server", server);
  return { url: url.href, scope };
}

/** Our registration if it exists (exactly at our scope); never registers one. */
export async function findRegistration(place: WorkerPlace): Promise<ServiceWorkerRegistration | null> {
  const reg = await navigator.serviceWorker.getRegistration(place.scope);
  return reg?.scope === place.scope ? reg : null;
}

/**
 * Registers the worker (only after the user asked for notifications) and waits until it is active.
 * A registration already at that scope running the same script path is kept as it is: a host that
 * points `sw-url`/`sw-scope` at its own worker (which imports ours) keeps its registration untouched.
 */
export async function ensureRegistration(place: WorkerPlace): Promise<ServiceWorkerRegistration> {
  const found = await findRegistration(place);
  const script = found && (found.active ?? found.waiting ?? found.installing)?.scriptURL;
  const wanted = new URL(place.url);
  const keep = script && (script === wanted.href || (samePath(script, wanted) && !new URL(script).searchParams.has("server")));
  const reg = keep && found ? found : await navigator.serviceWorker.register(place.url, { scope: place.scope });
  await activated(reg);
  return reg;
}

const samePath = (a: string, b: URL) => {
  const u = new URL(a);
  return u.origin === b.origin && u.pathname === b.pathname;
};

/** `navigator.serviceWorker.ready` only settles for a worker that controls the page; ours controls none. */
function activated(reg: ServiceWorkerRegistration): Promise<void> {
  return new Promise((resolve, reject) => {
    const check = () => {
      if (reg.active) return resolve();
      const w = reg.installing ?? reg.waiting;
      if (!w) return reject(new Error("service worker vanished"));
      w.addEventListener("statechange", () => (w.state === "redundant" ? reject(new Error("service worker failed to install")) : check()), { once: true });
    };
    check();
  });
}

/** The PushManager to use: the window's (declarative) or our registration's; null when there is none yet. */
export async function manager(path: PushPath, place: WorkerPlace, create: boolean): Promise<PushManager | null> {
  if (path === "declarative") return (window as WindowWithPush).pushManager ?? null;
  if (path !== "worker") return null;
  const reg = create ? await ensureRegistration(place) : await findRegistration(place);
  return reg?.pushManager ?? null;
}

/** A browser with no reachable push service never settles `subscribe()`: give up after this. */
export const SUBSCRIBE_TIMEOUT_MS = 30_000;

export function subscribe(pm: PushManager, publicKey: string): Promise<PushSubscription> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("push service did not answer")), SUBSCRIBE_TIMEOUT_MS);
    pm.subscribe({ userVisibleOnly: true, applicationServerKey: base64url(publicKey) }).then(
      (s) => {
        clearTimeout(timer);
        resolve(s);
      },
      (err: unknown) => {
        clearTimeout(timer);
        reject(err);
      },
    );
  });
}

export function base64url(s: string): Uint8Array<ArrayBuffer> {
  const b64 = s.replace(/-/g, "+").replace(/_/g, "/") + "===".slice((s.length + 3) % 4);
  return Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
}

/**
 * False when the subscription was made with another VAPID key (the server's keys were replaced): the
 * push service refuses the server's pushes for it, so it must be made again.
 */
export function madeWithKey(sub: PushSubscription, publicKey: string): boolean {
  const key = sub.options?.applicationServerKey;
  if (!key) return true; // not reported by this browser: trust it
  const bytes = new Uint8Array(key);
  const wanted = base64url(publicKey);
  return bytes.length === wanted.length && bytes.every((b, i) => b === wanted[i]);
}

/** Closes the notifications of this room (the user is looking at it now). */
export async function clearNotifications(path: PushPath, place: WorkerPlace, room: string): Promise<void> {
  if (path !== "worker") return;
  const reg = await findRegistration(place);
  for (const n of (await reg?.getNotifications()) ?? []) {
    if ((n.data as { room?: unknown } | null)?.room === room) n.close();
  }
}
