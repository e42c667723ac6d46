import type { ChatMessage } from "../../protocol/index.ts";

/**
 * Merges messages into a list ordered by `seq`, dropping duplicates (a message can arrive as a
 * live broadcast and again in a `sync` page after a reconnect). Returns a new array when anything
 * changed, so Lit sees the update, and the same array otherwise.
 */
export function mergeBySeq(current: readonly ChatMessage[], incoming: readonly ChatMessage[]): ChatMessage[] {
  if (incoming.length === 0) return current as ChatMessage[];
  const last = current.length ? current[current.length - 1]!.seq : -1;
  // Common case: a live message or a resume page, all newer than what is held and already in order.
  if (isAscending(incoming) && incoming[0]!.seq > last) return [...current, ...incoming];
  const bySeq = new Map<number, ChatMessage>();
  for (const m of current) bySeq.set(m.seq, m);
  let changed = false;
  for (const m of incoming) {
    if (!bySeq.has(m.seq)) {
      bySeq.set(m.seq, m);
      changed = true;
    }
  }
  if (!changed) return current as ChatMessage[];
  return [...bySeq.values()].sort((a, b) => a.seq - b.seq);
}

/** Sorts and de-duplicates a page that replaces what the client shows. */
export function normalize(messages: readonly ChatMessage[]): ChatMessage[] {
  return mergeBySeq([], messages);
}

export const highestSeq = (list: readonly ChatMessage[]): number => (list.length ? list[list.length - 1]!.seq : 0);
export const oldestSeq = (list: readonly ChatMessage[]): number | null => (list.length ? list[0]!.seq : null);

function isAscending(list: readonly ChatMessage[]): boolean {
  for (let i = 1; i < list.length; i++) if (list[i]!.seq <= list[i - 1]!.seq) return false;
  return true;
}
