/**
 * Runs `task` for every item with at most `limit` in flight, and returns the items whose task failed.
 * A 1,000-member room's flush is 1,000 RPCs to 1,000 user objects: all at once would queue them
 * behind each other in the room's outgoing connections; one by one would take a second.
 */
export async function eachLimited<T>(items: readonly T[], limit: number, task: (item: T) => Promise<void>): Promise<T[]> {
  const failed: T[] = [];
  let next = 0;
  const lane = async () => {
    while (next < items.length) {
      const item = items[next++] as T;
      try {
        await task(item);
      } catch {
        failed.push(item);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
  return failed;
}
