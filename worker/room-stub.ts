import type { RoomRpc, UserRpc } from "../party/contract.ts";
import type { Env } from "./env.ts";

/** A contract's methods as seen from another object: same arguments, answers arrive as promises. */
export type Remote<T> = { [K in keyof T]: T[K] extends (...args: infer A) => infer R ? (...args: A) => Promise<Awaited<R>> : never };

/** The room Durable Object called by name, typed by its contract (party/contract.ts). */
export function roomStub(env: Env, room: string): Remote<RoomRpc> {
  return env.Room.getByName(room);
}

/** The user's object (party/user.ts), typed by its contract. */
export function userStub(env: Env, user: string): Remote<UserRpc> {
  return env.User.getByName(user);
}
