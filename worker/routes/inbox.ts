import type { IRequest } from "itty-router";
import { INBOX_PAGE_SIZE } from "../../protocol/index.ts";
import { isInboxCursor } from "../../party/user/inbox-store.ts";
import { optionalInt, userId } from "../body.ts";
import type { Env } from "../env.ts";
import { badRequest } from "../http-error.ts";
import { userStub } from "../room-stub.ts";

const MAX_ROOMS_LIMIT = 200;

/**
 * GET /api/users/:user/rooms?limit=&before= — the user's conversations, newest activity first, in the
 * inbox's row shape (protocol/inbox.ts `Conversation`); `before=<next>` pages.
 */
export async function getUserRooms(request: IRequest, env: Env): Promise<Response> {
  const user = userId(request.params.user);
  const query = new URL(request.url).searchParams;
  const rawLimit = query.get("limit");
  if (rawLimit !== null && !/^\d+$/.test(rawLimit)) throw badRequest("limit must be an integer.");
  const limit = optionalInt(rawLimit === null ? undefined : Number(rawLimit), "limit", 1, MAX_ROOMS_LIMIT) ?? INBOX_PAGE_SIZE;
  const before = query.get("before");
  if (before !== null && !isInboxCursor(before)) throw badRequest("before must be the `next` of an earlier page.");
  const { conversations, next } = await userStub(env, user).inboxPage(before, limit);
  return Response.json({ rooms: conversations, next });
}

/** GET /api/users/:user/unread — `{ total }`: unread across the user's conversations. */
export async function getUserUnread(request: IRequest, env: Env): Promise<Response> {
  const user = userId(request.params.user);
  return Response.json({ total: await userStub(env, user).inboxUnread() });
}
