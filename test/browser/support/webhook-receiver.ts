// A host's webhook endpoint on 127.0.0.1 for the webhook tests: it verifies every delivery with the
// reference library (`standardwebhooks`), records it, and answers what the test tells it to — by room,
// so the tests of one file never see each other's deliveries.
import { createServer, type IncomingMessage, type Server } from "node:http";
import { Webhook } from "standardwebhooks";

export interface Delivery {
  id: string;
  timestamp: number;
  type: string;
  data: Record<string, unknown>;
  /** When it arrived (node's clock, ms). */
  at: number;
  path: string;
  /** What the receiver answered. */
  status: number;
}

export interface Answer {
  status: number;
  headers?: Record<string, string>;
  /** Hold the answer this long (a slow endpoint). */
  delayMs?: number;
}

export type Responder = (d: Delivery, previous: Delivery[]) => Answer;

export interface Receiver {
  readonly url: string;
  /** Deliveries that verified, in arrival order. */
  readonly deliveries: Delivery[];
  /** Requests whose signature, timestamp or body did not verify (must stay empty). */
  readonly invalid: string[];
  /** How to answer deliveries about `room` (default: 204). */
  on(room: string, responder: Responder): void;
  forRoom(room: string): Delivery[];
  close(): Promise<void>;
}

export async function startReceiver(secret: string, port: number): Promise<Receiver> {
  const verifier = new Webhook(secret);
  const deliveries: Delivery[] = [];
  const invalid: string[] = [];
  const responders = new Map<string, Responder>();

  const server: Server = createServer(async (req, res) => {
    const body = await readBody(req);
    const headers = Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, String(v)]));
    let event: { type: string; data: Record<string, unknown> };
    try {
      event = verifier.verify(body, headers) as typeof event;
    } catch (err) {
      invalid.push(`${String(err)}: ${body.slice(0, 200)}`);
      res.writeHead(400).end("bad signature");
      return;
    }
    const d: Delivery = {
      id: headers["webhook-id"]!,
      timestamp: Number(headers["webhook-timestamp"]),
      type: event.type,
      data: event.data,
      at: Date.now(),
      path: req.url ?? "/",
      status: 0,
    };
    const room = String(event.data.room);
    const previous = deliveries.filter((x) => x.data.room === room);
    const answer = responders.get(room)?.(d, previous) ?? { status: 204 };
    d.status = answer.status;
    deliveries.push(d);
    if (answer.delayMs) await new Promise((r) => setTimeout(r, answer.delayMs));
    if (!res.destroyed) res.writeHead(answer.status, answer.headers).end(answer.status >= 400 ? `receiver says ${answer.status}` : "");
  });
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${port}`,
    deliveries,
    invalid,
    on: (room, responder) => responders.set(room, responder),
    forRoom: (room) => deliveries.filter((d) => d.data.room === room),
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}
