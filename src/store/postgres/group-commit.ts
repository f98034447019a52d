/**
 * Group commit: appends that arrive while a write is in flight wait and go out together in the next
 * one, so under load one round trip and one WAL flush carry many rows, and an idle gateway pays for a
 * single-row commit only. There is no timer: a batch leaves as soon as a write slot is free, so nothing
 * waits longer than the commit ahead of it. Each caller's promise settles with its own row's outcome.
 */

export interface GroupCommitOptions<T> {
  /**
   * Writes one batch durably. Returns one entry per item, in order: undefined when the item was written,
   * an Error when it alone was refused. Throwing fails every item of the batch.
   */
  write(batch: readonly T[]): Promise<ReadonlyArray<Error | undefined>>;
  /** Most items per write (default 500). */
  maxBatch?: number;
  /** Writes in flight at once (default 2): a second one overlaps the first's commit wait. */
  maxInFlight?: number;
}

interface Pending<T> {
  item: T;
  resolve(): void;
  reject(error: Error): void;
}

export interface GroupCommit<T> {
  /** Resolves once the item's write has committed. */
  submit(item: T): Promise<void>;
  /** Resolves once every item submitted so far has settled. */
  drain(): Promise<void>;
  /** Items waiting for a write slot plus items in flight (for metrics and tests). */
  readonly pending: number;
}

export function createGroupCommit<T>(options: GroupCommitOptions<T>): GroupCommit<T> {
  const maxBatch = options.maxBatch ?? 500;
  const maxInFlight = options.maxInFlight ?? 2;
  const queue: Array<Pending<T>> = [];
  let inFlight = 0;
  let inFlightItems = 0;
  let scheduled = false;
  let idleWaiters: Array<() => void> = [];

  function schedule(): void {
    if (scheduled) return;
    scheduled = true;
    // A microtask, not an immediate write: appends issued in the same tick (Promise.all) share a batch.
    queueMicrotask(() => {
      scheduled = false;
      pump();
    });
  }

  function pump(): void {
    while (inFlight < maxInFlight && queue.length > 0) {
      const batch = queue.splice(0, maxBatch);
      inFlight += 1;
      inFlightItems += batch.length;
      void run(batch).finally(() => {
        inFlight -= 1;
        inFlightItems -= batch.length;
        if (queue.length > 0) pump();
        else if (inFlight === 0) wakeIdle();
      });
    }
  }

  async function run(batch: Array<Pending<T>>): Promise<void> {
    try {
      const outcomes = await options.write(batch.map((p) => p.item));
      batch.forEach((p, i) => {
        const outcome = outcomes[i];
        if (outcome === undefined) p.resolve();
        else p.reject(outcome);
      });
    } catch (error) {
      const failure = error instanceof Error ? error : new Error(String(error));
      for (const p of batch) p.reject(failure);
    }
  }

  function wakeIdle(): void {
    const waiters = idleWaiters;
    idleWaiters = [];
    for (const wake of waiters) wake();
  }

  return {
    submit(item: T): Promise<void> {
      return new Promise<void>((resolve, reject) => {
        queue.push({ item, resolve, reject });
        schedule();
      });
    },
    drain(): Promise<void> {
      if (queue.length === 0 && inFlight === 0 && !scheduled) return Promise.resolve();
      return new Promise<void>((resolve) => idleWaiters.push(resolve));
    },
    get pending() {
      return queue.length + inFlightItems;
    },
  };
}
