/**
 * A replica whose Redis is unreachable keeps serving: each feature takes its configured fail mode, the
 * outage is counted, and once Redis is reachable again the shared state is used again without a restart.
 * One in-process gateway, called with the official OpenAI client over real HTTP.
 */
import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import OpenAI from 'openai';
import { deleteKeys, redisSkipReason, TEST_REDIS_URL, testKeyPrefix, unreachableRedisUrl } from '../src/cluster/testing/redis-for-tests.js';
import { startTcpProxy } from '../src/cluster/testing/tcp-proxy.js';
import type { TandemConfigInput } from '../src/config/schema.js';
import { startGateway, type Harness } from './helpers/gateway-harness.js';
import { startEchoUpstream } from './helpers/openai-upstream.js';

const redisSkip = await redisSkipReason();
const upstream = await startEchoUpstream();
after(() => upstream.close());

function config(redisUrl: string, overrides: Partial<TandemConfigInput> = {}): TandemConfigInput {
  return {
    cluster: { redis: { url: redisUrl, key_prefix: testKeyPrefix(), command_timeout_ms: 200 } },
    models: {
      cloud: { provider: 'openai-compatible', base_url: `${upstream.url}/v1`, locality: 'cloud', pricing: { input_per_1m: 1, output_per_1m: 1 } },
    },
    ...overrides,
  };
}

async function status(harness: Harness, user: string): Promise<number> {
  try {
    await harness.client.chat.completions.create({ model: 'cloud', user, messages: [{ role: 'user', content: 'hi' }] });
    return 200;
  } catch (error) {
    if (error instanceof OpenAI.APIError && error.status !== undefined) return error.status;
    throw error;
  }
}

describe('a replica with Redis down', () => {
  test('serves: rate limits fail open, budgets fail closed with 503, every failure counted', async () => {
    const harness = await startGateway(config(await unreachableRedisUrl(), { limits: { per_key: { requests_per_minute: 1 } } }));
    try {
      const cluster = harness.gateway.cluster;
      assert.ok(cluster);
      assert.equal(cluster.health.up, false);
      // A limit of 1/min, yet both pass: nobody can count them, and rate limits fail open.
      assert.deepEqual([await status(harness, 'a'), await status(harness, 'a')], [200, 200]);
      assert.equal(cluster.health.failedCalls.rate_limits, 2);
      assert.equal(cluster.health.outages, 1, 'one outage, however many calls failed');
    } finally {
      await harness.close();
    }

    const budgeted = await startGateway(config(await unreachableRedisUrl(), { limits: { per_key: { spend_per_day: 10 } } }));
    try {
      assert.equal(await status(budgeted, 'a'), 503);
      assert.equal(budgeted.gateway.cluster?.health.failedCalls.budgets, 1);
    } finally {
      await budgeted.close();
    }
  });

  test('breaker: closed refuses every upstream call while Redis is down', async () => {
    const harness = await startGateway(
      config(await unreachableRedisUrl(), {
        cluster: { redis: { url: await unreachableRedisUrl(), on_unavailable: { breaker: 'closed' } } },
      }),
    );
    try {
      const before = upstream.requests.length;
      assert.equal(await status(harness, 'a'), 503);
      assert.equal(upstream.requests.length, before);
    } finally {
      await harness.close();
    }
  });
});

describe('a replica whose Redis stops answering, then comes back', { skip: redisSkip }, () => {
  test('keeps serving through the outage and counts again once Redis is back', async () => {
    const target = new URL(TEST_REDIS_URL);
    const proxy = await startTcpProxy({ host: target.hostname, port: Number(target.port || 6379) });
    const input = config(`redis://127.0.0.1:${proxy.port}`, { limits: { per_user: { requests_per_minute: 2 } } });
    const harness = await startGateway(input);
    after(async () => {
      await harness.close();
      await proxy.close();
      await deleteKeys(input.cluster?.redis.key_prefix ?? '');
    });
    const cluster = harness.gateway.cluster;
    assert.ok(cluster?.health.up);
    assert.deepEqual([await status(harness, 'bob'), await status(harness, 'bob'), await status(harness, 'bob')], [200, 200, 429]);

    proxy.blackhole();
    // Over bob's limit, but while nothing can count, rate limits fail open: served, each after one timeout.
    assert.deepEqual([await status(harness, 'bob'), await status(harness, 'bob')], [200, 200]);
    assert.equal(cluster.health.up, false);
    assert.equal(cluster.health.outages, 1);

    proxy.restore();
    const deadline = Date.now() + 5_000;
    let seen = await status(harness, 'bob');
    while (seen !== 429 && Date.now() < deadline) {
      await sleep(50);
      seen = await status(harness, 'bob');
    }
    assert.equal(seen, 429, 'the shared counter is back in force');
    assert.equal(cluster.health.up, true);
  });
});
