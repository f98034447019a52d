import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { runLimitStoreContract, type RestartableLimitStore } from '../governance/limit-store.contract.js';
import type { LimitBucket, LimitStore, SpendHistory } from '../governance/limit-store.js';
import { GatewayError } from '../spec/errors.js';
import { createMemoryStore } from '../store/memory/memory-store.js';
import { makeRecord } from '../store/request-log.contract.js';
import type { Store } from '../store/request-log.js';
import { RedisConnection } from './redis-connection.js';
import { RedisLimitStore } from './redis-limit-store.js';
import { deleteKeys, redisSkipReason, TEST_REDIS_URL, testKeyPrefix, unreachableRedisUrl } from './testing/redis-for-tests.js';

const skip = await redisSkipReason();

/** A store under a fresh key prefix; closing it drops its keys and its connection. */
async function openRedisLimitStore(): Promise<LimitStore> {
  const keyPrefix = testKeyPrefix();
  const connection = new RedisConnection({ url: TEST_REDIS_URL, keyPrefix, commandTimeoutMs: 2_000, log: () => {} });
  await connection.waitUntilReady(2_000);
  const store = new RedisLimitStore({ connection, failModes: { rate_limits: 'open', budgets: 'closed' } });
  return {
    reserve: (input) => store.reserve(input),
    settle: (input) => store.settle(input),
    release: (input) => store.release(input),
    async close() {
      await deleteKeys(keyPrefix);
      await connection.close();
    },
  };
}

/** Counters under one prefix that restart() deletes, as a Redis restart (without persistence) would. */
async function openRestartableRedisLimitStore(history: SpendHistory): Promise<RestartableLimitStore> {
  const keyPrefix = testKeyPrefix();
  const connection = new RedisConnection({ url: TEST_REDIS_URL, keyPrefix, commandTimeoutMs: 2_000, log: () => {} });
  await connection.waitUntilReady(2_000);
  const store = new RedisLimitStore({ connection, failModes: { rate_limits: 'open', budgets: 'closed' }, history });
  return {
    store: () => store,
    restart: () => deleteKeys(keyPrefix),
    async close() {
      await deleteKeys(keyPrefix);
      await connection.close();
    },
  };
}

if (skip) describe('LimitStore contract: redis', { skip }, () => {});
else runLimitStoreContract('redis', openRedisLimitStore, openRestartableRedisLimitStore);

describe('RedisLimitStore across connections', { skip }, () => {
  test('two replicas reserving at once share one budget exactly', async () => {
    const keyPrefix = testKeyPrefix();
    const connections = [0, 1, 2].map(() => new RedisConnection({ url: TEST_REDIS_URL, keyPrefix, commandTimeoutMs: 2_000, log: () => {} }));
    after(async () => {
      await deleteKeys(keyPrefix);
      for (const c of connections) await c.close();
    });
    const stores = connections.map((connection) => new RedisLimitStore({ connection, failModes: { rate_limits: 'open', budgets: 'closed' } }));
    for (const c of connections) await c.waitUntilReady(2_000);
    const buckets: LimitBucket[] = [{ subject: 'key:shared', limits: { spend_per_day: 1 } }];
    const now = Date.now();
    const results = await Promise.all(Array.from({ length: 90 }, (_, i) => stores[i % 3]!.reserve({ buckets, amounts: { tokens: 0, spend: 0.1 }, now })));
    assert.equal(results.filter((r) => r.ok).length, 10);
  });
});

