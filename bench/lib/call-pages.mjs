// The pages of the call bench, served from one loopback origin (127.0.0.1:<port>, not the chat server's):
//   /widget  a host page with our <inapp-talk> (script from the chat server, as the README tells hosts)
//   /bare    the baseline: a bare RTCPeerConnection page, no library, signaling through /relay — a
//            WebSocket in this node process that forwards each message to the other page of the same
//            room. The bare call does what ours does, in the same order: the caller has its camera
//            before the call (our preview), the callee says "accept" at once and opens its camera
//            meanwhile, the caller offers, trickle ICE both ways, same ICE servers (our TURN).
// Both get the same instrumentation (INSTRUMENT) so they are timed the same way.
import { createServer } from "node:http";
import { WebSocketServer } from "ws";

/**
 * Runs in every page before its own scripts: absolute timestamps (performance.timeOrigin + now) of
 * getUserMedia, of our room's call frames, and a poller that notes the first decoded remote video frame.
 */
export function INSTRUMENT() {
  const w = /** @type {any} */ (window);
  const now = () => performance.timeOrigin + performance.now();
  w.__now = now;
  w.__marks = [];
  const mark = (what) => w.__marks.push({ what, at: now() });
  w.__mark = mark;
  const gum = navigator.mediaDevices.getUserMedia.bind(navigator.mediaDevices);
  navigator.mediaDevices.getUserMedia = async (c) => {
    mark("gum start");
    const s = await gum(c);
    mark("gum done");
    return s;
  };
  document.addEventListener("inapp-talk-call", (e) => mark(`event ${/** @type {CustomEvent} */ (e).detail.phase}`));
  /** offer, answer, candidate… of a call_signal frame (simple-peer's signal objects carry a type). */
  const signalType = (frame) => /"type":"(\w+)"/.exec(frame.slice(frame.indexOf('"signal":')))?.[1] ?? "?";
  // Our room's frames: what this page sent and received about calls, in order.
  const Native = window.WebSocket;
  w.WebSocket = class extends Native {
    constructor(url, protocols) {
      super(url, protocols);
      this.addEventListener("message", (e) => {
        const t = typeof e.data === "string" ? e.data : "";
        if (t.startsWith('{"type":"call"')) mark(`recv call ${/"phase":"(\w+)"/.exec(t)?.[1]}`);
        else if (t.startsWith('{"type":"call_signal"')) mark(`recv signal ${signalType(t)}`);
      });
    }
    send(data) {
      if (typeof data === "string" && data.startsWith('{"type":"call')) {
        const type = /"type":"(\w+)"/.exec(data)?.[1];
        mark(type === "call_signal" ? `send signal ${signalType(data)}` : `send ${type}`);
      }
      super.send(data);
    }
  };
  /** Polls `getStats` until a remote video frame was decoded; resolves its time. */
  w.__firstFrame = (getStats) =>
    new Promise((resolve) => {
      const tick = async () => {
        const report = await getStats().catch(() => null);
        let frames = 0;
        report?.forEach((s) => {
          if (s.type === "inbound-rtp" && s.kind === "video") frames += s.framesDecoded ?? 0;
        });
        if (frames > 0) return resolve(now());
        setTimeout(tick, 5);
      };
      tick();
    });
}

