import type { Transact } from '../../db/database';

/** Items applied in one transaction at most; the rest wait for the next turn of the event loop. */
export const MAX_BATCH = 500;

/**
 * Group commit: items submitted in the same turn of the event loop are applied in ONE transaction,
 * each in its own savepoint, so an item that throws rolls back alone and only its submitter gets the
 * error. Every promise settles only once that transaction has committed (or failed to): a caller
 * answered "done" has its change on disk exactly as with a transaction of its own, at a fraction of
 * the commits. `finish` runs inside the transaction after the items, with those that succeeded (for
 * writes they can share, e.g. one "last received" per integration).
 */
export function groupCommit<T, R>(deps: {
  transact: Transact;
  apply: (item: T) => R;
  finish?: (done: Array<{ item: T; result: R }>) => void;
  /** Runs once before each batch, outside its transaction (housekeeping). */
  before?: () => void;
  maxBatch?: number;
}): (item: T) => Promise<R> {
  const { transact, apply } = deps;
  const maxBatch = deps.maxBatch ?? MAX_BATCH;
  let queue: Array<{ item: T; resolve(result: R): void; reject(error: unknown): void }> = [];
  let scheduled = false;

  function schedule(): void {
    if (scheduled) return;
    scheduled = true;
    setImmediate(flush);
  }

  function flush(): void {
    scheduled = false;
    const batch = queue.length > maxBatch ? queue.splice(0, maxBatch) : queue;
    if (batch === queue) queue = [];
    else schedule();
    const outcomes: Array<{ ok: true; result: R } | { ok: false; error: unknown }> = [];
    let committed = false;
    try {
      deps.before?.();
      transact(() => {
        // Deferred tasks run in order once the outermost transaction commits: this one first.
        transact.afterCommit(() => {
          committed = true;
        });
        const done: Array<{ item: T; result: R }> = [];
        for (const { item } of batch) {
          try {
            const result = transact(() => apply(item));
            outcomes.push({ ok: true, result });
            done.push({ item, result });
          } catch (error) {
            outcomes.push({ ok: false, error });
          }
        }
        deps.finish?.(done);
      });
    } catch (error) {
      // Either nothing landed (the commit, or `before`/`finish`, failed) or everything did and a task
      // deferred to after the commit failed: then the items' own outcomes stand.
      if (!committed) {
        for (const waiting of batch) waiting.reject(error);
        return;
      }
    }
    batch.forEach((waiting, i) => {
      const outcome = outcomes[i]!;
      if (outcome.ok) waiting.resolve(outcome.result);
      else waiting.reject(outcome.error);
    });
  }

  return (item: T) =>
    new Promise<R>((resolve, reject) => {
      queue.push({ item, resolve, reject });
      schedule();
    });
}
