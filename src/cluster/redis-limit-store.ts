/**
 * The LimitStore (src/governance/limit-store.ts) in Redis, so rate limits and budgets hold across replicas.
 *
 * reserve() is one Lua script (redis-limit-scripts.ts): it reads every counter the request touches, and
 * only if every limit has room, adds the amounts — no other replica's reserve can interleave, so
 * concurrent requests never both take the last of a budget. settle()/release() correct the counters the
 * reservation counted in (one script). Each counter is a key per subject, limit and window start, with a
 * TTL just past the window's useful life.
 *
 * Budgets are a cache of the request log: a budget counter Redis lost (restart, eviction) is rebuilt from
 * `history` before anything is counted in it (docs/decisions/budget-durability.md).
 *
 * Redis unreachable: rate limits and budgets each fail open (the request goes through uncounted; its
 * actual usage is still added when it settles, if Redis is back) or closed (503), per config.
 */
import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
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
} from '../governance/limit-store.js';
import {
  budgetFitsAgainAt,
  CONCURRENCY_LEASE_MS,
  fitsAgainAt,
  isSliding,
  isSpend,
  MINUTE_MS,
  previousWindowStart,
  usedAt,
  windowOf,
} from '../governance/limit-windows.js';
import { GatewayError } from '../spec/errors.js';
import type { FailMode, RedisConnection } from './redis-connection.js';
import { ADJUST_SCRIPT, RESERVE_SCRIPT, SEED_SCRIPT } from './redis-limit-scripts.js';

/** Counters outlive their window by this much (a sliding limit still reads the previous minute). */
const KEEP_AFTER_END_MS = 2 * MINUTE_MS;
/** A reserve may find a counter to rebuild again (it expired meanwhile); give up after this many rounds. */
const MAX_SEED_ROUNDS = 3;
/** Sent as the generation of a reservation that counted nothing in a budget counter (Redis was away). */
const NO_GENERATION = '-';

type Kind = 'rate' | 'budget' | 'concurrency';

interface Check {
  bucket: LimitBucket;
  limit: LimitName;
  kind: Kind;
  max: number;
  amount: number;
  start: number;
  end: number;
  weight: number;
  rebuildable: boolean;
}

type ReserveReply = [0, number, string, string, string] | [1, ...string[]] | [2, ...number[]];

interface ScriptedRedis extends Redis {
  tandemReserve(numKeys: number, ...args: Array<string | number>): Promise<ReserveReply>;
  tandemSeed(numKeys: number, ...args: Array<string | number>): Promise<number>;
  tandemAdjust(numKeys: number, ...args: Array<string | number>): Promise<number>;
}

export interface RedisLimitStoreOptions {
  connection: RedisConnection;
  failModes: { rate_limits: FailMode; budgets: FailMode };
  /** Where lost budget counters are rebuilt from (the request log); unset: they restart at zero. */
  history?: SpendHistory | undefined;
}

export class RedisLimitStore implements LimitStore {
  private readonly prefix: string;
  private readonly history: SpendHistory | undefined;
  /** Log queries under way, by counter key. */
  private readonly seeding = new Map<string, Promise<boolean>>();

  constructor(private readonly options: RedisLimitStoreOptions) {
    this.prefix = options.connection.keyPrefix;
    this.history = options.history;
    options.connection.client.defineCommand('tandemReserve', { lua: RESERVE_SCRIPT });
    options.connection.client.defineCommand('tandemSeed', { lua: SEED_SCRIPT });
    options.connection.client.defineCommand('tandemAdjust', { lua: ADJUST_SCRIPT });
  }

