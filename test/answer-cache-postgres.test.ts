/**
 * The answer cache at scale, end to end: Tandem on the PostgreSQL store (answers in `answer_cache`, semantic
 * vectors in pgvector) and with `backend: redis` on the cluster's Redis, driven by the official openai client.
 * Skips when PostgreSQL or Redis is not reachable (.ci/run starts both and enables pgvector).
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import OpenAI from 'openai';
import { Redis } from 'ioredis';
import { redisSkipReason, TEST_REDIS_URL } from '../src/cluster/testing/redis-for-tests.js';
import type { FakeUpstream } from '../src/providers/testing/fake-upstream.js';
import { postgresSkipReason, TEST_DATABASE_URL, testSchemas } from '../src/store/postgres/postgres-test-database.js';
import { startGateway, twoModelConfig, type Harness } from './helpers/gateway-harness.js';
import { startEchoUpstream } from './helpers/openai-upstream.js';

const ADMIN_KEY = 'sk-admin-answer-cache-pg-test';

const skip = (await postgresSkipReason()) || (await redisSkipReason());
const schemas = testSchemas();
after(() => schemas.dropAll());

describe('answer cache on PostgreSQL with pgvector, and on Redis', { skip }, () => {
  let cloud: FakeUpstream;
  let h: Harness;
  let alice: OpenAI;
  let bob: OpenAI;
  const prefix = `tandem-cache-e2e-${process.pid}-${Date.now()}:`;
  const chatCalls = (): number => cloud.requests.filter((r) => r.path === '/v1/chat/completions').length;

  before(async () => {
    cloud = await startEchoUpstream();
    const base = twoModelConfig(cloud.url, cloud.url);
    const fixed = { models: ['large'], router: { type: 'fixed' as const, model: 'large' } };
    h = await startGateway({
      ...base,
      store: { type: 'postgres', url: TEST_DATABASE_URL, schema: schemas.create(), pool_size: 3, log_bodies: false },
      cluster: { redis: { url: TEST_REDIS_URL, key_prefix: prefix } },
      server: { admin_key: ADMIN_KEY },
      routes: {
        ...base.routes,
        'pg/semantic': { ...fixed, cache: { backend: 'store', semantic: { threshold: 0.75 } } },
        'redis/exact': { ...fixed, cache: { backend: 'redis', max_entries: 4 } },
      },
    });
    async function client(name: string): Promise<OpenAI> {
      const res = await fetch(`${h.url}/admin/keys`, {
        method: 'POST',
        headers: { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': 'application/json' },
        body: JSON.stringify({ name }),
      });
      const json = (await res.json()) as { secret: string };
      assert.equal(res.status, 201, JSON.stringify(json));
      return new OpenAI({ baseURL: `${h.url}/v1`, apiKey: json.secret, maxRetries: 0 });
    }
    alice = await client('alice');
    bob = await client('bob');
  });
  after(async () => {
    await h?.close();
    await cloud?.close();
    const redis = new Redis(TEST_REDIS_URL);
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length > 0) await redis.del(...keys);
    redis.disconnect();
  });

  async function ask(client: OpenAI, model: string, content: string, stream = false) {
    if (stream) {
      const { data, response } = await client.chat.completions.create({ model, messages: [{ role: 'user', content }], stream: true }).withResponse();
      let text = '';
      for await (const chunk of data) text += chunk.choices[0]?.delta.content ?? '';
      await h.gateway.cache?.settled();
      return { text, cache: response.headers.get('x-tandem-cache'), id: response.headers.get('x-tandem-request-id') ?? '' };
    }
    const { data, response } = await client.chat.completions.create({ model, messages: [{ role: 'user', content }] }).withResponse();
    await h.gateway.cache?.settled();
    return {
      text: data.choices[0]?.message.content ?? '',
      cache: response.headers.get('x-tandem-cache'),
      id: response.headers.get('x-tandem-request-id') ?? '',
    };
  }

  test('PostgreSQL: exact and semantic (pgvector) hits, whole and streamed, per key; the hit row is cost 0 with a baseline', async () => {
    const before = chatCalls();
    assert.equal((await ask(alice, 'pg/semantic', 'How do I reset my password?')).cache, 'miss');
    const exact = await ask(alice, 'pg/semantic', 'How do I reset my password?', true);
    assert.equal(exact.cache, 'hit');
    assert.equal(exact.text, 'echo: How do I reset my password?');
    const semantic = await ask(alice, 'pg/semantic', 'how do i reset my password');
    assert.equal(semantic.cache, 'hit');
    assert.equal(semantic.text, 'echo: How do I reset my password?');
    assert.equal((await ask(alice, 'pg/semantic', 'How do I close my account?', true)).cache, 'miss');
    assert.equal((await ask(bob, 'pg/semantic', 'How do I reset my password?')).cache, 'miss');
    assert.equal(chatCalls(), before + 3);
    const row = await h.gateway.store.requestLog.get(semantic.id);
    assert.equal(row?.cache, 'hit');
    assert.equal(row?.cost, 0);
    assert.ok((row?.baselineCost ?? 0) > 0);
    assert.match(row?.reason ?? '', /cache hit \(semantic/);
  });

  test('Redis: hits shared by the replicas, bypass on request, and the route bound holds under concurrent load', async () => {
    assert.equal((await ask(alice, 'redis/exact', 'hello redis')).cache, 'miss');
    assert.equal((await ask(alice, 'redis/exact', 'hello redis', true)).cache, 'hit');
    assert.equal((await ask(bob, 'redis/exact', 'hello redis')).cache, 'miss');
    const { response } = await alice.chat.completions
      .create({ model: 'redis/exact', messages: [{ role: 'user', content: 'hello redis' }] }, { headers: { 'cache-control': 'no-cache' } })
      .withResponse();
    assert.equal(response.headers.get('x-tandem-cache'), 'bypass');
    await Promise.all(Array.from({ length: 30 }, (_, i) => ask(alice, 'redis/exact', `load ${i}`)));
    const redis = new Redis(TEST_REDIS_URL);
    try {
      assert.ok((await redis.zcard(`${prefix}cache-ages:{redis/exact\u0001}`)) <= 4);
      const entries = await redis.keys(`${prefix}cache:{redis/exact\u0001}:*`);
      assert.ok(entries.length <= 4 && entries.length >= 1, `${entries.length} entries`);
    } finally {
      redis.disconnect();
    }
  });
});
