/**
 * The real Redis the cluster tests run against (127.0.0.1:6379, started by .ci/run), a fresh key prefix
 * per test so parallel runs never share counters, and a clear skip reason when Redis is not there.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type AddressInfo } from 'node:net';
import { Redis } from 'ioredis';

export const TEST_REDIS_URL = process.env.TANDEM_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

/** `false` when Redis answers PING, else the reason to skip (node:test's `skip` option). */
export async function redisSkipReason(): Promise<string | false> {
  const probe = new Redis(TEST_REDIS_URL, { lazyConnect: true, connectTimeout: 3_000, maxRetriesPerRequest: 0, retryStrategy: () => null });
  probe.on('error', () => {});
  try {
    await probe.connect();
    await probe.ping();
    return false;
  } catch (error) {
    return `Redis is not reachable at ${TEST_REDIS_URL} (${error instanceof Error ? error.message : String(error)}); .ci/run starts it`;
  } finally {
    probe.disconnect();
  }
}

export function testKeyPrefix(): string {
  return `tandem-test:${randomUUID().slice(0, 8)}:`;
}

/** Deletes every key under a test's prefix. */
export async function deleteKeys(prefix: string): Promise<void> {
  const redis = new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: 0 });
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
      cursor = next;
      if (keys.length > 0) await redis.del(...keys);
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}

/** A redis:// URL where nothing listens (a port bound, then released): Redis "down". */
export async function unreachableRedisUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `redis://127.0.0.1:${port}`;
}
