// The one load generator: `ws` clients, compression off, for every target.
// Ours speaks the inapp-talk protocol (protocol/messages.ts); Socket.IO is spoken as raw engine.io v4
// framing over the same `ws` socket (cheaper than socket.io-client, and the same socket code path for
// both targets, so the generator's own cost is comparable).
import WebSocket from "ws";
import { protocolConstant } from "./protocol-constants.mjs";

const WS_OPTIONS = { perMessageDeflate: false, handshakeTimeout: 15000 };
// Like the widget: ping on the protocol's interval, or the room closes the socket as lost.
const HEARTBEAT_PING = protocolConstant("HEARTBEAT_PING");
const HEARTBEAT_PONG = protocolConstant("HEARTBEAT_PONG");
const HEARTBEAT_INTERVAL_MS = protocolConstant("HEARTBEAT_INTERVAL_MS");

/**
 * One client. Callbacks (set them before `open()` resolves to see every frame):
 *   onMessage(message, t)   a broadcast chat message ({seq,id,user,name,text,ts}); t = performance.now() at receipt
 *   onAck(id, seq, t)       the server acknowledged our send
 *   onFrame(frame, t)       any other frame of ours (welcome, sync, history, presence, error…; a v2 `joined` frame's parts one by one)
 *   onWire(frame)           every frame of ours as it came over the wire (a `joined` frame whole), before the above
 *   onClose(code)
 */
export class BenchClient {
  constructor(kind, url) {
    this.kind = kind; // "ours" | "floor" (bench/servers/floor: our frames, ready at its welcome) | "sio"
    this.url = url;
    this.ws = null;
    this.welcome = null;
    this.onMessage = null;
    this.onAck = null;
    this.onFrame = null;
    this.onWire = null;
    this.onClose = null;
    this.ackSeq = 0;
    this.errors = 0;
    this.lastError = null;
    this.closing = false;
    /** Close code when the server (not we) ended the socket, else null. */
    this.droppedWith = null;
    /** Frames and payload bytes received (heartbeat pongs not counted): what a join costs the client. */
    this.rxFrames = 0;
    this.rxBytes = 0;
  }

