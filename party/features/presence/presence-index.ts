import type { PresenceUser, ServerMessage } from "../../../protocol/index.ts";
import type { ConnectionState, Identity } from "../../identity.ts";

interface PresenceHost {
  getConnections(): Iterable<{ id: string; state: ConnectionState | null }>;
  fanout(frame: ServerMessage, except?: ReadonlySet<WebSocket>): void;
  /** Runs `fn` a little later (a timer in the room; immediate in tests that want it). */
  defer(fn: () => void): void;
}

interface Entry {
  name: string;
  connections: Set<string>;
}

/**
 * Who is online. The truth is the set of open sockets (their attachments survive hibernation); this
 * keeps an in-memory index of it, rebuilt from the sockets the first time it is needed after the room
 * wakes, so a join costs O(1) instead of reading every socket's attachment. A user with several tabs
 * counts once. Joins and leaves are announced in one `presence_diff` per short window: a room filling
 * up would otherwise send a frame to everyone per arrival (N² frames).
 */
export class PresenceIndex {
  private index: Map<string, Entry> | null = null;
  private pendingJoined = new Map<string, string>();
  private pendingLeft = new Set<string>();
  private flushScheduled = false;
  /** Changes recorded in this window, and for each socket that joined in it, how many its snapshot saw. */
  private changes = 0;
  private newcomers = new Map<WebSocket, number>();

  constructor(private readonly host: PresenceHost) {}

  online(): PresenceUser[] {
    return [...this.users()].map(([user, e]) => ({ user, name: e.name }));
  }

  /** Records the connection; announces the user to the others when it is their first. */
  joined(conn: { id: string } & WebSocket, identity: Identity) {
    this.record(conn, identity);
    // Its snapshot (sent next) has every change so far: the window's diff only matters to it if more follow.
    if (this.flushScheduled) this.newcomers.set(conn, this.changes);
  }

  private record(conn: { id: string } & WebSocket, identity: Identity) {
    const users = this.users();
    let entry = users.get(identity.user);
    // The index was just rebuilt from the open sockets, which already include this one.
    if (entry?.connections.has(conn.id) && entry.connections.size > 1) return;
    if (entry && !entry.connections.has(conn.id)) {
      entry.connections.add(conn.id);
      return;
    }
    if (!entry) {
      entry = { name: identity.name, connections: new Set([conn.id]) };
      users.set(identity.user, entry);
    }
    // A window announces each user's final state: someone may have seen a snapshot in between.
    this.pendingLeft.delete(identity.user);
    this.pendingJoined.set(identity.user, identity.name);
    this.changes++;
    this.scheduleFlush();
  }

  /**
   * Forgets the connection; announces the leave when the user has no other open connection. After a
   * wake the index is rebuilt from open sockets, which no longer include this closing one: then the
   * user is simply absent, and the leave is announced too (announcing it twice is harmless).
   */
  left(conn: { id: string }, identity: Identity) {
    const users = this.users();
    const entry = users.get(identity.user);
    if (entry) {
      entry.connections.delete(conn.id);
      if (entry.connections.size > 0) return;
    }
    users.delete(identity.user);
    this.pendingJoined.delete(identity.user);
    this.pendingLeft.add(identity.user);
    this.changes++;
    this.scheduleFlush();
  }

  private scheduleFlush() {
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    this.host.defer(() => this.flush());
  }

  /**
   * Sends the window's changes to everyone but the sockets that joined after the last of them: their
   * snapshot already has it all (a newcomer alone would otherwise get its own arrival back). Everyone
   * else gets the whole diff; the part their snapshot had is a no-op to apply.
   */
  flush() {
    this.flushScheduled = false;
    const current = new Set<WebSocket>();
    for (const [conn, seen] of this.newcomers) if (seen === this.changes) current.add(conn);
    this.newcomers.clear();
    this.changes = 0;
    if (this.pendingJoined.size === 0 && this.pendingLeft.size === 0) return;
    const frame: ServerMessage = {
      type: "presence_diff",
      joined: [...this.pendingJoined].map(([user, name]) => ({ user, name })),
      left: [...this.pendingLeft],
    };
    this.pendingJoined.clear();
    this.pendingLeft.clear();
    this.host.fanout(frame, current);
  }

  private users(): Map<string, Entry> {
    if (this.index) return this.index;
    const index = new Map<string, Entry>();
    for (const conn of this.host.getConnections()) {
      const identity = conn.state;
      if (!identity || identity.dropped) continue;
      const entry = index.get(identity.user);
      if (entry) entry.connections.add(conn.id);
      else index.set(identity.user, { name: identity.name, connections: new Set([conn.id]) });
    }
    this.index = index;
    return index;
  }
}