describe('RedisLimitStore while Redis is down', () => {
  async function downStore(failModes: { rate_limits: 'open' | 'closed'; budgets: 'open' | 'closed' }): Promise<RedisLimitStore> {
    const connection = new RedisConnection({ url: await unreachableRedisUrl(), keyPrefix: testKeyPrefix(), commandTimeoutMs: 100, log: () => {} });
    after(() => connection.close());
    await connection.waitUntilReady(100);
    return new RedisLimitStore({ connection, failModes });
  }
  const rate: LimitBucket[] = [{ subject: 'key:a', limits: { requests_per_minute: 10 } }];
  const budget: LimitBucket[] = [{ subject: 'key:a', limits: { requests_per_minute: 10, spend_per_day: 5 } }];
  const amounts = { tokens: 10, spend: 0.5 };

  test('failing open lets requests through uncounted', async () => {
    const store = await downStore({ rate_limits: 'open', budgets: 'open' });
    const result = await store.reserve({ buckets: budget, amounts, now: Date.now() });
    assert.ok(result.ok);
    assert.deepEqual(result.reservation.amounts, { tokens: 0, spend: 0 });
    await store.settle({ reservation: result.reservation, actual: amounts }); // must not throw either
  });

  test('failing closed refuses with a 503 naming what cannot be checked', async () => {
    const store = await downStore({ rate_limits: 'open', budgets: 'closed' });
    assert.ok((await store.reserve({ buckets: rate, amounts, now: Date.now() })).ok, 'rate limits alone fail open');
    await assert.rejects(store.reserve({ buckets: budget, amounts, now: Date.now() }), (error: unknown) => {
      assert.ok(error instanceof GatewayError);
      assert.equal(error.status, 503);
      assert.match(error.message, /^Budgets cannot be checked/);
      return true;
    });
  });
});

describe('RedisLimitStore: requests in flight while Redis loses its counters', { skip }, () => {
  const NOON = Date.UTC(2026, 2, 10, 12);
  const buckets: LimitBucket[] = [{ subject: 'key:k', limits: { spend_per_day: 1 }, spendKeyId: 'key-k' }];
  async function open(): Promise<{ store: RedisLimitStore; log: Store; restart(): Promise<void> }> {
    const keyPrefix = testKeyPrefix();
    const connection = new RedisConnection({ url: TEST_REDIS_URL, keyPrefix, commandTimeoutMs: 2_000, log: () => {} });
    const log = createMemoryStore();
    after(async () => {
      await deleteKeys(keyPrefix);
      await connection.close();
    });
    await connection.waitUntilReady(2_000);
    return {
      store: new RedisLimitStore({ connection, failModes: { rate_limits: 'open', budgets: 'closed' }, history: log.requestLog }),
      log,
      restart: () => deleteKeys(keyPrefix),
    };
  }
  const used = async (store: RedisLimitStore): Promise<number> => {
    const result = await store.reserve({ buckets, amounts: { tokens: 0, spend: 2 }, now: NOON + 10 });
    assert.ok(!result.ok);
    return result.denied.used;
  };

  test('a reservation made before the restart settles its actual cost in full into the rebuilt counter', async () => {
    const { store, log, restart } = await open();
    await log.requestLog.append(makeRecord({ id: 'earlier', keyId: 'key-k', time: NOON - 1_000, cost: 0.25 }));
    const inFlight = await store.reserve({ buckets, amounts: { tokens: 0, spend: 0.5 }, now: NOON });
    assert.ok(inFlight.ok);
    await restart();
    // Another request rebuilds the counter from the log (0.25) and reserves 0.125.
    assert.ok((await store.reserve({ buckets, amounts: { tokens: 0, spend: 0.125 }, now: NOON + 1 })).ok);
    // The first request finishes at 0.375: its 0.5 reservation is not in the rebuilt counter, so all of
    // 0.375 is added (subtracting the 0.125 difference would undercount by the reservation).
    await store.settle({ reservation: inFlight.reservation, actual: { tokens: 0, spend: 0.375 } });
    assert.ok(Math.abs((await used(store)) - (0.25 + 0.125 + 0.375)) < 1e-9, `used ${await used(store)}`);
  });

  test('a request settling before anyone rebuilt leaves the counter to the rebuild, which reads it from the log', async () => {
    const { store, log, restart } = await open();
    const inFlight = await store.reserve({ buckets, amounts: { tokens: 0, spend: 0.5 }, now: NOON });
    assert.ok(inFlight.ok);
    await restart();
    await log.requestLog.append(makeRecord({ id: 'finished', keyId: 'key-k', time: NOON, cost: 0.375 }));
    await store.settle({ reservation: inFlight.reservation, actual: { tokens: 0, spend: 0.375 } });
    assert.ok(Math.abs((await used(store)) - 0.375) < 1e-9, `counted once: used ${await used(store)}`);
  });
});
