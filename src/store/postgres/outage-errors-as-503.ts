/**
 * Wraps a store interface (keys, dashboard, stats, request-log reads) so that an outage reaches the API as
 * a 503 store_unavailable with a fixed message, not a 500 carrying the driver's text. Other errors pass
 * through unchanged. Reads do not flip readiness: a slow dashboard query hitting statement_timeout is not
 * an outage; the outage guard's probe decides that.
 */
import { storeUnavailableError } from '../store-unavailable.js';
import { isPostgresUnavailable } from './postgres-errors.js';

type AsyncMethods<T> = { [K in keyof T]: T[K] extends (...args: never[]) => Promise<unknown> ? T[K] : never };

export function outageErrorsAs503<T extends AsyncMethods<T>>(target: T): T {
  const wrapped = { ...target };
  for (const name of Object.keys(target) as Array<keyof T>) {
    const method = target[name] as (...args: unknown[]) => Promise<unknown>;
    if (typeof method !== 'function') continue;
    const guarded = async (...args: unknown[]): Promise<unknown> => {
      try {
        return await method.apply(target, args);
      } catch (error) {
        throw isPostgresUnavailable(error) ? storeUnavailableError(error) : error;
      }
    };
    wrapped[name] = guarded as T[keyof T];
  }
  return wrapped;
}
