import { env, runInDurableObject, SELF } from "cloudflare:test";
import type { Room } from "../../party/room.ts";
import { PROTOCOL_VERSION, type ServerMessage } from "../../protocol/index.ts";

export const API_KEY = "test-api-key";
export const ORIGIN = "http://example.com";

export async function api(path: string, init: RequestInit & { key?: string | null } = {}): Promise<Response> {
  const headers = new Headers(init.headers);
  if (init.key !== null) headers.set("Authorization", `Bearer ${init.key ?? API_KEY}`);
  if (init.body) headers.set("Content-Type", "application/json");
  return SELF.fetch(`${ORIGIN}${path}`, { ...init, headers });
}

export async function token(user: string, rooms: string[], extra: Record<string, unknown> = {}): Promise<string> {
  const res = await api("/api/token", { method: "POST", body: JSON.stringify({ user, name: `${user} name`, rooms, ttl: 3600, ...extra }) });
  if (res.status !== 200) throw new Error(`token: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { token: string }).token;
}

/**
 * A room socket opened through the Worker, collecting parsed frames. A v2 `joined` frame is unpacked
 * into its parts, as the widget handles them, so tests read the same frames from either version;
 * `raw` keeps every frame as it came over the wire (what a join costs in frames and bytes).
 */
export class Client {
  frames: ServerMessage[] = [];
  raw: string[] = [];
  closed: { code: number; reason: string } | null = null;
  pongs = 0;
  private waiters: (() => void)[] = [];

  constructor(readonly ws: WebSocket) {
    ws.addEventListener("message", (e) => {
      // Heartbeat answers are bare text, not JSON frames.
      if (e.data === "pong") this.pongs++;
      else {
        this.raw.push(e.data as string);
        const frame = JSON.parse(e.data as string) as ServerMessage;
        this.frames.push(...(frame.type === "joined" ? frame.frames : [frame]));
      }
      this.wake();
    });
    ws.addEventListener("close", (e) => {
      this.closed = { code: e.code, reason: e.reason };
      this.wake();
    });
  }

  private wake() {
    for (const w of this.waiters.splice(0)) w();
  }

  send(frame: unknown) {
    this.ws.send(typeof frame === "string" ? frame : JSON.stringify(frame));
  }

  /** Waits until `pred` holds over the frames received so far. */
  async until<T>(pred: (frames: ServerMessage[]) => T | undefined | false, what = "frame", ms = 5000): Promise<T> {
    const deadline = Date.now() + ms;
    for (;;) {
      const hit = pred(this.frames);
      if (hit) return hit;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; got ${JSON.stringify(this.frames)}`);
      await new Promise<void>((resolve) => {
        this.waiters.push(resolve);
        setTimeout(resolve, 50);
      });
    }
  }

  /** The next frame of a type after index `from`. */
  next<K extends ServerMessage["type"]>(type: K, from = 0): Promise<Extract<ServerMessage, { type: K }>> {
    return this.until((f) => f.slice(from).find((x): x is Extract<ServerMessage, { type: K }> => x.type === type), type);
  }

  of<K extends ServerMessage["type"]>(type: K): Extract<ServerMessage, { type: K }>[] {
    return this.frames.filter((x): x is Extract<ServerMessage, { type: K }> => x.type === type);
  }

  close() {
    this.ws.close(1000, "bye");
  }
}

/** Opens a room socket; resolves with the HTTP status when the upgrade is refused. */
export async function connect(room: string, tok: string | null, query: Record<string, string> = {}): Promise<Client | number> {
  const params = new URLSearchParams({ v: String(PROTOCOL_VERSION), ...query });
  if (tok !== null) params.set("token", tok);
  const res = await SELF.fetch(`${ORIGIN}/parties/room/${room}?${params}`, { headers: { Upgrade: "websocket" } });
  if (!res.webSocket) return res.status;
  res.webSocket.accept();
  return new Client(res.webSocket);
}

export async function join(room: string, user: string, query: Record<string, string> = {}): Promise<Client> {
  const c = await connect(room, await token(user, [room]), query);
  if (typeof c === "number") throw new Error(`join refused: ${c}`);
  await c.until((f) => f.some((x) => x.type === "history" || x.type === "sync"), "initial page");
  return c;
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
export { env };

/** A room's object, typed: for tests that call its RPC methods or run inside it. */
export const roomStub = (room: string) => (env as unknown as { Room: DurableObjectNamespace<Room> }).Room.getByName(room);

/**
 * Waits until a room has no inbox flush pending or running (its `inbox:` durable timers; the flush
 * calls members' user objects). Aborting every object while that alarm runs leaves the workers test
 * pool hanging at the end of the run (seen here; cause not found), so tests that restart the objects
 * call this first.
 */
export async function inboxIdle(room: string): Promise<void> {
  for (let i = 0; i < 100; i++) {
    const busy = await runInDurableObject(roomStub(room), (r: Room) => r.probe().timers.some((t) => t.key.startsWith("inbox:")));
    if (!busy) return;
    await sleep(50);
  }
}
