/** Settles with the promise, or with ABORTED as soon as the signal fires (the promise keeps running). */
export const ABORTED = Symbol('aborted');

export function raceAbort<T>(promise: Promise<T>, signal: AbortSignal): Promise<T | typeof ABORTED> {
  if (signal.aborted) return Promise.resolve(ABORTED);
  return new Promise((resolve, reject) => {
    const onAbort = (): void => resolve(ABORTED);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}

/**
 * raceAbort for a loop of many steps on one signal (a generation's tokens): the abort listener is added
 * once, not per step, so a token costs one promise instead of EventTarget bookkeeping, and nothing piles
 * up on the signal between steps (a Promise.race against one long-lived abort promise would keep a
 * reaction per step until the request ends). Call `dispose` when the loop ends.
 */
export class AbortRace {
  private settle: ((value: typeof ABORTED) => void) | null = null;
  private readonly onAbort = (): void => {
    this.settle?.(ABORTED);
    this.settle = null;
  };

  constructor(private readonly signal: AbortSignal) {
    signal.addEventListener('abort', this.onAbort, { once: true });
  }

  race<T>(promise: Promise<T>): Promise<T | typeof ABORTED> {
    if (this.signal.aborted) return Promise.resolve(ABORTED);
    return new Promise<T | typeof ABORTED>((resolve, reject) => {
      this.settle = resolve;
      promise.then(
        (value) => {
          this.settle = null;
          resolve(value);
        },
        (error: unknown) => {
          this.settle = null;
          reject(error);
        },
      );
    });
  }

  dispose(): void {
    this.settle = null;
    this.signal.removeEventListener('abort', this.onAbort);
  }
}
