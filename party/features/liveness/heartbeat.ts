import { HEARTBEAT_TIMEOUT_MS } from "../../../protocol/index.ts";

/**
 * Sockets whose last sign of life is older than the heartbeat timeout. A sign of life is the last
 * auto-answered ping or, before the first ping, the moment the socket connected.
 */
export function staleSockets<S>(sockets: Iterable<S>, lastSeen: (socket: S) => number | null, now: number, timeoutMs = HEARTBEAT_TIMEOUT_MS): S[] {
  const stale: S[] = [];
  for (const socket of sockets) {
    const seen = lastSeen(socket);
    if (seen !== null && now - seen > timeoutMs) stale.push(socket);
  }
  return stale;
}
