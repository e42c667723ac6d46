import type { IRequest } from "itty-router";
import { numberVar } from "../../party/env.ts";
import { displayName, readJsonObject } from "../body.ts";
import type { Env } from "../env.ts";
import { HttpError } from "../http-error.ts";
import { roomStub } from "../room-stub.ts";
import { signToken, type TokenGrant } from "../tokens.ts";
import { GUEST_TTL, guestKey, randomId, returningGuest } from "./guest.ts";

/** The demo's buyers: one conversation each; the last room has a title of its own, like a product page's. */
const BUYERS: ReadonlyArray<{ name: string; title?: string }> = [{ name: "Mina" }, { name: "Joon" }, { name: "Alex", title: "Vintage camera" }];

/**
 * POST /api/guest/seller — the demo's seller view: three fresh guest rooms (ids starting with
 * `GUEST_ROOM_PREFIX`), each with the seller and one buyer as members, and a `rooms: ["*"]` token
 * for the seller's inbox, plus each buyer's token for their room (the demo page writes the buyers'
 * first messages with them, and a visitor can write as a buyer in another tab).
 *
 * Why a `*` token for a guest is safe here: "every room where I am a member" of a guest id is the
 * set of guest rooms that id joined (guest tokens only ever name prefixed rooms) plus rooms a host
 * added it to with the API key. The seller id is new (or a returning guest's, proven by its key),
 * so its memberships are exactly these prefixed rooms; it cannot reach a room its owner could not
 * already open. Without `GUEST_ROOM_PREFIX` (guests off) the route refuses, like `/api/guest`.
 */
export async function issueDemoSeller(request: IRequest, env: Env): Promise<Response> {
  const body = await readJsonObject(request);
  const name = displayName(body.name);
  const prefix = env.GUEST_ROOM_PREFIX ?? "";
  if (prefix === "") throw new HttpError(403, "forbidden", "Guests are off on this server.");
  const secret = env.TOKEN_SECRET;
  const seller = (await returningGuest(body, secret)) ?? `g_${randomId()}`;
  const callSeconds = numberVar(env.GUEST_CALL_SECONDS, 600, true);
  const grant = (user: string, who: string, rooms: string[]): TokenGrant => ({ user, name: who, rooms, role: "member", relay: false, callSeconds });
  const shop = randomId().slice(0, 10);
  const rooms = await Promise.all(
    BUYERS.map(async (b, i) => {
      const room = `${prefix}shop-${shop}-${i + 1}`;
      const buyer = `g_${randomId()}`;
      await roomStub(env, room).configure(b.title ? { title: b.title } : {}, [
        { user: seller, name },
        { user: buyer, name: b.name },
      ]);
      const { token } = await signToken(grant(buyer, b.name, [room]), GUEST_TTL, secret);
      return { room, buyer: { user: buyer, name: b.name, token } };
    }),
  );
  const { token, expires_at } = await signToken(grant(seller, name, ["*"]), GUEST_TTL, secret);
  return Response.json({ token, expires_at, user: seller, key: await guestKey(seller, secret), rooms });
}
