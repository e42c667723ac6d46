// TEMPORARY stand-in for the real room while party/ is being written; deleted once wrangler dev answers.
import { createServer } from "node:http";
import { WebSocketServer } from "ws";
const port = Number(process.argv[2]);
const rooms = new Map();
const http = createServer((req, res) => {
  if (req.url.startsWith("/api/session")) return res.writeHead(401, { "content-type": "application/json" }).end('{"error":{"code":"unauthorized","message":"x"}}');
  res.writeHead(404).end();
});
const wss = new WebSocketServer({ server: http, perMessageDeflate: false });
wss.on("connection", (ws, req) => {
  const u = new URL(req.url, "http://x");
  const name = u.pathname.split("/")[3];
  if (!rooms.has(name)) rooms.set(name, { msgs: [], socks: new Set() });
  const room = rooms.get(name);
  room.socks.add(ws);
  const since = u.searchParams.get("since");
  ws.send(JSON.stringify({ type: "welcome", v: 1, room: name, user: "u", name: "u", role: "member", lastSeq: room.msgs.length, readOnly: false }));
  ws.send(JSON.stringify({ type: "presence", online: [] }));
  ws.send(JSON.stringify({ type: "reads", reads: [] }));
  const page = (s) => { const m = room.msgs.slice(s, s + 200); ws.send(JSON.stringify({ type: "sync", messages: m, more: s + 200 < room.msgs.length })); };
  if (since !== null) page(Number(since)); else ws.send(JSON.stringify({ type: "history", messages: room.msgs.slice(-50), before: null, hasMore: false }));
  ws.on("message", (d) => {
    const f = JSON.parse(d.toString());
    if (f.type === "sync") return page(f.since);
    if (f.type !== "send") return;
    const m = { seq: room.msgs.length + 1, id: f.id, user: "u", name: "u", text: f.text, ts: Date.now() };
    room.msgs.push(m);
    ws.send(JSON.stringify({ type: "ack", id: f.id, seq: m.seq, ts: m.ts }));
    const s = JSON.stringify({ type: "message", message: m });
    for (const o of room.socks) if (o !== ws) o.send(s);
  });
  ws.on("close", () => room.socks.delete(ws));
});
http.listen(port, "127.0.0.1", () => console.log("stub listening"));
