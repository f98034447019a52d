/**
 * Start-up against a database that is not there yet (it restarts, fails over, or starts after the
 * gateway's pod): retry with exponential backoff, one log line per try, instead of exiting and
 * crash-looping. Only outages are retried; a failed migration or a bad schema name fails at once.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { isPostgresUnavailable, outageReason } from './postgres-errors.js';

export interface WaitForPostgresOptions<T> {
  /** One try; throws when the database cannot be used. */
  open(): Promise<T>;
  /** host:port/database, for the log line. */
  database: string;
  /** Tries before giving up; 0: keep trying. */
  attempts: number;
  /** The wait doubles from FIRST_BACKOFF_MS up to this. */
  maxBackoffMs: number;
  log(line: string): void;
  /** Test hook: how to wait (default: a timer). */
  sleep?: (ms: number) => Promise<void>;
}

export const FIRST_BACKOFF_MS = 500;

export async function waitForPostgres<T>(options: WaitForPostgresOptions<T>): Promise<T> {
  const wait = options.sleep ?? ((ms: number) => sleep(ms));
  const of = options.attempts === 0 ? '' : ` of ${options.attempts}`;
  for (let attempt = 1; ; attempt++) {
    try {
      const opened = await options.open();
      if (attempt > 1) options.log(`tandem: PostgreSQL at ${options.database} is reachable (try ${attempt}${of})`);
      return opened;
    } catch (error) {
      if (!isPostgresUnavailable(error)) throw error;
      if (options.attempts !== 0 && attempt >= options.attempts) {
        throw new Error(`PostgreSQL at ${options.database} is still unreachable after ${attempt} tries: ${outageReason(error)}`, { cause: error });
      }
      const backoff = Math.min(options.maxBackoffMs, FIRST_BACKOFF_MS * 2 ** (attempt - 1));
      // ±20% jitter, so replicas started together do not knock in step.
      const delay = Math.round(backoff * (0.8 + Math.random() * 0.4));
      options.log(
        `tandem: waiting for PostgreSQL at ${options.database}: try ${attempt}${of} failed (${outageReason(error)}); next try in ${(delay / 1000).toFixed(1)} s`,
      );
      await wait(delay);
    }
  }
}
