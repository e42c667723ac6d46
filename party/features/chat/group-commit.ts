/**
 * Group commit for a Durable Object. The first write goes straight out; writes that arrive while its
 * commit is still syncing to disk wait and are written together in one transaction when it lands.
 * Acks stay honest: the output gate holds every frame sent in `flush` until that batch is durable.
 * On local SQLite every commit is a disk sync (BENCHMARKS.md, "What the room's levers do"); batching turns N syncs into one.
 */
export class GroupCommit<T> {
  private queue: T[] = [];
  private syncing = false;

  constructor(
    /** Resolves when everything written so far is durable (DurableObjectStorage.sync). */
    private readonly sync: () => Promise<void>,
    /** Writes a batch synchronously (one implicit transaction) and sends its replies. */
    private readonly flush: (batch: T[]) => void,
  ) {}

  push(item: T): void {
    this.queue.push(item);
    if (!this.syncing) this.drain();
  }

  /** Items waiting for the current commit (for tests and metrics). */
  get waiting(): number {
    return this.queue.length;
  }

  private drain(): void {
    if (this.queue.length === 0) return;
    const batch = this.queue;
    this.queue = [];
    this.flush(batch);
    this.syncing = true;
    const next = () => {
      this.syncing = false;
      this.drain();
    };
    // A failed sync breaks the object's output gate (the runtime resets it); nothing else to undo here.
    this.sync().then(next, next);
  }
}
