/** What rooms and the Worker ask of the deployment's webhook log (party/webhook-log.ts). */

/** A delivery that ran out of attempts, got 410, or was pushed out of a full outbox. */
export interface FailedDelivery {
  /** The `webhook-id`, also the delivery's id in the API. */
  id: string;
  room: string;
  url: string;
  type: string;
  /** The exact JSON body that was signed (a replay sends it again, byte for byte). */
  body: string;
  attempts: number;
  lastError: string;
  createdAt: number;
  failedAt: number;
}

export type DeliveryStatus = "failed" | "delivered";

export interface LoggedDelivery extends FailedDelivery {
  status: DeliveryStatus;
  /** Cursor order (newest first). */
  n: number;
  updatedAt: number;
}

export interface WebhookLogRpc {
  /** Records failures (idempotent by id: a room that reports twice after a restart changes nothing). */
  failed(records: FailedDelivery[]): void;
  list(status: DeliveryStatus | null, limit: number, before: number | null): LoggedDelivery[];
  get(id: string): LoggedDelivery | null;
  /** The outcome of a host's replay. */
  replayed(id: string, outcome: { ok: true } | { ok: false; error: string }, at: number): LoggedDelivery | null;
}

/** The one log object of a deployment. */
export const WEBHOOK_LOG_NAME = "deployment";
