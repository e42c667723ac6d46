/**
 * The room's features seen as one: the events they raise for each other, the frame types they own,
 * and their join, leave, activity and timer hooks, each run in registration order. The room (room.ts)
 * owns sockets, storage and admission and hands every feature hook to this host; features never see it.
 */
import type { ClientMessage } from "../protocol/index.ts";
import type { Conn, FrameHandlers, RoomEvents, RoomFeature } from "./feature.ts";
import type { Identity } from "./identity.ts";
import type { TimerHandler } from "./timers.ts";

type Handler = (conn: Conn, identity: Identity, frame: ClientMessage) => void;

export class FeatureHost {
  private features: readonly RoomFeature[] = [];
  private readonly handlers = new Map<string, Handler>();

  /**
   * Raised by features and the host API, followed by features' `on` handlers. It exists before the
   * features do: each gets it in its context while being built.
   */
  readonly events: RoomEvents = {
    stored: (entries) => this.raise("stored", (on) => on.stored?.(entries)),
    read: (user, seq) => this.raise("read", (on) => on.read?.(user, seq)),
    changed: (what, user, by) => this.raise("changed", (on) => on.changed?.(what, user, by)),
    ringing: (call, until) => this.raise("ringing", (on) => on.ringing?.(call, until)),
    fallback: (notice) => this.raise("fallback", (on) => on.fallback?.(notice)),
  };

  /** Takes the built features; a frame type claimed by two of them is a programming error. */
  install(features: readonly RoomFeature[]): void {
    this.features = features;
    for (const feature of features) {
      for (const [type, handler] of Object.entries(feature.frames ?? ({} as FrameHandlers))) {
        if (this.handlers.has(type)) throw new Error(`frame type "${type}" is claimed by two features`);
        this.handlers.set(type, handler as Handler);
      }
    }
  }

  join(conn: Conn, identity: Identity, url: URL): void {
    for (const feature of this.features) feature.join?.(conn, identity, url);
  }

  leave(conn: Conn, identity: Identity): void {
    for (const feature of this.features) feature.leave?.(conn, identity);
  }

  activity(conn: Conn, now: number): void {
    for (const feature of this.features) feature.activity?.(conn, now);
  }

  /** Hands a parsed frame to the feature that owns its type (parseClientFrame refuses types nobody owns). */
  frame(conn: Conn, identity: Identity, frame: ClientMessage): void {
    this.handlers.get(frame.type)?.(conn, identity, frame);
  }

  /** The timer handler of the feature named `name` (timers are namespaced by feature). */
  timer(name: string): TimerHandler | undefined {
    const feature = this.features.find((f) => f.name === name);
    return feature?.timer?.bind(feature);
  }

  /** One follower's failure must not fail the sender, whose ack is already out, nor the other followers. */
  private raise(event: keyof RoomEvents, call: (on: Partial<RoomEvents>) => void) {
    for (const feature of this.features) {
      if (!feature.on) continue;
      try {
        call(feature.on);
      } catch (err) {
        console.error(`room event ${event}: feature ${feature.name} failed`, err);
      }
    }
  }
}
