/**
 * Liveness: closes sockets that stopped answering the heartbeat (a lost network sends no close
 * frame, and presence must still see the leave) and sockets whose token expired.
 *
 * The sweep is a durable timer that ticks while the room is in use (an entry or a join within
 * ACTIVE_WINDOW_MS, read from state that survives hibernation) or while some socket has gone quiet.
 * A timer that kept ticking would wake every idle room forever (measured: ~80 % of 1,000 idle rooms
 * awake, BENCHMARKS.md "Many rooms"); healthy sockets ping without waking the room (the runtime's
 * auto-response). A room that went quiet sweeps on its next event, before anyone sees presence: a
 * lost peer shows as gone as soon as someone writes.
 */
import { HEARTBEAT_INTERVAL_MS, HEARTBEAT_TIMEOUT_MS } from "../../../protocol/index.ts";
import type { Conn, RoomContext, RoomFeature } from "../../feature.ts";
import type { MessageStore } from "../../messages-store.ts";
import { staleSockets } from "./heartbeat.ts";

/** A room with an entry or a join this recent keeps its heartbeat sweep ticking; after it, it may sleep. */
const ACTIVE_WINDOW_MS = 60_000;
const SWEEP = "sweep";

export interface Liveness extends RoomFeature {
  /** One sweep; returns when the next one is due (null: every socket is fresh, let the room sleep). */
  tick(now: number): number | null;
  sweep(now: number): void;
}

export function liveness(ctx: RoomContext, messages: MessageStore): Liveness {
  /** A sweep timer is known to be set since this instance woke. */
  let scheduled = false;
  /** Last frame per socket: a sign of life besides pings (memory only; a hibernated room had none). */
  const lastFrame = new Map<string, number>();

  /** Signs of life: the last auto-answered ping, the last frame, the connect time (null: dropped). */
  const lastSeen = (conn: Conn): number | null => {
    if (conn.state?.dropped) return null;
    return Math.max(ctx.lastPing(conn) ?? 0, lastFrame.get(conn.id) ?? 0, conn.state?.connectedAt ?? 0) || null;
  };

  function sweep(now: number) {
    // A token's expiry ends its socket too, not only its next frame: the widget fetches a fresh token.
    for (const conn of ctx.connections()) {
      if (conn.state && !conn.state.dropped && now / 1000 >= conn.state.exp) ctx.expire(conn);
    }
    for (const conn of staleSockets(ctx.connections(), lastSeen, now)) {
      conn.setState({ ...conn.state!, dropped: true });
      ctx.close(conn, 1001, "heartbeat timeout");
    }
  }

  function tick(now: number): number | null {
    sweep(now);
    let next: number | null = null;
    let lastActivity = messages.lastTs;
    let open = 0;
    for (const conn of ctx.connections()) {
      open++;
      lastActivity = Math.max(lastActivity, conn.state?.connectedAt ?? 0);
      const seen = lastSeen(conn);
      // Quiet for longer than a ping interval: due for closing when its timeout runs out.
      if (seen !== null && now - seen > HEARTBEAT_INTERVAL_MS * 1.5) next = Math.min(next ?? Infinity, seen + HEARTBEAT_TIMEOUT_MS + 1000);
    }
    if (now - lastActivity < ACTIVE_WINDOW_MS && open > 0) next = Math.min(next ?? Infinity, now + HEARTBEAT_TIMEOUT_MS / 2);
    scheduled = next !== null;
    if (next !== null) ctx.timers.set(SWEEP, next);
    return next;
  }

  /**
   * Makes sure a sweep is scheduled after an event. The first event after the room wakes also
   * sweeps at once: sockets may have died while it slept. A join's timer is written with the join
   * rows: written in the accept's turn, it held the first joiner's frames behind a commit of its own.
   */
  function touch(now: number, joining = false) {
    if (scheduled) return;
    scheduled = true;
    sweep(now);
    const set = () => {
      if (!ctx.timers.get(SWEEP)) ctx.timers.set(SWEEP, now + HEARTBEAT_TIMEOUT_MS);
    };
    if (joining) ctx.withJoinRows(set);
    else set();
  }

  return {
    name: "liveness",
    join: () => touch(Date.now(), true),
    activity(conn, now) {
      lastFrame.set(conn.id, now);
      touch(now);
    },
    leave: (conn) => lastFrame.delete(conn.id),
    timer: () => {
      tick(Date.now());
    },
    tick,
    sweep,
  };
}
