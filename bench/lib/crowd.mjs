// §4's `--quick` crowd, shared by the instruments that look inside it (bench/native-profile.mjs,
// bench/sql-census.mjs): R rooms × PER_ROOM clients whose users are u0…u4, so the users' objects stay warm
// while every room is new, and one message into each room at once.
import { BenchClient, closeAll, messageText, openMany } from "./clients.mjs";
import { sleep } from "./proc.mjs";

export const PER_ROOM = 5;

/** Warms the load generator and the worker's isolate in 10 rooms of their own, then lets them settle. */
export async function warmUp(target, prefix, settleMs) {
  const warm = await openMany(50, async (i) => new BenchClient(target.kind, await target.wsUrl(`${prefix}-warm-${i % 10}`, `u${i % PER_ROOM}`)), {
    concurrency: 50,
  });
  await closeAll(warm.clients);
  await sleep(settleMs);
}

/** Opens `rooms` × PER_ROOM clients, 50 handshakes in flight; client i is in room ⌊i / PER_ROOM⌋. */
export async function openCrowd(target, prefix, rooms) {
  const { clients } = await openMany(
    rooms * PER_ROOM,
    async (i) => new BenchClient(target.kind, await target.wsUrl(`${prefix}-${Math.floor(i / PER_ROOM)}`, `u${i % PER_ROOM}`)),
    { concurrency: 50, timeoutMs: 30000 },
  );
  // Broadcasts are not what these instruments look at.
  for (const c of clients) c.onMessage = () => {};
  return clients;
}

/** One message from each room's first client, all at once; resolves at the last ack, throws if one is missing after 30 s. */
export async function messageEachRoom(clients, rooms, tag) {
  let acked = 0;
  const done = new Promise((resolve) => {
    for (const c of clients)
      c.onAck = () => {
        if (++acked === rooms) resolve(undefined);
      };
  });
  for (let r = 0; r < rooms; r++) clients[r * PER_ROOM].send(`${tag}-${r}`, messageText(r));
  await Promise.race([done, sleep(30000)]);
  if (acked < rooms) throw new Error(`${acked} of ${rooms} ${tag} messages acknowledged in 30 s`);
}
