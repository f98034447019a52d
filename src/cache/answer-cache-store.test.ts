/** Runs the AnswerCacheStore contract on memory, SQLite, PostgreSQL and Redis (the last two when reachable). */
import { after, describe } from 'node:test';
import { Redis } from 'ioredis';
import { redisSkipReason, TEST_REDIS_URL } from '../cluster/testing/redis-for-tests.js';
import { randomBytes } from 'node:crypto';
import { createMemoryStore } from '../store/memory/memory-store.js';
import { openPostgresStore } from '../store/postgres/postgres-store.js';
import { postgresSkipReason, TEST_DATABASE_URL, testSchemas } from '../store/postgres/postgres-test-database.js';
import { openSqliteStore } from '../store/sqlite/sqlite-store.js';
import { runAnswerCacheStoreContract } from './answer-cache-store.contract.js';
import { RedisAnswerCache } from './redis-answer-cache.js';

runAnswerCacheStoreContract('memory', async () => {
  const store = createMemoryStore();
  if (!store.answerCache) throw new Error('the memory store has no answer cache');
  return { cache: store.answerCache, close: () => store.close() };
});

runAnswerCacheStoreContract('sqlite', async () => {
  const store = await openSqliteStore({ path: ':memory:', logBodies: false });
  if (!store.answerCache) throw new Error('the SQLite store has no answer cache');
  return { cache: store.answerCache, close: () => store.close() };
});

const pgSkip = await postgresSkipReason();
const schemas = testSchemas();
after(() => schemas.dropAll());
if (pgSkip) describe('AnswerCacheStore contract: postgres', { skip: pgSkip }, () => {});
else
  runAnswerCacheStoreContract('postgres', async () => {
    const store = await openPostgresStore({ url: TEST_DATABASE_URL, schema: schemas.create(), poolSize: 3, logBodies: false });
    if (!store.answerCache) throw new Error('the PostgreSQL store has no answer cache');
    return { cache: store.answerCache, close: () => store.close() };
  });

const redisSkip = await redisSkipReason();
if (redisSkip) describe('AnswerCacheStore contract: redis', { skip: redisSkip }, () => {});
else
  runAnswerCacheStoreContract('redis', async () => {
    const client = new Redis(TEST_REDIS_URL);
    // A prefix of its own per run, deleted afterwards.
    const prefix = `tandem-test-${randomBytes(6).toString('hex')}:`;
    return {
      cache: new RedisAnswerCache(client, prefix),
      async close() {
        const keys = await client.keys(`${prefix}*`);
        if (keys.length > 0) await client.del(...keys);
        client.disconnect();
      },
    };
  });
