import type { RoomBindings } from "../bindings.ts";
import type { InboxDeliver } from "./inbox-types.ts";

/** How a room reaches its members' user objects; null when the inbox is off (INBOX_INDEX=off) or unbound. */
export function inboxDelivery(env: RoomBindings): InboxDeliver | null {
  const users = env.User;
  if (!users || env.INBOX_INDEX === "off") return null;
  return (user, update) => users.getByName(user).inboxUpdate(update);
}
