// Writes the fixture room of party/migrations/fixtures/v1-room.sql through the public API of a
// running server: `ORIGIN=http://127.0.0.1:8799 API_KEY=… node scripts/make-room-fixture.mjs`, then
// dump the room's SQLite file (see the header of v1-room.sql). Run it against the version whose
// schema the next migration test needs.
import WebSocket from "ws";

const ORIGIN = process.env.ORIGIN ?? "http://127.0.0.1:8799";
const KEY = process.env.API_KEY ?? "dev-api-key-change-me";
const ROOM = "fixture-room";

/** @param {string} path @param {string} [method] @param {unknown} [body] @returns {Promise<any>} */
async function api(path, method = "GET", body = undefined) {
  const res = await fetch(ORIGIN + path, {
    method,
    headers: { Authorization: `Bearer ${KEY}`, "Content-Type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return res.status === 204 ? null : res.json();
}

/** @param {string} user @param {string} name @returns {Promise<WebSocket>} */
async function open(user, name) {
  const { token } = await api("/api/token", "POST", { user, name, rooms: [ROOM], ttl: 3600 });
  const ws = new WebSocket(`${ORIGIN.replace("http", "ws")}/parties/room/${ROOM}?token=${token}&v=1`);
  await new Promise((resolve) => ws.once("open", resolve));
  return ws;
}

/** @param {number} ms */
const wait = (ms) => new Promise((r) => setTimeout(r, ms));

await api(`/api/rooms/${ROOM}`, "PUT", {
  title: "Bike #42 — 자전거",
  url: "https://shop.example/items/42",
  metadata: { order: 42, tags: ["a", "b"] },
  read_only: false,
  members_only: true,
  max_members: 10,
  members: [
    { user: "seller", name: "Sam Seller" },
    { user: "buyer", name: "Bo 구매자" },
  ],
});
await api(`/api/rooms/${ROOM}/members/mod`, "PUT", { name: "Moderator", role: "moderator" });
const seller = await open("seller", "Sam Seller");
const buyer = await open("buyer", "Bo 구매자");
await wait(300);
const texts = ["Is the bike still available?", "Yes! 🚲 <b>not bold</b>", "Can you do 90,000원?", '멀티\nline\ttext with "quotes" and emoji 😀', "Deal."];
for (const [i, text] of texts.entries()) {
  (i % 2 ? seller : buyer).send(JSON.stringify({ type: "send", id: `fixture-msg-${i}`, text }));
  await wait(100);
}
await wait(300);
buyer.send(JSON.stringify({ type: "read", seq: 4 }));
seller.send(JSON.stringify({ type: "read", seq: 5 }));
await wait(300);
console.log(JSON.stringify(await api(`/api/rooms/${ROOM}`)));
console.log(JSON.stringify(await api(`/api/rooms/${ROOM}/messages`)));
seller.close();
buyer.close();
