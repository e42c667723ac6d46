// Talks to the chat server the way a host backend (tokens, transcript) or a second client (a
// plain WebSocket that seeds a room) would, so browser tests can set up state without a UI.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { decodeJwt, decodeProtectedHeader, SignJWT } from "jose";
import WebSocket from "ws";
import { PROTOCOL_VERSION, type ChatMessage } from "../../../protocol/index.ts";
import { unpack } from "./frames.ts";
import { REPO_ROOT } from "./paths.ts";

/** The key in .dev.vars.example; `npm test` creates .dev.vars from it. */
export const DEV_API_KEY = "dev-api-key-change-me";

export interface Minted {
  token: string;
  expires_at: number;
}

export interface TokenRequest {
  user: string;
  name: string;
  rooms: string[];
  ttl?: number;
  /** Call cap in seconds (absent = no limit, 0 = no calls). */
  call_seconds?: number;
  /** Calls of this user go through TURN only. */
  relay?: boolean;
}

const toHttp = (origin: string) => origin.replace("//localhost:", "//127.0.0.1:");

export async function mintToken(origin: string, req: TokenRequest, retried = false): Promise<string> {
  const res = await fetch(`${toHttp(origin)}/api/token`, {
    method: "POST",
    headers: { authorization: `Bearer ${DEV_API_KEY}`, "content-type": "application/json" },
    body: JSON.stringify({ ttl: 3600, ...req }),
  });
  // wrangler dev's proxy answers a POST that met a reload of the worker with this 503 and asks for a
  // retry (it retries only GET/HEAD itself). Said on stderr, so a reload mid-run stays visible.
  if (res.status === 503 && !retried && (await res.clone().text()).startsWith("Your worker restarted mid-request")) {
    console.error("mintToken: wrangler reloaded the worker mid-request; retrying once");
    return mintToken(origin, req, true);
  }
  const body = (await res.json()) as Minted;
  if (res.status !== 200 || typeof body.token !== "string") {
    throw new Error(`POST /api/token answered ${res.status} ${JSON.stringify(body)}`);
  }
  return body.token;
}

/**
 * A token exactly like the server mints (same header and claims) but that expired an hour ago:
 * the API refuses ttl < 60 s, and waiting a minute in a test is worse than re-signing with the
 * local TOKEN_SECRET.
 */
export async function mintExpiredToken(origin: string, req: TokenRequest): Promise<string> {
  const valid = await mintToken(origin, req);
  const header = decodeProtectedHeader(valid);
  const claims = decodeJwt(valid);
  const now = Math.floor(Date.now() / 1000);
  const secret = devVar("TOKEN_SECRET");
  return new SignJWT({ ...claims, iat: now - 7200, exp: now - 3600 })
    .setProtectedHeader({ ...header, alg: header.alg ?? "HS256" })
    .sign(new TextEncoder().encode(secret));
}

function devVar(name: string): string {
  const text = readFileSync(join(REPO_ROOT, ".dev.vars"), "utf8");
  const m = new RegExp(`^\\s*${name}\\s*=\\s*"?([^"\\n]*?)"?\\s*$`, "m").exec(text);
  if (!m?.[1]) throw new Error(`${name} is not set in .dev.vars`);
  return m[1];
}

/** A message as the transcript API returns it: the protocol's own shape. */
export type StoredMessage = ChatMessage;

/** The room's transcript through the host API (oldest first). */
export async function transcript(origin: string, room: string): Promise<StoredMessage[]> {
  const res = await fetch(`${toHttp(origin)}/api/rooms/${room}/messages?limit=200`, {
    headers: { authorization: `Bearer ${DEV_API_KEY}` },
  });
  const body = (await res.json()) as { messages: StoredMessage[] };
  if (res.status !== 200 || !Array.isArray(body.messages)) {
    throw new Error(`GET /api/rooms/${room}/messages answered ${res.status} ${JSON.stringify(body)}`);
  }
  return body.messages;
}

