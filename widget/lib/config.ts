/**
 * Turns the element's attributes into what the connection needs, or a `config` error that says
 * which attribute is wrong. Pure, so the element stays about rendering.
 */
import { MAX_NAME_LENGTH, ROOM_ID_PATTERN } from "../../protocol/index.ts";
import type { WidgetError } from "../events.ts";
import type { Credentials } from "./tokens.ts";

export interface SessionConfig {
  /** Backend origin, e.g. https://chat.example.com */
  server: string;
  room: string;
  credentials: Credentials;
}

export interface Attributes {
  room: string;
  server: string;
  token: string;
  tokenUrl: string;
  guest: boolean;
  name: string;
  /** The inbox: no room means its list (no room socket), and a token-url is asked per room. */
  inbox?: boolean;
}

/** The backend origin: the `server` attribute, else where the script came from. */
export function resolveServer(server: string, scriptOrigin: string, base = location.href): string {
  try {
    return new URL(server || scriptOrigin, base).origin;
  } catch {
    return "";
  }
}

/** Changes when a new session is needed (a reconnect with other credentials or another room). */
export function sessionKey(a: Attributes, server: string): string {
  return JSON.stringify([a.room, server, a.token, a.tokenUrl, a.guest, a.guest ? a.name : "", a.inbox]);
}

/**
 * The session to open, a config error (`describe` words it for the user), or null while a guest
 * has not given a name yet or the inbox shows its list.
 */
export function sessionConfig(a: Attributes, server: string, describe: (detail: string) => string, base = location.href): SessionConfig | WidgetError | null {
  const config = (detail: string): WidgetError => ({ code: "config", message: describe(detail) });
  const { room } = a;
  if (!room) return a.inbox ? null : config("room");
  if (!ROOM_ID_PATTERN.test(room)) return config(`room "${room.slice(0, 40)}"`);
  if (!server) return config(`server "${a.server}"`);
  if (a.token) return { server, room, credentials: { kind: "token", token: a.token } };
  if (a.tokenUrl) {
    const url = new URL(a.tokenUrl, base);
    // The inbox opens many rooms with one token-url: the host's endpoint learns which one to sign for.
    if (a.inbox) url.searchParams.set("room", room);
    return { server, room, credentials: { kind: "url", url: url.href } };
  }
  if (a.guest) {
    const name = a.name.trim().slice(0, MAX_NAME_LENGTH);
    return name ? { server, room, credentials: { kind: "guest", name } } : null;
  }
  return config("token / token-url / guest");
}

/**
 * The connection's error as it should read now: a config error was worded when the connection
 * started, maybe before the language on screen had loaded, so it is worded again (`recheck`).
 */
export function currentError(error: WidgetError | null, recheck: () => SessionConfig | WidgetError | null): WidgetError | null {
  if (error?.code !== "config") return error;
  const config = recheck();
  return config && "code" in config ? config : error;
}
