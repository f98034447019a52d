/**
 * The counters behind rate limits and budgets. Every operation is one atomic step on the store (a
 * function call with no await inside in memory, one Lua script in Redis), so concurrent requests can
 * never both pass a check that only one of them fits.
 *
 * Windows:
 * - per-minute rates use a sliding-window counter: the current fixed minute plus the previous one
 *   weighted by how much of it still overlaps the last 60 s (Cloudflare's approximation; two numbers
 *   per subject and metric, an INCRBYFLOAT each in Redis);
 * - spend uses calendar windows in UTC (day, month) that reset at midnight / the 1st.
 *
 * - concurrent requests count reservations not yet settled or released (a lease in Redis, so a replica
 *   that dies does not hold its slots for ever).
 *
 * A reservation holds an estimate (1 request, estimated tokens, worst-case spend) in the windows that
 * were current when it was made; settle() replaces the estimate by the actual amounts in those same
 * windows, release() takes back tokens and spend (the request still counts against requests/min).
 *
 * Spend counters are a cache of the request log (docs/decisions/budget-durability.md): when one is
 * missing (a Redis or single-node restart, eviction) and its bucket names a `spendKeyId`, the store
 * rebuilds it from `history` before counting anything in it, so a restart never resets a budget.
 */
import type { RequestLog } from '../store/request-log.js';

/** The limits the gateway knows, as named in 429 messages and headers. */
export type LimitName = 'requests_per_minute' | 'tokens_per_minute' | 'spend_per_day' | 'spend_per_month' | 'concurrent_requests';

export const LIMIT_NAMES: readonly LimitName[] = ['requests_per_minute', 'tokens_per_minute', 'spend_per_day', 'spend_per_month', 'concurrent_requests'];

/** Where budgets rebuild lost counters from: the request log's spend per key. */
export type SpendHistory = Pick<RequestLog, 'spendSince'>;

/** Limits of one subject; an absent name is unlimited. */
export type LimitSet = Partial<Record<LimitName, number>>;

/** Who is counted: `key:<id>` or `user:<key id>:<user>`. */
export interface LimitBucket {
  subject: string;
  limits: LimitSet;
  /**
   * The request log's `keyId` whose rows are this bucket's spend (null: requests without a key), so a
   * lost spend counter can be rebuilt. Unset: not rebuildable (per-user buckets: the log has no user).
   */
  spendKeyId?: string | null;
}

export interface LimitAmounts {
  tokens: number;
  spend: number;
}

export interface Reservation {
  id: string;
  buckets: LimitBucket[];
  /** What was reserved (requests: always 1). */
  amounts: LimitAmounts;
  /** Start (ms) of the window each limit counted in, so settle() corrects the same window. */
  windows: Partial<Record<LimitName, number>>;
  /**
   * Per spend counter (`subject limit`), the generation of the counter the amounts went into. A counter
   * rebuilt since (Redis restarted mid-request) has another one: settle() then adds the actual amount
   * in full, as the reserved one is no longer in it.
   */
  generations?: Record<string, string>;
}

/** Where one limit of one subject stands, for x-ratelimit-* headers. */
export interface LimitState {
  subject: string;
  limit: LimitName;
  max: number;
  /** After this request's reservation; never below 0. */
  remaining: number;
  /** When the window frees enough for one more request (ms since the epoch). */
  resetAt: number;
}

export type ReserveResult =
  | { ok: true; reservation: Reservation; states: LimitState[] }
  | {
      ok: false;
      /** The first limit (in LIMIT_NAMES order, key before user) that would be exceeded. */
      denied: LimitState & {
        used: number;
        requested: number;
        /** The part of `used` that is reservations of requests still in flight (spend and concurrency). */
        inFlight: number;
      };
    };

export interface LimitStore {
  /** Checks every limit of every bucket and, only if all pass, counts the amounts in all of them. */
  reserve(options: { buckets: LimitBucket[]; amounts: LimitAmounts; now: number }): Promise<ReserveResult>;
  /** Replaces the reserved amounts by the actual ones (may be more or less than reserved). */
  settle(options: { reservation: Reservation; actual: LimitAmounts }): Promise<void>;
  /** Takes back the reserved tokens and spend (a failed call); the request stays counted. */
  release(options: { reservation: Reservation }): Promise<void>;
  close(): Promise<void>;
}
