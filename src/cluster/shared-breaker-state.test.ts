import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { CircuitBreaker } from '../routing/circuit-breaker.js';
import { RedisConnection } from './redis-connection.js';
import { SharedBreakerState } from './shared-breaker-state.js';
import { deleteKeys, redisSkipReason, TEST_REDIS_URL, testKeyPrefix, unreachableRedisUrl } from './testing/redis-for-tests.js';

const skip = await redisSkipReason();
const UPSTREAM = 'http://127.0.0.1:9999';

async function eventually(check: () => boolean, what: string, timeoutMs = 2_000): Promise<number> {
  const started = performance.now();
  while (!check()) {
    if (performance.now() - started > timeoutMs) assert.fail(`timed out waiting for ${what}`);
    await sleep(5);
  }
  return performance.now() - started;
}

describe('SharedBreakerState', { skip }, () => {
  const prefix = testKeyPrefix();
  const closers: Array<() => Promise<void>> = [];
  after(async () => {
    for (const close of closers) await close();
    await deleteKeys(prefix);
  });

  async function replica(cooldownMs = 30_000): Promise<CircuitBreaker> {
    const connection = new RedisConnection({ url: TEST_REDIS_URL, keyPrefix: prefix, commandTimeoutMs: 500, log: () => {} });
    await connection.waitUntilReady(2_000);
    const breaker = new CircuitBreaker({ failureThreshold: 3, cooldownMs });
    const state = new SharedBreakerState({ connection, failMode: 'open' });
    await state.attach(breaker);
    breaker.shared = state;
    closers.push(async () => {
      await state.close();
      await connection.close();
    });
    return breaker;
  }

  test('an opening on one replica stops the others, and a replica started later learns it too', async () => {
    const [a, b] = [await replica(), await replica()];
    for (let i = 0; i < 3; i++) a.recordFailure(UPSTREAM);
    assert.equal(a.state(UPSTREAM), 'open');
    assert.equal(b.tryAcquire(UPSTREAM), true, 'B had seen no failure of its own');
    await eventually(() => !b.tryAcquire(UPSTREAM), 'B to learn of the opening');
    assert.equal(b.state(UPSTREAM), 'open');

    const c = await replica();
    assert.equal(c.state(UPSTREAM), 'open', 'a new replica reads the open circuits at start');
  });

  test('a successful probe on one replica closes the circuit everywhere', async () => {
    const [a, b] = [await replica(100), await replica(100)];
    const key = `${UPSTREAM}/probe`;
    for (let i = 0; i < 3; i++) a.recordFailure(key);
    await eventually(() => b.state(key) !== 'closed', 'B to learn of the opening');
    await sleep(120);
    assert.equal(a.tryAcquire(key), true, 'the probe after the cooldown');
    a.recordSuccess(key);
    // B's own view says half-open (cooldown over); the closing message must make it plain closed.
    await eventually(() => b.state(key) === 'closed', 'B to learn of the closing');
    assert.equal(b.tryAcquire(key), true);
    assert.equal(b.tryAcquire(key), true, 'closed, not half-open: more than one call goes through');
  });

  test('failing closed refuses every call while Redis is unreachable', async () => {
    const connection = new RedisConnection({ url: await unreachableRedisUrl(), keyPrefix: prefix, commandTimeoutMs: 100, log: () => {} });
    closers.push(() => connection.close());
    await connection.waitUntilReady(200);
    const breaker = new CircuitBreaker({ failureThreshold: 3, cooldownMs: 1_000 });
    breaker.shared = new SharedBreakerState({ connection, failMode: 'closed' });
    assert.equal(breaker.tryAcquire(UPSTREAM), false);
    const open = new CircuitBreaker({ failureThreshold: 3, cooldownMs: 1_000 });
    open.shared = new SharedBreakerState({ connection, failMode: 'open' });
    assert.equal(open.tryAcquire(UPSTREAM), true, 'failing open falls back to the local breaker');
  });
});