  /**
   * Connects and resolves once the session is usable: ours after `welcome` and the first history/sync page
   * (what a widget needs to render), Socket.IO after the namespace CONNECT reply.
   * Resolves with { welcomeMs, readyMs } measured from the start of the TCP connect.
   */
  open(timeoutMs = 20000) {
    const t0 = performance.now();
    return new Promise((resolve, reject) => {
      let settled = false;
      let welcomeMs = NaN;
      const done = (err, value) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        err ? reject(err) : resolve(value);
      };
      const timer = setTimeout(() => {
        done(new Error(`open timed out after ${timeoutMs} ms: ${this.url.slice(0, 80)}`));
        this.terminate();
      }, timeoutMs);
      const ws = new WebSocket(this.url, WS_OPTIONS);
      this.ws = ws;
      ws.on("unexpected-response", (_req, res) => {
        let body = "";
        res.on("data", (c) => (body += c));
        res.on("end", () => done(new Error(`upgrade refused: HTTP ${res.statusCode} ${body.slice(0, 200)}`)));
      });
      ws.on("error", (e) => done(e));
      ws.on("close", (code) => {
        clearInterval(this.heartbeat);
        if (!this.closing) this.droppedWith = code;
        done(new Error(`closed during open: ${code}`));
        this.onClose?.(code);
      });
      if (this.kind !== "sio") {
        /** One frame of ours (or the floor's); a v2 `joined` frame is its parts in order, as the widget takes it apart. */
        const handle = (frame, t) => {
          switch (frame.type) {
            case "joined":
              for (const part of frame.frames) handle(part, t);
              return;
            case "message":
              this.onMessage?.(frame.message, t);
              return;
            case "messages": // one frame for a group-committed batch
              for (const m of frame.messages) this.onMessage?.(m, t);
              return;
            case "ack":
              this.onAck?.(frame.id, frame.seq, t);
              return;
            case "welcome":
              this.welcome = frame;
              welcomeMs = t - t0;
              this.heartbeat = setInterval(() => ws.readyState === WebSocket.OPEN && ws.send(HEARTBEAT_PING), HEARTBEAT_INTERVAL_MS);
              this.heartbeat.unref();
              // The floor sends nothing but its welcome on join.
              if (this.kind === "floor") done(null, { welcomeMs, readyMs: welcomeMs });
              break;
            case "history":
            case "sync":
              if (this.welcome) done(null, { welcomeMs, readyMs: t - t0 });
              break;
            case "error":
              this.errors++;
              this.lastError = frame;
              break;
          }
          this.onFrame?.(frame, t);
        };
        ws.on("message", (data, isBinary) => {
          const t = performance.now();
          if (isBinary) return;
          const text = data.toString();
          if (text === HEARTBEAT_PONG) return;
          this.rxFrames++;
          this.rxBytes += Buffer.byteLength(text);
          const frame = JSON.parse(text);
          this.onWire?.(frame);
          handle(frame, t);
        });
      } else {
        ws.on("message", (data, isBinary) => {
          const t = performance.now();
          if (isBinary) return;
          const s = data.toString();
          if (s !== "2") {
            this.rxFrames++;
            this.rxBytes += Buffer.byteLength(s);
          }
          // engine.io packet type is the first character: 0 open, 2 ping, 4 message (+ socket.io packet type).
          if (s.charCodeAt(0) === 52 /* "4" */) {
            const sioType = s.charCodeAt(1);
            if (sioType === 50 /* "2" EVENT */) {
              const [event, payload] = JSON.parse(s.slice(2));
              if (event === "message") this.onMessage?.(payload, t);
            } else if (sioType === 51 /* "3" ACK */) {
              const p = JSON.parse(s.slice(s.indexOf("[")))[0];
              this.onAck?.(p.id, p.seq, t);
            } else if (sioType === 48 /* "0" CONNECT */) {
              welcomeMs = t - t0;
              done(null, { welcomeMs, readyMs: t - t0 });
            }
          } else if (s === "2") {
            ws.send("3");
          } else if (s.charCodeAt(0) === 48 /* "0" open */) {
            ws.send("40");
          }
        });
      }
    });
  }

  send(id, text) {
    if (this.kind !== "sio") this.ws.send(JSON.stringify({ type: "send", id, text }));
    else this.ws.send(`42${++this.ackSeq}${JSON.stringify(["send", { id, text }])}`);
  }

  /** Raw protocol frame (ours only), e.g. { type: "sync", since }. */
  sendFrame(frame) {
    this.ws.send(JSON.stringify(frame));
  }

  close() {
    this.closing = true;
    if (!this.ws) return Promise.resolve();
    const ws = this.ws;
    if (ws.readyState === WebSocket.CLOSED) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        ws.terminate();
        resolve();
      }, 3000);
      ws.once("close", () => {
        clearTimeout(timer);
        resolve();
      });
      if (ws.readyState === WebSocket.CONNECTING) ws.terminate();
      else ws.close(1000);
    });
  }

  terminate() {
    this.closing = true;
    try {
      this.ws?.terminate();
    } catch {}
  }
}

/**
 * Opens `count` clients with at most `concurrency` handshakes in flight (staggered connects, no SYN storm).
 * Returns { clients, totalMs, readyMs: number[] }.
 */
export async function openMany(count, make, { concurrency = 50, timeoutMs = 20000 } = {}) {
  const clients = new Array(count);
  const readyMs = new Array(count);
  const t0 = performance.now();
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const i = next++;
      const c = await make(i);
      clients[i] = c;
      const r = await c.open(timeoutMs);
      readyMs[i] = r.readyMs;
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
  } catch (e) {
    await closeAll(clients.filter(Boolean));
    throw e;
  }
  return { clients, totalMs: performance.now() - t0, readyMs };
}

export async function closeAll(clients) {
  await Promise.all(clients.map((c) => c?.close()));
}

/** ~100-byte message text (ASCII, so bytes = characters). */
export function messageText(i, bytes = 100) {
  const head = `bench message ${i} `;
  return head + "lorem ipsum dolor sit amet ".repeat(5).slice(0, Math.max(0, bytes - head.length));
}