/**
 * Posts messages into a room over plain WebSockets, waiting for each ack, a fresh socket every
 * SEED_PER_SOCKET messages. The room's budget is per user (5/s after a burst of 20, shared by the
 * sockets): once it refuses one, the seeder waits as told and then keeps below the rate. Retrying
 * at the edge instead (a refusal per message, ~5/s) adds up to a flood within the room's 10 s
 * window, and the room then cuts the user off.
 */
export async function seedMessages(origin: string, room: string, user: { user: string; name: string }, texts: string[]): Promise<StoredMessage[]> {
  const stored: StoredMessage[] = [];
  const pace: Pace = { gapMs: 0, last: 0 };
  for (let i = 0; i < texts.length; i += SEED_PER_SOCKET) {
    stored.push(...(await seedOnOneSocket(origin, room, user, texts.slice(i, i + SEED_PER_SOCKET), pace)));
  }
  return stored;
}

const SEED_PER_SOCKET = 15;
/** Below the room's default 5 messages/s once the burst is spent. */
const SEED_PACED_GAP_MS = 230;

interface Pace {
  /** 0 while the burst lasts, SEED_PACED_GAP_MS after the first refusal. */
  gapMs: number;
  last: number;
}

async function seedOnOneSocket(origin: string, room: string, user: { user: string; name: string }, texts: string[], pace: Pace): Promise<StoredMessage[]> {
  const token = await mintToken(origin, { ...user, rooms: [room] });
  const url = `${toHttp(origin).replace(/^http/, "ws")}/parties/room/${room}?token=${encodeURIComponent(token)}&v=${PROTOCOL_VERSION}`;
  const ws = new WebSocket(url);
  const frames: Array<Record<string, unknown>> = [];
  const waiters: Array<() => void> = [];
  ws.on("message", (data) => {
    frames.push(...unpack(JSON.parse(String(data)) as Record<string, unknown>));
    for (const w of waiters.splice(0)) w();
  });
  const waitFor = async (pred: (f: Record<string, unknown>) => boolean, what: string) => {
    const deadline = Date.now() + 30_000;
    for (;;) {
      const hit = frames.find(pred);
      if (hit) return hit;
      if (Date.now() > deadline) throw new Error(`seedMessages: no ${what} within 30 s; got ${JSON.stringify(frames).slice(0, 500)}`);
      await new Promise<void>((r) => {
        waiters.push(r);
        setTimeout(r, 250);
      });
    }
  };
  await new Promise<void>((resolve, reject) => {
    ws.once("open", () => resolve());
    ws.once("error", reject);
    ws.once("unexpected-response", (_req, res) => reject(new Error(`seedMessages: upgrade refused with ${res.statusCode}`)));
  });
  await waitFor((f) => f.type === "welcome", "welcome");
  const stored: StoredMessage[] = [];
  for (const text of texts) {
    const id = `seed_${Math.random().toString(36).slice(2, 12)}`;
    let ack: Record<string, unknown>;
    for (;;) {
      const wait = pace.last + pace.gapMs - Date.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      pace.last = Date.now();
      const from = frames.length;
      ws.send(JSON.stringify({ type: "send", id, text }));
      ack = await waitFor((f) => frames.indexOf(f) >= from && (f.type === "ack" || f.type === "error") && f.id === id, `ack for ${id}`);
      // The room's budget is per user (5/s after a burst of 20): wait as told and resend the same id.
      if (ack.type !== "error" || ack.code !== "rate_limited") break;
      pace.gapMs = SEED_PACED_GAP_MS;
      await new Promise((r) => setTimeout(r, Number(ack.retryAfterMs) || 200));
    }
    if (ack.type !== "ack") throw new Error(`seedMessages: ${JSON.stringify(ack)}`);
    stored.push({ seq: ack.seq as number, id, user: user.user, name: user.name, kind: "text", text, ts: ack.ts as number });
  }
  ws.close();
  return stored;
}

export const uniqueRoom = (prefix = "e2e") => `${prefix}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
