/**
 * The LimitStore (src/governance/limit-store.ts) in Redis, so rate limits and budgets hold across replicas.
 *
 * reserve() is one Lua script: it reads every counter the request touches, and only if every limit has
 * room, adds the amounts — no other replica's reserve can interleave, so concurrent requests never both
 * take the last of a budget. settle()/release() add the difference between actual and reserved amounts
 * to the windows the reservation counted in (one MULTI). Each counter is a key per subject, limit and
 * window start, with a TTL just past the window's useful life.
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
} from '../governance/limit-store.js';
import { fitsAgainAt, isSliding, MINUTE_MS, previousWindowStart, usedAt, windowOf } from '../governance/limit-windows.js';
import { GatewayError } from '../spec/errors.js';
import type { FailMode, RedisConnection } from './redis-connection.js';

/** Counters outlive their window by this much (a sliding limit still reads the previous minute). */
const KEEP_AFTER_END_MS = 2 * MINUTE_MS;

/**
 * KEYS: per check, the current and the previous window's counter. ARGV: the number of checks, then per
 * check: max, amount, weight of the previous window (0: not read), TTL (ms) of the current window's key.
 * The sum is the one usedAt() does (previous * weight + current), so JS can repeat it exactly from the
 * raw counters returned: {1, cur1, prev1, cur2, prev2, ...} when every check passes (and counts),
 * else {0, index of the first failing check, cur, prev}.
 */
const RESERVE_SCRIPT = `
local n = tonumber(ARGV[1])
local raw = {1}
for i = 1, n do
  local a = 1 + (i - 1) * 4
  local max = tonumber(ARGV[a + 1])
  local amount = tonumber(ARGV[a + 2])
  local weight = tonumber(ARGV[a + 3])
  local cur = redis.call('GET', KEYS[2 * i - 1]) or '0'
  local prev = '0'
  if weight > 0 then prev = redis.call('GET', KEYS[2 * i]) or '0' end
  if tonumber(prev) * weight + tonumber(cur) + amount > max then return {0, i, cur, prev} end
  raw[2 * i] = cur
  raw[2 * i + 1] = prev
end
for i = 1, n do
  local a = 1 + (i - 1) * 4
  if tonumber(ARGV[a + 2]) > 0 then
    redis.call('INCRBYFLOAT', KEYS[2 * i - 1], ARGV[a + 2])
    redis.call('PEXPIRE', KEYS[2 * i - 1], ARGV[a + 4])
  end
end
return raw
`;

/**
 * KEYS: counters; ARGV: per key a delta and the TTL (ms) to give a key this creates. Like the memory
 * store, a counter never goes below 0 and a negative delta never creates one; an existing key keeps its TTL.
 */
const ADJUST_SCRIPT = `
for i = 1, #KEYS do
  local delta = tonumber(ARGV[2 * i - 1])
  local cur = redis.call('GET', KEYS[i])
  if cur then
    local value = math.max(0, tonumber(cur) + delta)
    redis.call('SET', KEYS[i], string.format('%.17g', value), 'KEEPTTL')
  elseif delta > 0 and tonumber(ARGV[2 * i]) > 0 then
    redis.call('SET', KEYS[i], ARGV[2 * i - 1], 'PX', ARGV[2 * i])
  end
end
return #KEYS
`;

interface Check {
  bucket: LimitBucket;
  limit: LimitName;
  max: number;
  amount: number;
  start: number;
  end: number;
  weight: number;
}

type ReserveReply = [0, number, string, string] | [1, ...string[]];

interface ScriptedRedis extends Redis {
  tandemReserve(numKeys: number, ...args: Array<string | number>): Promise<ReserveReply>;
  tandemAdjust(numKeys: number, ...args: Array<string | number>): Promise<number>;
}

export interface RedisLimitStoreOptions {
  connection: RedisConnection;
  failModes: { rate_limits: FailMode; budgets: FailMode };
}

export class RedisLimitStore implements LimitStore {
  private readonly prefix: string;

  constructor(private readonly options: RedisLimitStoreOptions) {
    this.prefix = `${options.connection.keyPrefix}limit:`;
    options.connection.client.defineCommand('tandemReserve', { lua: RESERVE_SCRIPT });
    options.connection.client.defineCommand('tandemAdjust', { lua: ADJUST_SCRIPT });
  }

