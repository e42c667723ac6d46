import { SELF } from "cloudflare:test";
import { parseInboxServerFrame, type Conversation, type ErrorFrame, type InboxServerFrame } from "../../protocol/index.ts";
import type { User } from "../../party/user.ts";
import { api, env, ORIGIN, token } from "./helpers.ts";

type Frame = InboxServerFrame | ErrorFrame;

export const userObject = (user: string) => (env as unknown as { User: DurableObjectNamespace<User> }).User.getByName(user);

/** A `rooms: ["*"]` token: every room where the user is a member. */
export const anyRoomToken = (user: string, extra: Record<string, unknown> = {}) => token(user, ["*"], extra);

/** The host API's first page (or the page after `before`) of a user's conversations. */
export async function inboxRooms(user: string, query = ""): Promise<{ rooms: Conversation[]; next: string | null }> {
  const res = await api(`/api/users/${user}/rooms${query}`);
  if (res.status !== 200) throw new Error(`rooms: ${res.status} ${await res.text()}`);
  return (await res.json()) as { rooms: Conversation[]; next: string | null };
}

export async function row(user: string, room: string): Promise<Conversation | undefined> {
  return (await inboxRooms(user, "?limit=200")).rooms.find((r) => r.room === room);
}

export async function unreadTotal(user: string): Promise<number> {
  return ((await (await api(`/api/users/${user}/unread`)).json()) as { total: number }).total;
}

/** Polls `read` until `pred` holds (the index follows rooms off their ack path, so a little later). */
export async function eventually<T>(read: () => Promise<T>, pred: (value: T) => boolean, what: string, ms = 8000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await read();
    if (pred(value)) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; last: ${JSON.stringify(value)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** An inbox socket (`/parties/user/<user>`), collecting frames parsed as the widget parses them. */
export class InboxClient {
  frames: Frame[] = [];
  closed: { code: number } | null = null;

  constructor(readonly ws: WebSocket) {
    ws.addEventListener("message", (e) => {
      const parsed = parseInboxServerFrame(e.data);
      if (!parsed.ok) throw new Error(`bad inbox frame: ${parsed.message}`);
      this.frames.push(parsed.value);
    });
    ws.addEventListener("close", (e) => {
      this.closed = { code: e.code };
    });
  }

  of<K extends Frame["type"]>(type: K): Extract<Frame, { type: K }>[] {
    return this.frames.filter((f): f is Extract<Frame, { type: K }> => f.type === type);
  }

  async until<T>(pick: (c: InboxClient) => T | undefined | false | null, what: string, ms = 8000): Promise<T> {
    return (await eventually(async () => pick(this), Boolean, what, ms)) as T;
  }

  send(frame: unknown) {
    this.ws.send(typeof frame === "string" ? frame : JSON.stringify(frame));
  }

  close() {
    this.ws.close(1000, "bye");
  }
}

/** Opens an inbox socket; resolves with the HTTP status when the upgrade is refused. */
export async function openInbox(user: string, tok: string | null): Promise<InboxClient | number> {
  const query = tok === null ? "" : `?token=${tok}`;
  const res = await SELF.fetch(`${ORIGIN}/parties/user/${user}${query}`, { headers: { Upgrade: "websocket" } });
  if (!res.webSocket) return res.status;
  res.webSocket.accept();
  return new InboxClient(res.webSocket);
}
