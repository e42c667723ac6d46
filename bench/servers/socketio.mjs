// Socket.IO 4 baseline: the plain broadcast server people write first. No persistence, no auth, no
// validation beyond shape: `send {id,text}` is stamped like ours ({seq,id,user,name,text,ts}), broadcast
// to the room's other sockets and acked. Started by bench/run.mjs: node socketio.mjs <port>
import { createServer } from "node:http";
import { Server } from "socket.io";

const port = Number(process.argv[2]);
const http = createServer((_req, res) => res.writeHead(404).end());
const io = new Server(http, { transports: ["websocket"], perMessageDeflate: false, serveClient: false, maxHttpBufferSize: 20000 });
const seqs = new Map();

io.on("connection", (socket) => {
  const room = String(socket.handshake.query.room ?? "lobby");
  const user = String(socket.handshake.query.user ?? socket.id);
  socket.join(room);
  socket.on("send", (frame, ack) => {
    if (!frame || typeof frame.id !== "string" || typeof frame.text !== "string") return;
    const seq = (seqs.get(room) ?? 0) + 1;
    seqs.set(room, seq);
    const message = { seq, id: frame.id, user, name: user, text: frame.text, ts: Date.now() };
    socket.to(room).emit("message", message);
    if (typeof ack === "function") ack({ id: frame.id, seq, ts: message.ts });
  });
});

http.listen(port, "127.0.0.1", () => console.log(`socket.io listening on ${port}`));
