import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { runLimitStoreContract } from '../governance/limit-store.contract.js';
import type { LimitBucket, LimitStore } from '../governance/limit-store.js';
import { GatewayError } from '../spec/errors.js';
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

if (skip) describe('LimitStore contract: redis', { skip }, () => {});
else runLimitStoreContract('redis', openRedisLimitStore);

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
