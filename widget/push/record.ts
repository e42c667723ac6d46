/**
 * Which user of which chat server posted which subscription from this browser (localStorage).
 * A subscription belongs to the device, but the server stores it per user: another user signing in
 * on the same browser sees notifications as off until they turn them on themselves, and a
 * subscription the browser rotated is posted again without asking.
 */
const KEY = "inapp-talk:push";

type Records = Record<string, string>;

function read(): Records {
  try {
    const v: unknown = JSON.parse(localStorage.getItem(KEY) ?? "{}");
    return typeof v === "object" && v !== null && !Array.isArray(v) ? (v as Records) : {};
  } catch {
    return {};
  }
}

function write(r: Records): void {
  try {
    localStorage.setItem(KEY, JSON.stringify(r));
  } catch {
    // storage full or blocked: the state is only worked out again on the next load
  }
}

const id = (server: string, user: string) => `${server}|${user}`;

/** The endpoint this user posted from this browser, if any. */
export const postedEndpoint = (server: string, user: string): string | undefined => read()[id(server, user)];

/** The endpoint, and the language it was posted with under a key of its own (records from before languages have none). */
export function recordPosted(server: string, user: string, endpoint: string, lang: string): void {
  write({ ...read(), [id(server, user)]: endpoint, [`${id(server, user)}|lang`]: lang });
}

/** The language this user's subscription was posted with from this browser (undefined: none yet, or before languages). */
export const postedLang = (server: string, user: string): string | undefined => read()[`${id(server, user)}|lang`];

/** The browser subscription is gone: nobody is subscribed with it any more. */
export function forgetEndpoint(endpoint: string): void {
  write(Object.fromEntries(Object.entries(read()).filter(([, e]) => e !== endpoint)));
}

const DISMISSED = "inapp-talk:push-offer-dismissed";

/** "Not now" on the offer, remembered per room so it does not nag. */
export function offerDismissed(room: string): boolean {
  try {
    return (localStorage.getItem(DISMISSED) ?? "").split("\n").includes(room);
  } catch {
    return false;
  }
}

export function dismissOffer(room: string): void {
  try {
    const rooms = (localStorage.getItem(DISMISSED) ?? "").split("\n").filter(Boolean);
    localStorage.setItem(DISMISSED, [...rooms.slice(-49), room].join("\n"));
  } catch {
    // blocked storage: the offer may come back next time
  }
}
