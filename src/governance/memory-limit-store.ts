/**
 * LimitStore for one process: counters in a Map. Each counting step runs start to finish without an
 * await, so concurrent requests in this process are serialised by the event loop; that is the whole of
 * its atomicity, and why replicas need the Redis store (scale-out issue).
 *
 * Spend counters start from the request log (`history`) the first time a subject's window is used, so
 * restarting a single node keeps its budgets (docs/decisions/budget-durability.md).
 */
import { randomUUID } from 'node:crypto';
import {
  LIMIT_NAMES,
  type LimitAmounts,
  type LimitBucket,
  type LimitName,
  type LimitState,
  type LimitStore,
  type Reservation,
  type ReserveResult,
  type SpendHistory,
} from './limit-store.js';
import { budgetFitsAgainAt, CONCURRENCY_LEASE_MS, fitsAgainAt, isSliding, isSpend, MINUTE_MS, previousWindowStart, usedAt, windowOf } from './limit-windows.js';

/** Counters are dropped this long after their window ends (sliding limits still read the previous minute). */
const KEEP_AFTER_END_MS = 2 * MINUTE_MS;

interface Counter {
  value: number;
  /** Spend reserved by requests not yet settled (part of value). */
  reserved: number;
  expiresAt: number;
}

export interface MemoryLimitStoreOptions {
  /** Rebuilds spend counters of buckets with a `spendKeyId`; unset: counters start at zero. */
  history?: SpendHistory | undefined;
}