  async reserve(input: { buckets: LimitBucket[]; amounts: LimitAmounts; now: number }): Promise<ReserveResult> {
    const { buckets, amounts, now } = input;
    const checks = planChecks(buckets, amounts, now, this.history !== undefined);
    const windows: Reservation['windows'] = {};
    for (const check of checks) if (check.kind !== 'concurrency') windows[check.limit] = check.start;
    const id = randomUUID();
    const reservation = (counted: LimitAmounts, generations: Record<string, string>): Reservation => ({
      id,
      buckets,
      amounts: { ...counted },
      windows,
      generations,
    });
    if (checks.length === 0) return { ok: true, reservation: reservation(amounts, {}), states: [] };

    const keys = checks.flatMap((c) => [this.key(c), this.key({ ...c, start: previousWindowStart(c.start) })]);
    const args = checks.flatMap((c) => [
      c.kind,
      c.max,
      c.amount,
      String(c.weight),
      c.kind === 'concurrency' ? CONCURRENCY_LEASE_MS : c.end + KEEP_AFTER_END_MS - now,
      c.rebuildable ? '1' : '0',
    ]);
    const feature = featureOf(checks.map((c) => c.limit));
    let reply: ReserveReply | undefined;
    for (let round = 0; ; round++) {
      reply = await this.options.connection.attempt(feature, (redis) =>
        (redis as ScriptedRedis).tandemReserve(keys.length, ...keys, checks.length, now, id, now + CONCURRENCY_LEASE_MS, randomUUID(), ...args),
      );
      if (reply === undefined || reply[0] !== 2) break;
      if (round === MAX_SEED_ROUNDS) throw new Error(`budget counters still missing after ${MAX_SEED_ROUNDS} rebuilds`);
      const missing = (reply.slice(1) as number[]).map((i) => checks[i - 1]).filter((c): c is Check => c !== undefined);
      if (!(await this.seed(missing, now))) {
        reply = undefined;
        break;
      }
    }
    if (reply === undefined) return this.unavailable(checks, (counted) => reservation(counted, {}));
    if (reply[0] === 0) {
      const check = checks[reply[1] - 1];
      if (!check) throw new Error(`limit script returned check ${reply[1]} of ${checks.length}`);
      const current = Number(reply[2]);
      const previous = Number(reply[3]);
      const inFlight = Number(reply[4]);
      const used = usedAt({ limit: check.limit, now, current, previous });
      const resetAt =
        check.kind === 'rate'
          ? fitsAgainAt({ limit: check.limit, now, current, previous, amount: check.amount, max: check.max })
          : budgetFitsAgainAt({ limit: check.limit, now, used, inFlight, amount: check.amount, max: check.max });
      return {
        ok: false,
        denied: {
          subject: check.bucket.subject,
          limit: check.limit,
          max: check.max,
          remaining: Math.max(0, check.max - used),
          used,
          requested: check.amount,
          inFlight,
          resetAt,
        },
      };
    }
    const raw = reply as [1, ...string[]];
    const generations: Record<string, string> = {};
    const states = checks.map((check, i): LimitState => {
      const current = Number(raw[3 * i + 1]);
      const previous = Number(raw[3 * i + 2]);
      if (check.kind === 'budget') generations[generationKey(check.bucket.subject, check.limit)] = String(raw[3 * i + 3] ?? NO_GENERATION);
      const used = usedAt({ limit: check.limit, now, current, previous });
      return { subject: check.bucket.subject, limit: check.limit, max: check.max, remaining: Math.max(0, check.max - used - check.amount), resetAt: check.end };
    });
    return { ok: true, reservation: reservation(amounts, generations), states };
  }

  async settle(input: { reservation: Reservation; actual: LimitAmounts }): Promise<void> {
    await this.adjust(input.reservation, input.actual);
  }

  async release(input: { reservation: Reservation }): Promise<void> {
    await this.adjust(input.reservation, { tokens: 0, spend: 0 });
  }

  async close(): Promise<void> {
    // The connection belongs to the cluster runtime, which closes it.
  }

  /**
   * Rebuilds missing budget counters from the request log; false when the log or Redis failed meanwhile
   * (the budgets' fail mode then applies, as for Redis being away: a counter cannot be trusted without it).
   */
  private async seed(checks: readonly Check[], now: number): Promise<boolean> {
    const history = this.history;
    if (history === undefined) throw new Error('a budget counter to rebuild, but no history to rebuild it from');
    const seeded = await Promise.all(checks.map((c) => this.seedOnce(history, c, now)));
    return seeded.every(Boolean);
  }

  /**
   * One log query and one write per counter at a time in this replica, however many requests find it
   * missing at once. The entry stays until the counter is written in Redis, so a request whose reserve found
   * it missing after the query answered waits for that write instead of querying again.
   */
  private seedOnce(history: SpendHistory, check: Check, now: number): Promise<boolean> {
    const key = this.key(check);
    let pending = this.seeding.get(key);
    if (pending === undefined) {
      pending = (async () => {
        let spend: number;
        try {
          spend = await history.spendSince({ keyId: check.bucket.spendKeyId ?? null, since: check.start });
        } catch (error) {
          console.error(`tandem: rebuilding budget counters from the request log failed: ${error instanceof Error ? error.message : String(error)}`);
          return false;
        }
        const ttl = String(check.end + KEEP_AFTER_END_MS - now);
        const done = await this.options.connection.attempt('budgets', (redis) => (redis as ScriptedRedis).tandemSeed(1, key, randomUUID(), String(spend), ttl));
        return done !== undefined;
      })().finally(() => this.seeding.delete(key));
      this.seeding.set(key, pending);
    }
    return pending;
  }

