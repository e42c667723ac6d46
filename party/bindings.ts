import type { RoomEnv } from "./env.ts";
import type { User } from "./user.ts";

/**
 * What the Room object itself is given: RoomEnv plus the users' objects, where a room reports a
 * flooder's cool-down. Apart from env.ts so features (which see RoomEnv) never depend on user.ts.
 */
export interface RoomBindings extends RoomEnv {
  User?: DurableObjectNamespace<User>;
}
