import { HISTORY_PAGE_SIZE, MAX_HISTORY_LIMIT } from "../../protocol/index.ts";
import type { RoomInfo } from "../../party/room-api.ts";
import type { JsonObject, RoomSettings } from "../../party/settings-store.ts";
import { displayName, optionalBool, optionalInt, optionalRole, readJsonObject, userId } from "../body.ts";
import type { Env } from "../env.ts";
import { badRequest, HttpError } from "../http-error.ts";
import type { RoomRequest } from "../middleware.ts";
import { roomStub } from "../room-stub.ts";

const MAX_MEMBERS_PER_PUT = 1000;
const MAX_METADATA_BYTES = 8192;
const MAX_TITLE_LENGTH = 200;

/** GET /api/rooms/:room/messages?before=&limit= — the transcript, oldest first (records for disputes). */
export async function getMessages(request: RoomRequest, env: Env): Promise<Response> {
  const { room } = request;
  const query = new URL(request.url).searchParams;
  const before = queryInt(query.get("before"), "before", 1, Number.MAX_SAFE_INTEGER) ?? null;
  const limit = queryInt(query.get("limit"), "limit", 1, MAX_HISTORY_LIMIT) ?? HISTORY_PAGE_SIZE;
  return Response.json({ messages: await roomStub(env, room).transcript(before, limit) });
}

/** GET /api/rooms/:room */
export async function getRoom(request: RoomRequest, env: Env): Promise<Response> {
  const { room } = request;
  const info = await roomStub(env, room).info();
  if (!info.exists && info.lastSeq === 0 && info.members.length === 0) throw new HttpError(404, "not_found", "No such room.");
  return Response.json(roomJson(room, info));
}

/** PUT /api/rooms/:room — create or update a room before anyone opens it. */
export async function putRoom(request: RoomRequest, env: Env): Promise<Response> {
  const { room } = request;
  const body = await readJsonObject(request);
  const patch: Partial<RoomSettings> = {};
  if (body.title !== undefined) {
    if (body.title !== null && (typeof body.title !== "string" || body.title.length > MAX_TITLE_LENGTH)) {
      throw badRequest(`title must be a string of at most ${MAX_TITLE_LENGTH} characters.`);
    }
    patch.title = body.title;
  }
  if (body.url !== undefined) patch.url = pageUrl(body.url);
  if (body.metadata !== undefined) patch.metadata = metadata(body.metadata);
  const readOnly = optionalBool(body.read_only, "read_only");
  if (readOnly !== undefined) patch.readOnly = readOnly;
  const membersOnly = optionalBool(body.members_only, "members_only");
  if (membersOnly !== undefined) patch.membersOnly = membersOnly;
  if (body.max_members !== undefined) {
    patch.maxMembers = body.max_members === null ? null : (optionalInt(body.max_members, "max_members", 1, 100_000) ?? null);
  }
  let members: { user: string; name: string }[] | undefined;
  if (body.members !== undefined) {
    if (!Array.isArray(body.members) || body.members.length > MAX_MEMBERS_PER_PUT) {
      throw badRequest(`members must be a list of at most ${MAX_MEMBERS_PER_PUT} { user, name }.`);
    }
    members = body.members.map((m: unknown, i) => {
      const r = (typeof m === "object" && m !== null ? m : {}) as Record<string, unknown>;
      return { user: userId(r.user, `members[${i}].user`), name: displayName(r.name, `members[${i}].name`) };
    });
  }
  return Response.json(roomJson(room, await roomStub(env, room).configure(patch, members)));
}

/** PUT /api/rooms/:room/members/:user `{ name, role? }` */
export async function putMember(request: RoomRequest, env: Env): Promise<Response> {
  const { room } = request;
  const { user } = request;
  const body = await readJsonObject(request);
  const name = displayName(body.name);
  const member = await roomStub(env, room).addMember(user, name, optionalRole(body.role));
  return Response.json(memberJson(member));
}

/** DELETE /api/rooms/:room/members/:user */
export async function deleteMember(request: RoomRequest, env: Env): Promise<Response> {
  const { room } = request;
  const { user } = request;
  if (!(await roomStub(env, room).removeMember(user))) throw new HttpError(404, "not_found", "No such member.");
  return new Response(null, { status: 204 });
}

function roomJson(room: string, info: RoomInfo) {
  const s = info.settings;
  return {
    room,
    title: s.title,
    url: s.url,
    metadata: s.metadata,
    read_only: s.readOnly,
    members_only: s.membersOnly,
    max_members: s.maxMembers,
    created_at: s.createdAt,
    last_seq: info.lastSeq,
    members: info.members.map(memberJson),
  };
}

function memberJson(m: RoomInfo["members"][number]) {
  return { user: m.user, name: m.name, role: m.role, joined_at: m.joinedAt, last_read: m.lastRead };
}

function queryInt(value: string | null, field: string, min: number, max: number): number | undefined {
  if (value === null) return undefined;
  if (!/^\d+$/.test(value)) throw badRequest(`${field} must be an integer.`);
  return optionalInt(Number(value), field, min, max);
}

function pageUrl(value: unknown): string | null {
  if (value === null) return null;
  if (typeof value === "string" && value.length <= 2048) {
    try {
      const url = new URL(value);
      if (url.protocol === "https:" || url.protocol === "http:") return url.href;
    } catch {
      // falls through to the error below
    }
  }
  throw badRequest("url must be an http(s) URL.");
}

function metadata(value: unknown): JsonObject {
  if (typeof value !== "object" || value === null || Array.isArray(value)) throw badRequest("metadata must be an object.");
  if (JSON.stringify(value).length > MAX_METADATA_BYTES) throw badRequest(`metadata is limited to ${MAX_METADATA_BYTES} bytes.`);
  // It came from request.json(), so it is JSON by construction.
  return value as JsonObject;
}
