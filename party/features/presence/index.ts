/** Presence (who is online, several tabs counted once, joins and leaves coalesced) and typing notices. */
import type { RoomContext, RoomFeature } from "../../feature.ts";
import { PresenceIndex } from "./presence-index.ts";

/** Joins and leaves within this window go out as one presence_diff. */
const PRESENCE_WINDOW_MS = 100;

export function presence(ctx: RoomContext): RoomFeature {
  const index = new PresenceIndex({
    getConnections: () => ctx.connections(),
    fanout: (frame, except) => ctx.fanout(frame, except),
    defer: (fn) => setTimeout(fn, PRESENCE_WINDOW_MS),
  });
  return {
    name: "presence",
    join(conn, identity) {
      index.joined(conn, identity);
      ctx.send(conn, { type: "presence", online: index.online() });
    },
    leave: (conn, identity) => index.left(conn, identity),
    frames: {
      typing: (conn, identity) => ctx.fanout({ type: "typing", user: identity.user, name: identity.name }, conn),
    },
  };
}
