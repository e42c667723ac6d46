import type { IRequest } from "itty-router";
import { attemptDelivery } from "../../party/webhooks/attempt.ts";
import { webhookConfig } from "../../party/webhooks/config.ts";
import { WEBHOOK_LOG_NAME, type DeliveryStatus, type LoggedDelivery } from "../../party/webhooks/log-contract.ts";
import { signingKey } from "../../party/webhooks/signing.ts";
import type { Env } from "../env.ts";
import { badRequest, HttpError } from "../http-error.ts";

const MAX_LIMIT = 200;
const ID_PATTERN = /^msg_[0-9a-f]{32}$/;

function log(env: Env) {
  if (!env.WebhookLog) throw new HttpError(404, "not_found", "Webhooks are not configured on this deployment.");
  return env.WebhookLog.getByName(WEBHOOK_LOG_NAME);
}

/** The API's shape of a logged delivery (snake_case, the payload as JSON). */
function view(d: LoggedDelivery) {
  let payload: unknown = null;
  try {
    payload = JSON.parse(d.body);
  } catch {
    // Every body was made by JSON.stringify; keep the listing alive if one is not.
  }
  return {
    id: d.id,
    status: d.status,
    type: d.type,
    room: d.room,
    url: d.url,
    attempts: d.attempts,
    last_error: d.lastError,
    created_at: d.createdAt,
    failed_at: d.failedAt,
    updated_at: d.updatedAt,
    payload,
  };
}

/**
 * GET /api/webhooks/deliveries?status=failed&limit=50&before=<cursor> — deliveries that failed for
 * good (out of attempts, 410, or pushed out of a full outbox), newest first, across rooms; `status`
 * `delivered` lists failures a replay later delivered; no status lists both.
 */
export async function listDeliveries(request: IRequest, env: Env): Promise<Response> {
  const url = new URL(request.url);
  const status = url.searchParams.get("status");
  if (status !== null && status !== "failed" && status !== "delivered") throw badRequest('status must be "failed" or "delivered".');
  const limit = intParam(url.searchParams.get("limit"), "limit", 1, MAX_LIMIT) ?? 50;
  const before = intParam(url.searchParams.get("before"), "before", 1, Number.MAX_SAFE_INTEGER);
  const rows = await log(env).list(status as DeliveryStatus | null, limit, before ?? null);
  return Response.json({ deliveries: rows.map(view), next_before: rows.length === limit ? rows.at(-1)!.n : null });
}

/**
 * POST /api/webhooks/deliveries/:id/retry — sends the same body with the same `webhook-id` (a fresh
 * timestamp and signature) to the endpoint it was meant for, once, now, and answers with the outcome.
 */
export async function retryDelivery(request: IRequest, env: Env): Promise<Response> {
  const id = String(request.params.id);
  const store = log(env);
  const delivery = ID_PATTERN.test(id) ? await store.get(id) : null;
  if (!delivery) throw new HttpError(404, "not_found", "No such delivery.");
  const config = webhookConfig(env);
  if (!config) throw new HttpError(404, "not_found", "Webhooks are not configured (WEBHOOK_URLS, WEBHOOK_SECRET).");
  if (!config.urls.includes(delivery.url)) throw badRequest("That endpoint is no longer in WEBHOOK_URLS.");
  const result = await attemptDelivery(delivery.url, await signingKey(config.secret), delivery.id, delivery.body, config.timeoutMs);
  const updated = await store.replayed(id, result.ok ? { ok: true } : { ok: false, error: result.error }, Date.now());
  return Response.json({ delivered: result.ok, delivery: view(updated ?? delivery) });
}

function intParam(value: string | null, name: string, min: number, max: number): number | undefined {
  if (value === null) return undefined;
  const n = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(n) || n < min || n > max) throw badRequest(`${name} must be an integer from ${min} to ${max}.`);
  return n;
}