export function createMemoryLimitStore(options: MemoryLimitStoreOptions = {}): LimitStore {
  const counters = new Map<string, Counter>();
  /**
   * Requests in flight per subject (concurrent_requests): reservation id -> lease end. The lease, as in
   * Redis, means a reservation that is somehow never settled cannot hold its slot for ever.
   */
  const inFlight = new Map<string, Map<string, number>>();
  const inFlightCount = (subject: string, now: number): number => {
    const leases = inFlight.get(subject);
    if (leases === undefined) return 0;
    for (const [id, until] of leases) if (until <= now) leases.delete(id);
    if (leases.size === 0) inFlight.delete(subject);
    return leases.size;
  };
  /** Rebuilds under way, so concurrent first requests of a window query the log once. */
  const seeding = new Map<string, Promise<void>>();
  let operations = 0;

  const keyOf = (subject: string, limit: LimitName, windowStart: number): string => `${subject}\u0000${limit}\u0000${windowStart}`;
  const read = (key: string): number => counters.get(key)?.value ?? 0;
  const add = (key: string, delta: number, expiresAt: number, reservedDelta = 0): void => {
    const counter = counters.get(key);
    if (counter === undefined) {
      if (delta > 0) counters.set(key, { value: delta, reserved: Math.max(0, reservedDelta), expiresAt });
      return;
    }
    counter.value = Math.max(0, counter.value + delta);
    counter.reserved = Math.max(0, counter.reserved + reservedDelta);
  };
  const sweep = (now: number): void => {
    // Amortised: one pass every 1,000 operations keeps the map bounded by the active subjects.
    if (++operations % 1_000 !== 0) return;
    for (const [key, counter] of counters) if (counter.expiresAt <= now) counters.delete(key);
  };
  const amountFor = (limit: LimitName, amounts: LimitAmounts): number =>
    limit === 'requests_per_minute' || limit === 'concurrent_requests' ? 1 : limit === 'tokens_per_minute' ? amounts.tokens : amounts.spend;

  /** Creates the missing spend counters of rebuildable buckets from the request log. */
  const seed = async (buckets: readonly LimitBucket[], now: number): Promise<void> => {
    const history = options.history;
    if (history === undefined) return;
    const pending: Array<Promise<void>> = [];
    for (const bucket of buckets) {
      const keyId = bucket.spendKeyId;
      if (keyId === undefined) continue;
      for (const limit of LIMIT_NAMES) {
        if (!isSpend(limit) || bucket.limits[limit] === undefined) continue;
        const { start, end } = windowOf(limit, now);
        const key = keyOf(bucket.subject, limit, start);
        if (counters.has(key)) continue;
        let running = seeding.get(key);
        if (running === undefined) {
          running = history
            .spendSince({ keyId, since: start })
            .then((spend) => {
              // Only the seed creates a rebuildable spend counter, so nothing counted meanwhile is lost.
              if (!counters.has(key)) counters.set(key, { value: spend, reserved: 0, expiresAt: end + KEEP_AFTER_END_MS });
            })
            .finally(() => seeding.delete(key));
          seeding.set(key, running);
        }
        pending.push(running);
      }
    }
    await Promise.all(pending);
  };

  const adjust = (reservation: Reservation, actual: LimitAmounts): void => {
    for (const bucket of reservation.buckets) {
      for (const limit of LIMIT_NAMES) {
        if (bucket.limits[limit] === undefined) continue;
        if (limit === 'concurrent_requests') {
          const leases = inFlight.get(bucket.subject);
          leases?.delete(reservation.id);
          if (leases?.size === 0) inFlight.delete(bucket.subject);
          continue;
        }
        const start = reservation.windows[limit];
        if (start === undefined || limit === 'requests_per_minute') continue;
        const reserved = amountFor(limit, reservation.amounts);
        const key = keyOf(bucket.subject, limit, start);
        // A rebuildable counter that is gone will be rebuilt from the log, which holds this request.
        if (isSpend(limit) && bucket.spendKeyId !== undefined && options.history !== undefined && !counters.has(key)) continue;
        add(key, amountFor(limit, actual) - reserved, windowOf(limit, start).end + KEEP_AFTER_END_MS, isSpend(limit) ? -reserved : 0);
      }
    }
  };

  return {
    async settle({ reservation, actual }): Promise<void> {
      adjust(reservation, actual);
    },

    async reserve({ buckets, amounts, now }): Promise<ReserveResult> {
      await seed(buckets, now);
      sweep(now);
      const windows: Reservation['windows'] = {};
      const states: LimitState[] = [];
      // Check everything first: a request is counted in all of its buckets or in none.
      for (const bucket of buckets) {
        for (const limit of LIMIT_NAMES) {
          const max = bucket.limits[limit];
          if (max === undefined) continue;
          const { start, end } = windowOf(limit, now);
          const amount = amountFor(limit, amounts);
          if (limit === 'concurrent_requests') {
            const used = inFlightCount(bucket.subject, now);
            if (used + amount > max) {
              return { ok: false, denied: { subject: bucket.subject, limit, max, remaining: 0, used, requested: amount, inFlight: used, resetAt: end } };
            }
            states.push({ subject: bucket.subject, limit, max, remaining: Math.max(0, max - used - amount), resetAt: end });
            continue;
          }
          windows[limit] = start;
          const key = keyOf(bucket.subject, limit, start);
          const current = read(key);
          const previous = isSliding(limit) ? read(keyOf(bucket.subject, limit, previousWindowStart(start))) : 0;
          const used = usedAt({ limit, now, current, previous });
          if (used + amount > max) {
            const reserved = counters.get(key)?.reserved ?? 0;
            const resetAt = isSpend(limit)
              ? budgetFitsAgainAt({ limit, now, used, inFlight: reserved, amount, max })
              : fitsAgainAt({ limit, now, current, previous, amount, max });
            return {
              ok: false,
              denied: { subject: bucket.subject, limit, max, remaining: Math.max(0, max - used), used, requested: amount, inFlight: reserved, resetAt },
            };
          }
          states.push({ subject: bucket.subject, limit, max, remaining: Math.max(0, max - used - amount), resetAt: end });
        }
      }
      const id = randomUUID();
      for (const bucket of buckets) {
        for (const limit of LIMIT_NAMES) {
          if (bucket.limits[limit] === undefined) continue;
          if (limit === 'concurrent_requests') {
            const leases = inFlight.get(bucket.subject) ?? new Map<string, number>();
            leases.set(id, now + CONCURRENCY_LEASE_MS);
            inFlight.set(bucket.subject, leases);
            continue;
          }
          const { start, end } = windowOf(limit, now);
          const amount = amountFor(limit, amounts);
          const key = keyOf(bucket.subject, limit, start);
          if (isSpend(limit) && !counters.has(key)) counters.set(key, { value: 0, reserved: 0, expiresAt: end + KEEP_AFTER_END_MS });
          add(key, amount, end + KEEP_AFTER_END_MS, isSpend(limit) ? amount : 0);
        }
      }
      return { ok: true, reservation: { id, buckets, amounts: { ...amounts }, windows }, states };
    },

    async release({ reservation }): Promise<void> {
      adjust(reservation, { tokens: 0, spend: 0 });
    },

    async close(): Promise<void> {
      counters.clear();
      inFlight.clear();
    },
  };
}