  async reserve(input: { buckets: LimitBucket[]; amounts: LimitAmounts; now: number }): Promise<ReserveResult> {
    const { buckets, amounts, now } = input;
    const checks = planChecks(buckets, amounts, now);
    const windows: Reservation['windows'] = {};
    for (const check of checks) windows[check.limit] = check.start;
    const reservation = (counted: LimitAmounts): Reservation => ({ id: randomUUID(), buckets, amounts: { ...counted }, windows });
    if (checks.length === 0) return { ok: true, reservation: reservation(amounts), states: [] };

    const keys = checks.flatMap((c) => [this.key(c.bucket.subject, c.limit, c.start), this.key(c.bucket.subject, c.limit, previousWindowStart(c.start))]);
    const args = checks.flatMap((c) => [c.max, c.amount, String(c.weight), c.end + KEEP_AFTER_END_MS - now]);
    const reply = await this.options.connection.attempt(featureOf(checks.map((c) => c.limit)), (redis) =>
      (redis as ScriptedRedis).tandemReserve(keys.length, ...keys, checks.length, ...args),
    );
    if (reply === undefined) return this.unavailable(checks, reservation);
    if (reply[0] === 0) {
      const check = checks[reply[1] - 1];
      if (!check) throw new Error(`limit script returned check ${reply[1]} of ${checks.length}`);
      const current = Number(reply[2]);
      const previous = Number(reply[3]);
      const used = usedAt({ limit: check.limit, now, current, previous });
      return {
        ok: false,
        denied: {
          subject: check.bucket.subject,
          limit: check.limit,
          max: check.max,
          remaining: Math.max(0, check.max - used),
          used,
          requested: check.amount,
          resetAt: fitsAgainAt({ limit: check.limit, now, current, previous, amount: check.amount, max: check.max }),
        },
      };
    }
    const states = checks.map((check, i): LimitState => {
      const used = usedAt({ limit: check.limit, now, current: Number(reply[2 * i + 1]), previous: Number(reply[2 * i + 2]) });
      return { subject: check.bucket.subject, limit: check.limit, max: check.max, remaining: Math.max(0, check.max - used - check.amount), resetAt: check.end };
    });
    return { ok: true, reservation: reservation(amounts), states };
  }

  async settle(input: { reservation: Reservation; actual: LimitAmounts }): Promise<void> {
    const { reservation, actual } = input;
    await this.adjust(reservation, { tokens: actual.tokens - reservation.amounts.tokens, spend: actual.spend - reservation.amounts.spend });
  }

  async release(input: { reservation: Reservation }): Promise<void> {
    const { amounts } = input.reservation;
    await this.adjust(input.reservation, { tokens: -amounts.tokens, spend: -amounts.spend });
  }

  async close(): Promise<void> {
    // The connection belongs to the cluster runtime, which closes it.
  }

  private async adjust(reservation: Reservation, delta: LimitAmounts): Promise<void> {
    const now = Date.now();
    const keys: string[] = [];
    const args: string[] = [];
    const limits: LimitName[] = [];
    for (const bucket of reservation.buckets) {
      for (const limit of LIMIT_NAMES) {
        const start = reservation.windows[limit];
        if (bucket.limits[limit] === undefined || start === undefined || limit === 'requests_per_minute') continue;
        const amount = limit === 'tokens_per_minute' ? delta.tokens : delta.spend;
        if (amount === 0) continue;
        keys.push(this.key(bucket.subject, limit, start));
        args.push(String(amount), String(windowOf(limit, start).end + KEEP_AFTER_END_MS - now));
        limits.push(limit);
      }
    }
    if (keys.length === 0) return;
    await this.options.connection.attempt(featureOf(limits), (redis) => (redis as ScriptedRedis).tandemAdjust(keys.length, ...keys, ...args));
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

  private key(subject: string, limit: LimitName, start: number): string {
    return `${this.prefix}${subject}:${limit}:${start}`;
  }
}

/** Spend limits are budgets; a call touching any of them is counted (and fails) as one. */
function featureOf(limits: readonly LimitName[]): 'budgets' | 'rate_limits' {
  return limits.some((l) => !isSliding(l)) ? 'budgets' : 'rate_limits';
}

/** One check per bucket and limit, in the memory store's order: buckets as given (key before user), then LIMIT_NAMES. */
function planChecks(buckets: LimitBucket[], amounts: LimitAmounts, now: number): Check[] {
  const checks: Check[] = [];
  for (const bucket of buckets) {
    for (const limit of LIMIT_NAMES) {
      const max = bucket.limits[limit];
      if (max === undefined) continue;
      const amount = limit === 'requests_per_minute' ? 1 : limit === 'tokens_per_minute' ? amounts.tokens : amounts.spend;
      const { start, end } = windowOf(limit, now);
      const weight = isSliding(limit) ? 1 - (now - start) / MINUTE_MS : 0;
      checks.push({ bucket, limit, max, amount, start, end, weight });
    }
  }
  return checks;
}
