/**
 * Window arithmetic shared by every LimitStore (the Redis script does the same sums): which window a
 * limit counts in at a time, how much of the window's budget is used, and when a request fits again.
 */
import type { LimitName } from './limit-store.js';

export const MINUTE_MS = 60_000;

/** Start of the window `limit` counts in at `now`, and its end. Spend windows are UTC calendar days/months. */
export function windowOf(limit: LimitName, now: number): { start: number; end: number } {
  // Concurrency has no window: a slot frees when a request settles (stores never key it by window).
  if (limit === 'concurrent_requests') return { start: 0, end: now + IN_FLIGHT_RETRY_MS };
  if (limit === 'requests_per_minute' || limit === 'tokens_per_minute') {
    const start = Math.floor(now / MINUTE_MS) * MINUTE_MS;
    return { start, end: start + MINUTE_MS };
  }
  const d = new Date(now);
  if (limit === 'spend_per_day') {
    const start = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate());
    return { start, end: start + 86_400_000 };
  }
  return { start: Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1), end: Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1) };
}

export function isSliding(limit: LimitName): boolean {
  return limit === 'requests_per_minute' || limit === 'tokens_per_minute';
}

export function isSpend(limit: LimitName): limit is 'spend_per_day' | 'spend_per_month' {
  return limit === 'spend_per_day' || limit === 'spend_per_month';
}

/**
 * How soon a request refused only because of other requests still in flight (their reservations, or
 * their concurrency slots) is told to retry: those settle within a typical request's duration, not at
 * the window's end. A guess by nature; short, so a client retries rather than giving up for hours.
 */
export const IN_FLIGHT_RETRY_MS = 2_000;

/**
 * A concurrency slot is held at most this long: a reservation never settled (a replica that died
 * mid-request) frees its slot when the lease ends. Longer than any request should take, streams included.
 */
export const CONCURRENCY_LEASE_MS = 10 * MINUTE_MS;

/**
 * When a spend or concurrency denial may fit again: soon when settled usage alone leaves room (only
 * in-flight reservations are in the way, and they usually settle below the worst case), else the
 * window's end.
 */
export function budgetFitsAgainAt(options: { limit: LimitName; now: number; used: number; inFlight: number; amount: number; max: number }): number {
  const { limit, now, used, inFlight, amount, max } = options;
  const { end } = windowOf(limit, now);
  if (limit === 'concurrent_requests') return end;
  if (amount <= max && inFlight > 0 && used - inFlight + amount <= max) return Math.min(end, now + IN_FLIGHT_RETRY_MS);
  return end;
}

/** The window before the one starting at `start` (only sliding limits look back). */
export function previousWindowStart(start: number): number {
  return start - MINUTE_MS;
}

/**
 * Usage of a limit at `now`: for sliding limits the previous minute weighs by how much of it still lies
 * within the last 60 s.
 */
export function usedAt(options: { limit: LimitName; now: number; current: number; previous: number }): number {
  if (!isSliding(options.limit)) return options.current;
  const { start } = windowOf(options.limit, options.now);
  const weight = 1 - (options.now - start) / MINUTE_MS;
  return options.previous * weight + options.current;
}

/**
 * The earliest time (ms, rounded up) at which `amount` more fits under `max`, given the counters at
 * `now`. For an amount larger than `max` itself it never fits; the window's end is returned and the
 * caller says so in its message.
 */
export function fitsAgainAt(options: { limit: LimitName; now: number; current: number; previous: number; amount: number; max: number }): number {
  const { limit, now, current, previous, amount, max } = options;
  const { start, end } = windowOf(limit, now);
  if (!isSliding(limit)) return end;
  const room = max - amount;
  if (room < 0) return end;
  // Within this window: previous * (1 - (t - start) / W) + current <= room.
  if (current <= room && previous > 0) return Math.min(end, Math.ceil(start + MINUTE_MS * (1 - (room - current) / previous)));
  // In the next window the current count becomes the previous one: current * (1 - e / W) <= room.
  if (current <= 0) return end;
  return Math.ceil(end + MINUTE_MS * Math.max(0, 1 - room / current));
}
