/**
 * What a shared budget costs per request: reserve + settle on the Redis LimitStore (two round trips, one
 * Lua script each) against the in-process memory store as the baseline, measured in the same run.
 *
 *   npm run bench:redis [-- --n 5000 --concurrency 64]
 *
 * A pair of bare PINGs is measured too: the floor set by the round trips themselves.
 * Sequential: each reserve/settle pair awaited and timed alone (the latency a request pays).
 * Concurrent: `concurrency` pairs in flight at once (one replica's throughput ceiling on one connection).
 * Each request has a key and a user bucket with all four limits, like a governed gateway's requests.
 * Needs Redis at 127.0.0.1:6379 (or TANDEM_TEST_REDIS_URL); its keys go under a throwaway prefix.
 */
import { parseArgs } from 'node:util';
import { RedisConnection } from '../src/cluster/redis-connection.js';
import { RedisLimitStore } from '../src/cluster/redis-limit-store.js';
import { deleteKeys, TEST_REDIS_URL, testKeyPrefix } from '../src/cluster/testing/redis-for-tests.js';
import type { LimitBucket, LimitStore } from '../src/governance/limit-store.js';
import { createMemoryLimitStore } from '../src/governance/memory-limit-store.js';

const { values } = parseArgs({ options: { n: { type: 'string', default: '5000' }, concurrency: { type: 'string', default: '64' } } });
const n = Number(values.n);
const concurrency = Number(values.concurrency);
if (!Number.isInteger(n) || n <= 0) throw new Error(`--n must be a positive integer, got ${values.n}`);
if (!Number.isInteger(concurrency) || concurrency <= 0) throw new Error(`--concurrency must be a positive integer, got ${values.concurrency}`);

const unlimited = { requests_per_minute: 1e9, tokens_per_minute: 1e12, spend_per_day: 1e9, spend_per_month: 1e9 };
const buckets = (i: number): LimitBucket[] => [
  { subject: `key:bench-${i % 50}`, limits: unlimited },
  { subject: `user:bench-${i % 50}:u${i % 500}`, limits: unlimited },
];
const estimate = { tokens: 1_200, spend: 0.012 };
const actual = { tokens: 700, spend: 0.004 };

async function pair(store: LimitStore, i: number): Promise<void> {
  const result = await store.reserve({ buckets: buckets(i), amounts: estimate, now: Date.now() });
  if (!result.ok) throw new Error(`denied: ${JSON.stringify(result.denied)}`);
  await store.settle({ reservation: result.reservation, actual });
}

async function sequential(store: LimitStore): Promise<{ medianUs: number; p99Us: number }> {
  for (let i = 0; i < 200; i++) await pair(store, i); // warm: EVALSHA cached, connections open
  const samples = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const t0 = process.hrtime.bigint();
    await pair(store, i);
    samples[i] = Number(process.hrtime.bigint() - t0) / 1_000;
  }
  samples.sort();
  return { medianUs: samples[Math.floor(n / 2)] ?? Number.NaN, p99Us: samples[Math.floor(n * 0.99)] ?? Number.NaN };
}

async function concurrent(store: LimitStore): Promise<number> {
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < n) await pair(store, next++);
    }),
  );
  return n / ((performance.now() - started) / 1000);
}

const keyPrefix = testKeyPrefix();
const connection = new RedisConnection({ url: TEST_REDIS_URL, keyPrefix, commandTimeoutMs: 5_000 });
if (!(await connection.waitUntilReady(2_000))) throw new Error(`Redis is not reachable at ${TEST_REDIS_URL}`);
/** Two bare PINGs: the network and scheduling floor of any two-round-trip design, measured alongside. */
const pings: LimitStore = {
  async reserve() {
    await connection.client.ping();
    return { ok: true, reservation: { id: '', buckets: [], amounts: { tokens: 0, spend: 0 }, windows: {} }, states: [] };
  },
  async settle() {
    await connection.client.ping();
  },
  async release() {},
  async close() {},
};
const stores: Array<[string, LimitStore]> = [
  ['2 x PING (round-trip floor)', pings],
  ['memory (in-process baseline)', createMemoryLimitStore()],
  ['redis (Lua, one connection)', new RedisLimitStore({ connection, failModes: { rate_limits: 'open', budgets: 'closed' } })],
];
try {
  console.log(`reserve + settle, 2 buckets x 4 limits, n=${n}, concurrency=${concurrency}, ${TEST_REDIS_URL}`);
  console.log('store                          | median µs | p99 µs | pairs/s at concurrency');
  for (const [label, store] of stores) {
    const seq = await sequential(store);
    const rate = await concurrent(store);
    console.log(`${label.padEnd(30)} | ${seq.medianUs.toFixed(0).padStart(9)} | ${seq.p99Us.toFixed(0).padStart(6)} | ${rate.toFixed(0)}`);
  }
} finally {
  await deleteKeys(keyPrefix);
  await connection.close();
}
