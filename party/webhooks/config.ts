/**
 * Webhook configuration from wrangler vars, read once per room instance. Bad values are not fatal
 * (a room must keep chatting): they turn webhooks off and say why in the log, once.
 */
import { secretBytes } from "./signing.ts";

export interface WebhookVars {
  /** Comma-separated http(s) endpoint URLs; empty or unset = webhooks off. */
  WEBHOOK_URLS?: string;
  /** `whsec_<base64>` (Standard Webhooks), at least 16 bytes. */
  WEBHOOK_SECRET?: string;
  /** Multiplies the retry schedule (tests: 0.001 turns 5 min into 300 ms). Default 1. */
  WEBHOOK_RETRY_SCALE?: string;
  /** Seconds an endpoint has to answer before the attempt counts as failed. Default 15. */
  WEBHOOK_TIMEOUT_SEC?: string;
  /** Deliveries one room may hold undelivered. Default 10000. */
  WEBHOOK_OUTBOX_MAX?: string;
}

export interface WebhookConfig {
  urls: string[];
  secret: Uint8Array;
  scale: number;
  timeoutMs: number;
  outboxMax: number;
}

export const DEFAULT_TIMEOUT_SEC = 15;
export const DEFAULT_OUTBOX_MAX = 10_000;

const num = (v: string | undefined, fallback: number) => {
  const n = Number(v);
  return v !== undefined && v !== "" && Number.isFinite(n) && n > 0 ? n : fallback;
};

/** The config, null when webhooks are off; `problem` receives the reason a set value was refused. */
export function webhookConfig(vars: WebhookVars, problem: (message: string) => void = () => {}): WebhookConfig | null {
  const raw = (vars.WEBHOOK_URLS ?? "")
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
  if (raw.length === 0) return null;
  const urls = raw.filter((u) => {
    const ok = ["http:", "https:"].includes(protocolOf(u));
    if (!ok) problem(`WEBHOOK_URLS: "${u}" is not an http(s) URL; skipped`);
    return ok;
  });
  const secret = secretBytes(vars.WEBHOOK_SECRET);
  if (!secret) {
    problem("WEBHOOK_SECRET must be whsec_<base64 of 16+ bytes>; webhooks are off");
    return null;
  }
  if (urls.length === 0) return null;
  return {
    urls,
    secret,
    scale: num(vars.WEBHOOK_RETRY_SCALE, 1),
    timeoutMs: num(vars.WEBHOOK_TIMEOUT_SEC, DEFAULT_TIMEOUT_SEC) * 1000,
    outboxMax: Math.floor(num(vars.WEBHOOK_OUTBOX_MAX, DEFAULT_OUTBOX_MAX)),
  };
}

function protocolOf(url: string): string {
  try {
    return new URL(url).protocol;
  } catch {
    return "";
  }
}
