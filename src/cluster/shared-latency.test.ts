import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { LatencyTracker } from '../routing/latency-tracker.js';
import { RedisConnection } from './redis-connection.js';
import { SharedLatency } from './shared-latency.js';
import { deleteKeys, redisSkipReason, TEST_REDIS_URL, testKeyPrefix } from './testing/redis-for-tests.js';

const skip = await redisSkipReason();

describe('SharedLatency', { skip }, () => {
  const prefix = testKeyPrefix();
  const closers: Array<() => Promise<void>> = [];
  after(async () => {
    for (const close of closers) await close();
    await deleteKeys(prefix);
  });

  async function replica(): Promise<{ tracker: LatencyTracker; shared: SharedLatency }> {
    const connection = new RedisConnection({ url: TEST_REDIS_URL, keyPrefix: prefix, commandTimeoutMs: 500, log: () => {} });
    await connection.waitUntilReady(2_000);
    const tracker = new LatencyTracker(20);
    // A long interval: the test drives sync() itself.
    const shared = new SharedLatency({ connection, tracker, models: ['large'], syncMs: 60_000 });
    closers.push(async () => {
      await shared.close();
      await connection.close();
    });
    return { tracker, shared };
  }

  test("every replica's p90 covers what all replicas observed", async () => {
    const [fast, slow] = [await replica(), await replica()];
    for (let i = 0; i < 10; i++) fast.tracker.record('large', 100);
    for (let i = 0; i < 10; i++) slow.tracker.record('large', 2_000);
    assert.equal(fast.tracker.ttftP90('large', 5), 100, 'before syncing, each sees only its own');
    await fast.shared.sync();
    await slow.shared.sync();
    await fast.shared.sync();
    assert.equal(fast.tracker.ttftP90('large', 5), 2_000);
    assert.equal(slow.tracker.ttftP90('large', 5), 2_000);

    // The shared list is capped at the ring size: new fast observations push the slow ones out.
    for (let i = 0; i < 20; i++) fast.tracker.record('large', 100);
    await fast.shared.sync();
    await slow.shared.sync();
    assert.equal(slow.tracker.ttftP90('large', 5), 100);
  });
});
