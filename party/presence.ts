import type { PresenceUser, ServerMessage } from "../protocol/index.ts";
import type { Identity } from "./identity.ts";

interface PresenceHost {
  getConnections(tag?: string): Iterable<{ id: string; state: unknown }>;
  fanout(json: string, except?: WebSocket): void;
}

/**
 * Who is online, derived from the open sockets themselves (their tags and attachments survive
 * hibernation), so there is no second copy of the truth to drift. A user with several tabs counts once.
 */
export class Presence {
  static tag(user: string) {
    return `u:${user}`;
  }

  constructor(private readonly host: PresenceHost) {}

  online(): PresenceUser[] {
    const seen = new Map<string, PresenceUser>();
    for (const conn of this.host.getConnections()) {
      const identity = conn.state as Identity | null; // every room socket's state is set in onConnect
      if (identity && !seen.has(identity.user)) seen.set(identity.user, { user: identity.user, name: identity.name });
    }
    return [...seen.values()];
  }

  /** Announces the user to the others when this is their first open connection. */
  joined(conn: { id: string } & WebSocket, identity: Identity) {
    if (this.otherConnections(identity.user, conn.id) > 0) return;
    const frame: ServerMessage = { type: "presence_diff", joined: [{ user: identity.user, name: identity.name }], left: [] };
    this.host.fanout(JSON.stringify(frame), conn);
  }

  /** Announces the leave when the user's last connection closes. */
  left(conn: { id: string }, identity: Identity) {
    if (this.otherConnections(identity.user, conn.id) > 0) return;
    const frame: ServerMessage = { type: "presence_diff", joined: [], left: [identity.user] };
    this.host.fanout(JSON.stringify(frame));
  }

  private otherConnections(user: string, exceptId: string): number {
    let n = 0;
    for (const conn of this.host.getConnections(Presence.tag(user))) if (conn.id !== exceptId) n++;
    return n;
  }
}