  private async adjust(reservation: Reservation, actual: LimitAmounts): Promise<void> {
    const now = Date.now();
    const keys: string[] = [];
    const args: Array<string | number> = [];
    const limits: LimitName[] = [];
    for (const bucket of reservation.buckets) {
      for (const limit of LIMIT_NAMES) {
        if (bucket.limits[limit] === undefined || limit === 'requests_per_minute') continue;
        const kind = kindOf(limit);
        const start = reservation.windows[limit] ?? 0;
        if (kind !== 'concurrency' && reservation.windows[limit] === undefined) continue;
        const reserved = limit === 'tokens_per_minute' ? reservation.amounts.tokens : reservation.amounts.spend;
        const used = limit === 'tokens_per_minute' ? actual.tokens : actual.spend;
        if (kind === 'rate' && used === reserved) continue;
        // Nothing reserved (Redis was away at reserve) and nothing spent: no counter to touch.
        if (kind === 'budget' && reserved === 0 && used === 0) continue;
        // A rebuildable budget counter is never created here: the rebuild reads this request from the log.
        const rebuildable = kind === 'budget' && this.history !== undefined && bucket.spendKeyId !== undefined;
        const ttl = rebuildable || kind === 'concurrency' ? 0 : windowOf(limit, start).end + KEEP_AFTER_END_MS - now;
        keys.push(this.key({ bucket, limit, kind, start }));
        args.push(
          kind,
          String(used - reserved),
          String(used),
          String(reserved),
          reservation.generations?.[generationKey(bucket.subject, limit)] ?? NO_GENERATION,
          Math.max(0, ttl),
        );
        limits.push(limit);
      }
    }
    if (keys.length === 0) return;
    await this.options.connection.attempt(featureOf(limits), (redis) => (redis as ScriptedRedis).tandemAdjust(keys.length, ...keys, reservation.id, ...args));
  }

  /** Redis unreachable: fail closed (503) if any limit involved is configured so, else let it through uncounted. */
  private unavailable(checks: Check[], reservation: (counted: LimitAmounts) => Reservation): ReserveResult {
    const { failModes } = this.options;
    const closed = checks.filter((c) => failModes[featureOf([c.limit])] === 'closed');
    if (closed.length > 0) {
      throw new GatewayError({
        status: 503,
        code: 'limits_unavailable',
        message: `${featureOf(closed.map((c) => c.limit)) === 'budgets' ? 'Budgets' : 'Rate limits'} cannot be checked right now (the shared counter store is unreachable), so the request was refused; try again shortly.`,
        headers: { 'retry-after': '1' },
      });
    }
    // Nothing was counted, so "reserved" is zero: settling adds the actual usage in full (if Redis is back).
    return { ok: true, reservation: reservation({ tokens: 0, spend: 0 }), states: [] };
  }

  private key(c: { bucket: LimitBucket; limit: LimitName; kind: Kind; start: number }): string {
    if (c.kind === 'concurrency') return `${this.prefix}inflight:${c.bucket.subject}`;
    // `budget:` rather than `limit:`: budget counters are hashes, and a replica of an older version
    // sharing this Redis keeps its string counters apart instead of failing with WRONGTYPE.
    return `${this.prefix}${c.kind === 'budget' ? 'budget' : 'limit'}:${c.bucket.subject}:${c.limit}:${c.start}`;
  }
}

function kindOf(limit: LimitName): Kind {
  return limit === 'concurrent_requests' ? 'concurrency' : isSpend(limit) ? 'budget' : 'rate';
}

function generationKey(subject: string, limit: LimitName): string {
  return `${subject} ${limit}`;
}

/** Spend limits are budgets; a call touching any of them is counted (and fails) as one. */
function featureOf(limits: readonly LimitName[]): 'budgets' | 'rate_limits' {
  return limits.some((l) => isSpend(l)) ? 'budgets' : 'rate_limits';
}

/** One check per bucket and limit, in the memory store's order: buckets as given (key before user), then LIMIT_NAMES. */
function planChecks(buckets: LimitBucket[], amounts: LimitAmounts, now: number, canRebuild: boolean): Check[] {
  const checks: Check[] = [];
  for (const bucket of buckets) {
    for (const limit of LIMIT_NAMES) {
      const max = bucket.limits[limit];
      if (max === undefined) continue;
      const kind = kindOf(limit);
      const amount = limit === 'requests_per_minute' || limit === 'concurrent_requests' ? 1 : limit === 'tokens_per_minute' ? amounts.tokens : amounts.spend;
      const { start, end } = windowOf(limit, now);
      const weight = isSliding(limit) ? 1 - (now - start) / MINUTE_MS : 0;
      const rebuildable = kind === 'budget' && canRebuild && bucket.spendKeyId !== undefined;
      checks.push({ bucket, limit, kind, max, amount, start, end, weight, rebuildable });
    }
  }
  return checks;
}
