import { isRole, USER_ID_PATTERN, type Role } from "../protocol/index.ts";
import type { RoomSettings } from "./settings-store.ts";

/**
 * Who a connection belongs to, verified by the Worker from the token before the socket exists and
 * handed to the room in one header. Only the Worker can reach a room, and it always overwrites this
 * header, so a client cannot forge it.
 */
export interface Identity {
  user: string;
  name: string;
  role: Role;
  /** Token expiry, Unix seconds: the room stops accepting frames after it. */
  exp: number;
  /** Token issue time, Unix seconds: a revocation closes sockets of tokens issued before it. */
  iat: number;
  /** Calls must go through TURN only (used by the calls issue). */
  relay: boolean;
  /** Longest call in seconds: null = no limit, 0 = may not start or accept calls. */
  callSeconds: number | null;
  /**
   * Admitted by a `rooms: ["*"]` token ("every room where I am a member"), not by naming this room:
   * the room then admits the user only if they are already a member, moderators included.
   */
  wildcard?: true;
}

/** Moderators are how hosts run rooms: always admitted, may write in read-only rooms. */
export const isModerator = (identity: Pick<Identity, "role">): boolean => identity.role === "moderator";

/** Whether this user may add entries to a room with these settings. */
export const canWrite = (identity: Pick<Identity, "role">, settings: Pick<RoomSettings, "readOnly">): boolean => !settings.readOnly || isModerator(identity);

/** Sockets are tagged with their user so one user's sockets can be found (and closed) without a scan. */
export const userTag = (user: string): string => `u:${user}`;

/** What a room keeps per socket (in its hibernation-safe attachment). */
export interface ConnectionState extends Identity {
  /** When the socket opened, Unix ms: the first sign of life for the heartbeat. */
  connectedAt: number;
  /**
   * Set when the room closed a socket whose peer is gone: its close handshake never completes, so
   * the runtime keeps listing it (as open again after hibernation) until TCP gives up.
   */
  dropped?: boolean;
}

export const IDENTITY_HEADER = "x-inapp-identity";

export function encodeIdentity(identity: Identity): string {
  // encodeURIComponent keeps non-ASCII names (Korean, emoji) valid in a header.
  return encodeURIComponent(JSON.stringify(identity));
}

export function decodeIdentity(header: string | null): Identity | null {
  if (!header) return null;
  let data: unknown;
  try {
    data = JSON.parse(decodeURIComponent(header));
  } catch {
    return null;
  }
  if (typeof data !== "object" || data === null) return null;
  const d = data as Record<string, unknown>;
  if (typeof d.user !== "string" || !USER_ID_PATTERN.test(d.user)) return null;
  if (typeof d.name !== "string" || typeof d.exp !== "number" || typeof d.iat !== "number") return null;
  if (!isRole(d.role)) return null;
  return {
    user: d.user,
    name: d.name,
    role: d.role,
    exp: d.exp,
    iat: d.iat,
    relay: d.relay === true,
    callSeconds: typeof d.callSeconds === "number" ? d.callSeconds : null,
    ...(d.wildcard === true ? { wildcard: true as const } : {}),
  };
}
