// The runtime floor for the flash bench (BENCHMARKS.md §16): the least any Durable Object chat must do, run
// the same way as ours (wrangler's unstable_startWorker, inspector off) so that "ours − floor" is our cost and
// not the local runtime's. A Worker routes the upgrade by room name (`/parties/room/<name>`, the URL shape
// ours uses; the query is ignored: no token check) to one SQLite-backed object per room, which accepts the
// socket as hibernatable and sends one small welcome frame. A `send` frame is answered with an ack and passed
// to the room's other sockets, so rooms hibernate and wake by one message as ours do, and the many-rooms
// scenario's deliveries arrive. With FLOOR_WRITE = "rows" the object also writes one row per connect (a
// member) and per message: what a commit costs locally.
import { DurableObject } from "cloudflare:workers";

interface Env {
  Room: DurableObjectNamespace<Room>;
  /** "rows": one SQLite row written per connect and per message; anything else: no writes. */
  FLOOR_WRITE?: string;
}

/** The protocol's heartbeat (protocol/limits.ts), answered by the runtime without waking the object, as ours. */
const PING = "ping";
const PONG = "pong";
const WELCOME = JSON.stringify({ type: "welcome", floor: true });
const ROOM_PATH = /^\/parties\/room\/([^/]+)$/;

export default {
  fetch(request: Request, env: Env): Response | Promise<Response> {
    const name = ROOM_PATH.exec(new URL(request.url).pathname)?.[1];
    if (!name) return new Response("floor: not found", { status: 404 });
    if (request.headers.get("upgrade") !== "websocket") return new Response("floor: expected a WebSocket upgrade", { status: 426 });
    return env.Room.get(env.Room.idFromName(decodeURIComponent(name))).fetch(request);
  },
} satisfies ExportedHandler<Env>;

export class Room extends DurableObject<Env> {
  private readonly writes: boolean;
  private seq = 0;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.writes = env.FLOOR_WRITE === "rows";
    ctx.setWebSocketAutoResponse(new WebSocketRequestResponsePair(PING, PONG));
  }

  override fetch(request: Request): Response {
    const user = new URL(request.url).searchParams.get("user") ?? "";
    const [client, server] = Object.values(new WebSocketPair()) as [WebSocket, WebSocket];
    // The user rides in the runtime's tag, not an attachment: nothing to serialize per socket.
    this.ctx.acceptWebSocket(server, [user.slice(0, 256) || "anonymous"]);
    if (this.writes) this.write("INSERT OR REPLACE INTO members (id, joined) VALUES (?, ?)", user, Date.now());
    server.send(WELCOME);
    return new Response(null, { status: 101, webSocket: client });
  }

  override webSocketMessage(ws: WebSocket, data: string | ArrayBuffer): void {
    if (typeof data !== "string") return;
    let frame: unknown;
    try {
      frame = JSON.parse(data);
    } catch {
      return;
    }
    if (typeof frame !== "object" || frame === null) return;
    const { type, id, text } = frame as { type?: unknown; id?: unknown; text?: unknown };
    if (type !== "send" || typeof id !== "string") return;
    const body = typeof text === "string" ? text : "";
    if (this.writes) this.write("INSERT INTO messages (id, text) VALUES (?, ?)", id, body);
    const seq = ++this.seq;
    ws.send(JSON.stringify({ type: "ack", id, seq }));
    const message = JSON.stringify({ type: "message", message: { seq, id, user: this.ctx.getTags(ws)[0] ?? "", text: body, ts: Date.now() } });
    for (const other of this.ctx.getWebSockets()) if (other !== ws) other.send(message);
  }

  /** The tables are made on the first write that misses them, not on every start (a CREATE on wake is a commit). */
  private write(sql: string, ...args: (string | number)[]): void {
    try {
      this.ctx.storage.sql.exec(sql, ...args);
    } catch (e) {
      if (!String(e).includes("no such table")) throw e;
      this.ctx.storage.sql.exec(
        "CREATE TABLE IF NOT EXISTS members (id TEXT PRIMARY KEY, joined INTEGER NOT NULL); CREATE TABLE IF NOT EXISTS messages (seq INTEGER PRIMARY KEY, id TEXT NOT NULL, text TEXT NOT NULL)",
      );
      this.ctx.storage.sql.exec(sql, ...args);
    }
  }
}
