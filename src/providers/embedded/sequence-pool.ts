/**
 * Hands out a context's sequences to requests, one request per sequence, queueing the rest in arrival order.
 *
 * An idle sequence keeps its KV cache, so `acquire` prefers the one whose cached tokens share the longest
 * prefix with the new prompt (a chat's next turn re-evaluates only what is new).
 */
export interface SequencePoolOptions<S> {
  /** How many sequences may exist at once (the context's `sequences`). */
  size: number;
  create(): S;
}

interface Waiter<S> {
  resolve(sequence: S): void;
  reject(error: unknown): void;
}

export class SequencePool<S> {
  private readonly idle: S[] = [];
  private readonly waiters: Array<Waiter<S>> = [];
  private created = 0;

  constructor(private readonly options: SequencePoolOptions<S>) {}

  /** Requests waiting for a sequence. */
  get queued(): number {
    return this.waiters.length;
  }

  /**
   * Resolves with a sequence for the caller's exclusive use until `release`.
   * `affinity` scores idle sequences; the highest wins. Rejects with `signal.reason` if aborted while queued.
   */
  acquire(signal: AbortSignal, affinity?: (sequence: S) => number): Promise<S> {
    if (signal.aborted) return Promise.reject(signal.reason);
    if (this.idle.length > 0) {
      let best = 0;
      if (affinity !== undefined) {
        let bestScore = -Infinity;
        this.idle.forEach((sequence, i) => {
          const score = affinity(sequence);
          if (score > bestScore) {
            bestScore = score;
            best = i;
          }
        });
      }
      return Promise.resolve(this.idle.splice(best, 1)[0] as S);
    }
    if (this.created < this.options.size) {
      this.created++;
      try {
        return Promise.resolve(this.options.create());
      } catch (error) {
        this.created--;
        return Promise.reject(error);
      }
    }
    return new Promise<S>((resolve, reject) => {
      const onAbort = (): void => {
        const at = this.waiters.indexOf(waiter);
        if (at >= 0) this.waiters.splice(at, 1);
        reject(signal.reason);
      };
      const waiter: Waiter<S> = {
        resolve: (sequence) => {
          signal.removeEventListener('abort', onAbort);
          resolve(sequence);
        },
        reject,
      };
      signal.addEventListener('abort', onAbort, { once: true });
      this.waiters.push(waiter);
    });
  }

  release(sequence: S): void {
    const next = this.waiters.shift();
    if (next !== undefined) next.resolve(sequence);
    else this.idle.push(sequence);
  }

  /** Fails every queued request (used when the model is closed). */
  rejectQueued(error: unknown): void {
    for (const waiter of this.waiters.splice(0)) waiter.reject(error);
  }
}
