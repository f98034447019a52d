/**
 * LimitStore for one process: counters in a Map. Each operation runs start to finish without an await,
 * so concurrent requests in this process are serialised by the event loop; that is the whole of its
 * atomicity, and why replicas need the Redis store (scale-out issue).
 */
import { randomUUID } from 'node:crypto';
import { LIMIT_NAMES, type LimitAmounts, type LimitName, type LimitState, type LimitStore, type Reservation, type ReserveResult } from './limit-store.js';
import { fitsAgainAt, isSliding, MINUTE_MS, previousWindowStart, usedAt, windowOf } from './limit-windows.js';

/** Counters are dropped this long after their window ends (sliding limits still read the previous minute). */
const KEEP_AFTER_END_MS = 2 * MINUTE_MS;

interface Counter {
  value: number;
  expiresAt: number;
}

export function createMemoryLimitStore(): LimitStore {
  const counters = new Map<string, Counter>();
  let operations = 0;

  const keyOf = (subject: string, limit: LimitName, windowStart: number): string => `${subject}\u0000${limit}\u0000${windowStart}`;
  const read = (key: string): number => counters.get(key)?.value ?? 0;
  const add = (key: string, delta: number, expiresAt: number): void => {
    const counter = counters.get(key);
    if (counter === undefined) {
      if (delta > 0) counters.set(key, { value: delta, expiresAt });
      return;
    }
    counter.value = Math.max(0, counter.value + delta);
  };
  const sweep = (now: number): void => {
    // Amortised: one pass every 1,000 operations keeps the map bounded by the active subjects.
    if (++operations % 1_000 !== 0) return;
    for (const [key, counter] of counters) if (counter.expiresAt <= now) counters.delete(key);
  };
  const amountFor = (limit: LimitName, amounts: LimitAmounts): number =>
    limit === 'requests_per_minute' ? 1 : limit === 'tokens_per_minute' ? amounts.tokens : amounts.spend;

  const settle: LimitStore['settle'] = async ({ reservation, actual }) => {
    for (const bucket of reservation.buckets) {
      for (const limit of LIMIT_NAMES) {
        const start = reservation.windows[limit];
        if (bucket.limits[limit] === undefined || start === undefined || limit === 'requests_per_minute') continue;
        const delta = amountFor(limit, actual) - amountFor(limit, reservation.amounts);
        add(keyOf(bucket.subject, limit, start), delta, windowOf(limit, start).end + KEEP_AFTER_END_MS);
      }
    }
  };

  return {
    settle,
    async reserve({ buckets, amounts, now }): Promise<ReserveResult> {
      sweep(now);
      const windows: Reservation['windows'] = {};
      const states: LimitState[] = [];
      // Check everything first: a request is counted in all of its buckets or in none.
      for (const bucket of buckets) {
        for (const limit of LIMIT_NAMES) {
          const max = bucket.limits[limit];
          if (max === undefined) continue;
          const { start, end } = windowOf(limit, now);
          windows[limit] = start;
          const current = read(keyOf(bucket.subject, limit, start));
          const previous = isSliding(limit) ? read(keyOf(bucket.subject, limit, previousWindowStart(start))) : 0;
          const used = usedAt({ limit, now, current, previous });
          const amount = amountFor(limit, amounts);
          if (used + amount > max) {
            return {
              ok: false,
              denied: { subject: bucket.subject, limit, max, remaining: Math.max(0, max - used), used, requested: amount, resetAt: fitsAgainAt({ limit, now, current, previous, amount, max }) },
            };
          }
          states.push({ subject: bucket.subject, limit, max, remaining: Math.max(0, max - used - amount), resetAt: end });
        }
      }
      for (const bucket of buckets) {
        for (const limit of LIMIT_NAMES) {
          if (bucket.limits[limit] === undefined) continue;
          const { start, end } = windowOf(limit, now);
          add(keyOf(bucket.subject, limit, start), amountFor(limit, amounts), end + KEEP_AFTER_END_MS);
        }
      }
      return { ok: true, reservation: { id: randomUUID(), buckets, amounts: { ...amounts }, windows }, states };
    },

    async release({ reservation }): Promise<void> {
      await settle({ reservation, actual: { tokens: 0, spend: 0 } });
    },

    async close(): Promise<void> {
      counters.clear();
    },
  };
}
