// A TCP proxy in front of the chat server that can lose the network: `cut()` stops every byte in
// both directions without closing anything (as a dropped Wi-Fi does: no FIN, no RST, so each side
// learns only from its own heartbeats), and new connections hang. `restore()` drops the stalled
// connections, as the kernel eventually does, and forwards again.
import { connect, createServer, type Socket } from "node:net";

export interface FlakyNetwork {
  readonly port: number;
  cut(): void;
  restore(): void;
  close(): Promise<void>;
}

export function startFlakyProxy(listenPort: number, targetPort: number): Promise<FlakyNetwork> {
  let down = false;
  const live = new Set<Socket>();
  const stalled = new Set<Socket>();

  const server = createServer((client) => {
    live.add(client);
    client.on("close", () => live.delete(client));
    client.on("error", () => client.destroy());
    if (down) {
      // No route: the connection attempt is accepted by nobody and just hangs.
      client.pause();
      stalled.add(client);
      return;
    }
    const upstream = connect(targetPort, "127.0.0.1");
    live.add(upstream);
    upstream.on("close", () => {
      live.delete(upstream);
      if (!stalled.has(client)) client.destroy();
    });
    client.on("close", () => {
      if (!stalled.has(upstream)) upstream.destroy();
    });
    upstream.on("error", () => upstream.destroy());
    client.pipe(upstream);
    upstream.pipe(client);
  });

  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(listenPort, "127.0.0.1", () =>
      resolve({
        port: listenPort,
        cut() {
          down = true;
          for (const s of live) {
            s.unpipe();
            s.pause();
            stalled.add(s);
          }
        },
        restore() {
          for (const s of stalled) s.destroy();
          stalled.clear();
          down = false;
        },
        close() {
          for (const s of live) s.destroy();
          return new Promise((r) => server.close(() => r()));
        },
      }),
    );
  });
}
