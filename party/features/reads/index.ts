/** Read positions: stored per member, only moving forward, sent to everyone on join and on change. */
import type { RoomContext, RoomFeature } from "../../feature.ts";
import type { MessageStore } from "../../messages-store.ts";

export function reads(ctx: RoomContext, messages: MessageStore): RoomFeature {
  return {
    name: "reads",
    join: (conn) => ctx.send(conn, { type: "reads", reads: ctx.members.reads() }),
    frames: {
      read(_conn, identity, frame) {
        // A read beyond the last entry would mark future entries read before they exist.
        const seq = Math.min(frame.seq, messages.lastSeq);
        if (!ctx.members.markRead(identity.user, seq)) return;
        ctx.fanout({ type: "reads", reads: [{ user: identity.user, name: identity.name, seq }] });
        ctx.emit.read(identity.user, seq);
      },
    },
  };
}
