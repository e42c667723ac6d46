/**
 * Runs `fn` in a turn of its own once every write so far is durable, so the frames the output gate
 * held (a sender's ack) are out before it starts and its own writes form a later commit. A throw is
 * logged under `label`; a failed commit resets the object, so nothing it held happened and `fn` never runs.
 */
export function afterCommit(storage: Pick<DurableObjectStorage, "sync">, label: string, fn: () => void): void {
  void storage.sync().then(
    () =>
      setTimeout(() => {
        try {
          fn();
        } catch (err) {
          console.error(`${label} failed`, err);
        }
      }, 0),
    () => {},
  );
}
