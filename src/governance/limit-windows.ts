/**
 * Window arithmetic shared by every LimitStore (the Redis script does the same sums): which window a
 * limit counts in at a time, how much of the window's budget is used, and when a request fits again.
 */
import type { LimitName } from './limit-store.js';

export const MINUTE_MS = 60_000;

/** Start of the window `limit` counts in at `now`, and its end. Spend windows are UTC calendar days/months. */
export function windowOf(limit: LimitName, now: number): { start: number; end: number } {
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
