import type { Env } from "../env.ts";
import { HttpError } from "../http-error.ts";

/**
 * GET /api/push/key — the VAPID public key a browser subscribes with (`applicationServerKey`).
 * Public by nature: it only lets a push service check that our pushes are ours.
 */
export function getPushKey(_request: Request, env: Env): Response {
  if (!env.VAPID_PUBLIC_KEY) throw new HttpError(404, "not_found", "Web push is not configured (VAPID_PUBLIC_KEY).");
  return Response.json({ publicKey: env.VAPID_PUBLIC_KEY }, { headers: { "Cache-Control": "public, max-age=3600" } });
}
