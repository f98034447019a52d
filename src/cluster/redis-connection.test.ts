import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { LatencyTracker } from '../routing/latency-tracker.js';
import { RedisConnection, type ClusterFeature } from './redis-connection.js';
import { SharedLatency } from './shared-latency.js';
import { ownRedisSkipReason, startOwnRedisServer } from './testing/own-redis-server.js';
import { redisSkipReason, TEST_REDIS_URL, testKeyPrefix, unreachableRedisUrl } from './testing/redis-for-tests.js';
import { startTcpProxy } from './testing/tcp-proxy.js';

const skip = await redisSkipReason();

async function eventually(check: () => boolean | Promise<boolean>, what: string, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

describe('RedisConnection when Redis is down', () => {
  test('fails each call fast, counts it per feature, and logs the outage once', async () => {
    const lines: string[] = [];
    const errors: ClusterFeature[] = [];
    const connection = new RedisConnection({
      url: await unreachableRedisUrl(),
      keyPrefix: testKeyPrefix(),
      commandTimeoutMs: 200,
      log: (line) => lines.push(line),
      describeFailModes: 'budgets fail closed',
      onRedisError: ({ feature }) => errors.push(feature),
    });
    try {
      assert.equal(await connection.waitUntilReady(300), false);
      const started = performance.now();
      const results = await Promise.all(Array.from({ length: 50 }, () => connection.attempt('budgets', (r) => r.get('x'))));
      assert.ok(
        performance.now() - started < 3_000,
        'a down Redis must not hold requests up (commands time out at 200 ms; queued ones would wait for a reconnect)',
      );
      assert.deepEqual(new Set(results), new Set([undefined]));
      await connection.attempt('rate_limits', (r) => r.get('x'));
      assert.equal(connection.health.failedCalls.budgets, 50);
      assert.equal(connection.health.failedCalls.rate_limits, 1);
      assert.equal(errors.length, 51);
      assert.equal(connection.health.up, false);
      assert.equal(connection.health.outages, 1);
      assert.equal(lines.length, 1, lines.join('\n'));
      assert.match(lines[0] ?? '', /Redis unavailable at redis:\/\/127\.0\.0\.1:\d+ .*budgets fail closed/);
    } finally {
      await connection.close();
    }
  });
});

describe('RedisConnection against a live Redis', { skip }, () => {
  const target = new URL(TEST_REDIS_URL);

  /** A connection to the live Redis through a proxy the test can blackhole or cut; its log lines collected. */
  async function throughProxy(commandTimeoutMs: number) {
    const proxy = await startTcpProxy({ host: target.hostname, port: Number(target.port || 6379) });
    const lines: string[] = [];
    const connection = new RedisConnection({
      url: `redis://127.0.0.1:${proxy.port}`,
      keyPrefix: testKeyPrefix(),
      commandTimeoutMs,
      log: (line) => lines.push(line),
    });
    after(async () => {
      await connection.close();
      await proxy.close();
    });
    assert.equal(await connection.waitUntilReady(2_000), true);
    return { proxy, connection, lines };
  }

  test('a blackholed connection times out calls, logs once, and recovers by itself', async () => {
    const { proxy, connection, lines } = await throughProxy(100);
    assert.equal(await connection.attempt('rate_limits', (r) => r.ping()), 'PONG');
    assert.equal(connection.health.up, true);

    proxy.blackhole();
    const during = await Promise.all(Array.from({ length: 10 }, () => connection.attempt('rate_limits', (r) => r.ping())));
    assert.deepEqual(new Set(during), new Set([undefined]));
    assert.equal(connection.health.up, false);
    assert.equal(lines.length, 1, 'one line per outage, not per call');

    proxy.restore();
    await eventually(async () => (await connection.attempt('rate_limits', (r) => r.ping())) === 'PONG', 'Redis to answer again');
    assert.equal(connection.health.up, true);
    assert.equal(lines.length, 2);
    assert.match(lines[1] ?? '', /reachable again/);
    assert.equal(connection.health.outages, 1);
  });

  test('a cut connection is re-established without anyone asking', async () => {
    const { proxy, connection, lines } = await throughProxy(200);
    proxy.cut();
    await eventually(() => !connection.health.up, 'the drop to be noticed');
    assert.equal(await connection.attempt('budgets', (r) => r.ping()), undefined);
    proxy.restore();
    await eventually(() => connection.health.up, 'the reconnect');
    assert.equal(await connection.attempt('budgets', (r) => r.ping()), 'PONG');
    assert.equal(lines.length, 2, lines.join('\n'));
  });
});

describe('RedisConnection against a hung Redis (SIGSTOP)', { skip: ownRedisSkipReason() }, () => {
  test('is not reported reachable while pipelined calls time out, and recovers once Redis answers', async () => {
    const server = await startOwnRedisServer();
    const lines: string[] = [];
    const connection = new RedisConnection({ url: server.url, keyPrefix: testKeyPrefix(), commandTimeoutMs: 100, log: (line) => lines.push(line) });
    // The latency sync is a pipeline every `syncMs`: the call whose per-command errors once read as success.
    const latency = new SharedLatency({ connection, tracker: new LatencyTracker(), models: ['m'], syncMs: 50 });
    try {
      assert.equal(await connection.waitUntilReady(2_000), true);
      await latency.sync();
      assert.equal(connection.health.up, true);

      server.pause();
      await sleep(1_000);
      assert.equal(connection.health.up, false);
      assert.ok(connection.health.failedCalls.latency >= 5, `failed latency syncs: ${connection.health.failedCalls.latency}`);
      assert.deepEqual(
        lines.map((l) => /unavailable|reachable again/.exec(l)?.[0]),
        ['unavailable'],
        lines.join('\n'),
      );
      assert.equal(connection.health.outages, 1);

      server.resume();
      await eventually(() => connection.health.up, 'the first answered call after SIGCONT');
      assert.equal(lines.length, 2, lines.join('\n'));
      assert.match(lines[1] ?? '', /reachable again/);
    } finally {
      await latency.close();
      await connection.close();
      await server.stop();
    }
  });
});