/** The bare baseline, run in the page with its options. */
function barePage(o) {
  const w = /** @type {any} */ (window);
  const mark = w.__mark;
  const ws = new WebSocket(`ws://${location.host}/relay?room=${o.room}&role=${o.role}`);
  const send = (m) => ws.send(JSON.stringify(m));
  const config = { iceServers: o.iceServers, iceTransportPolicy: o.relay ? "relay" : "all" };
  /** @type {RTCPeerConnection | null} */
  let pc = null;
  /** @type {Promise<MediaStream> | null} */
  let media = null;
  const early = [];
  const getMedia = () => (media ??= navigator.mediaDevices.getUserMedia({ audio: true, video: { width: { ideal: 640 }, height: { ideal: 480 } } }));
  const makePc = async () => {
    const stream = await getMedia();
    const p = new RTCPeerConnection(/** @type {RTCConfiguration} */ (config));
    for (const t of stream.getTracks()) p.addTrack(t, stream);
    p.onicecandidate = (e) => {
      if (!e.candidate) return;
      mark("send signal candidate");
      send({ candidate: e.candidate.toJSON() });
    };
    p.ontrack = (e) => {
      const v = /** @type {HTMLVideoElement} */ (document.getElementById("remote"));
      if (v.srcObject !== e.streams[0]) v.srcObject = e.streams[0];
    };
    p.oniceconnectionstatechange = () => mark(`ice ${p.iceConnectionState}`);
    w.__pc = p;
    return p;
  };
  let chain = Promise.resolve();
  ws.onmessage = (e) => {
    const m = JSON.parse(e.data);
    // Strictly in order, like our widget: each message waits for the one before.
    chain = chain.then(async () => {
      if (m.accept && o.role === "caller") {
        mark("recv accept");
        pc = await makePc();
        await pc.setLocalDescription(await pc.createOffer());
        mark("send signal offer");
        send({ sdp: pc.localDescription });
      } else if (m.sdp) {
        mark(`recv signal ${m.sdp.type}`);
        if (m.sdp.type === "offer") {
          pc = await makePc();
          await pc.setRemoteDescription(m.sdp);
          for (const c of early.splice(0)) await pc.addIceCandidate(c);
          await pc.setLocalDescription(await pc.createAnswer());
          mark("send signal answer");
          send({ sdp: pc.localDescription });
        } else {
          await pc.setRemoteDescription(m.sdp);
          for (const c of early.splice(0)) await pc.addIceCandidate(c);
        }
      } else if (m.candidate) {
        if (pc?.remoteDescription) await pc.addIceCandidate(m.candidate);
        else early.push(m.candidate);
      }
    });
  };
  ws.onopen = async () => {
    if (o.role === "caller") await getMedia(); // the preview our caller has while it rings
    w.__ready = true;
  };
  w.accept = () => {
    mark("send accept");
    send({ accept: true });
    void getMedia();
  };
  w.hangup = () => {
    pc?.close();
    media?.then((s) => s.getTracks().forEach((t) => t.stop()));
    ws.close();
  };
}

const esc = (s) => String(s).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/**
 * @param {number} port
 * @param {string} widgetOrigin  where inapp-talk.js is served, e.g. http://localhost:8787
 */
export function startCallPages(port, widgetOrigin) {
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://x");
    const p = Object.fromEntries(url.searchParams);
    const html = (body) =>
      res
        .writeHead(200, { "content-type": "text/html; charset=utf-8", "cache-control": "no-store" })
        .end(`<!doctype html><html><head><meta charset="utf-8"><title>call bench</title></head><body>${body}</body></html>`);
    if (url.pathname === "/widget") {
      const privacy = p.relay === "1" ? ' privacy="relay"' : "";
      return html(`<script type="module" src="${esc(widgetOrigin)}/inapp-talk.js"></script>
<div style="height:560px;max-width:480px"><inapp-talk room="${esc(p.room)}" token="${esc(p.token)}"${privacy}></inapp-talk></div>`);
    }
    if (url.pathname === "/bare") {
      const o = { room: p.room, role: p.role, relay: p.relay === "1", iceServers: JSON.parse(p.ice ?? "[]") };
      return html(`<video id="remote" autoplay playsinline muted></video><script>(${barePage.toString()})(${JSON.stringify(o)});</script>`);
    }
    res.writeHead(404).end();
  });
  const relay = new WebSocketServer({ server, path: "/relay" });
  /** @type {Map<string, Map<string, import("ws").WebSocket>>} */
  const rooms = new Map();
  relay.on("connection", (ws, req) => {
    const u = new URL(req.url ?? "/", "http://x");
    const room = u.searchParams.get("room") ?? "";
    const role = u.searchParams.get("role") ?? "";
    if (!rooms.has(room)) rooms.set(room, new Map());
    rooms.get(room).set(role, ws);
    ws.on("message", (data) =>
      rooms
        .get(room)
        ?.get(role === "caller" ? "callee" : "caller")
        ?.send(String(data)),
    );
    ws.on("close", () => rooms.get(room)?.delete(role));
  });
  return new Promise((resolve) =>
    server.listen(port, "127.0.0.1", () =>
      resolve({
        origin: `http://127.0.0.1:${port}`,
        close: () =>
          new Promise((r) => {
            relay.close();
            server.close(() => r(undefined));
          }),
      }),
    ),
  );
}
