/** CacheStage's set-up errors and request rules that the end-to-end tests (test/answer-cache*.test.ts) do not spell out. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ChatRequest } from '../spec/chat-request.js';
import { routeCacheSchema } from './cache-schema.js';
import { bypassRequested, CacheStage, conversationText } from './cache-stage.js';

const request = (content: string, params: ChatRequest['params'] = {}): ChatRequest => ({
  model: 'r',
  messages: [
    { role: 'system', content: 'Be brief.' },
    { role: 'user', content },
  ],
  stream: false,
  includeUsage: false,
  params,
  extra: {},
});

test('a backend or embeddings model that is not there fails at start-up, naming the route', () => {
  assert.throws(
    () => new CacheStage({ routes: [['faq', routeCacheSchema.parse({ backend: 'redis' })]], adapters: new Map() }),
    /route "faq": cache.backend redis .*cluster.redis/,
  );
  assert.throws(
    () => new CacheStage({ routes: [['faq', routeCacheSchema.parse({ semantic: { embeddings_model: 'nope' } })]], adapters: new Map() }),
    /route "faq": cache.semantic.embeddings_model "nope" is not a model with capabilities.embeddings/,
  );
});

test('bypass headers: Cache-Control no-cache / no-store, x-tandem-cache: bypass', () => {
  assert.equal(bypassRequested({ 'cache-control': 'max-age=0, no-cache' }), true);
  assert.equal(bypassRequested({ 'cache-control': 'no-store' }), true);
  assert.equal(bypassRequested({ 'x-tandem-cache': ' Bypass ' }), true);
  assert.equal(bypassRequested({ 'cache-control': 'max-age=60' }), false);
  assert.equal(bypassRequested({}), false);
});

test('lookups: miss then hit in memory; n > 1 and temperature > 0 bypass; a disabled cache is no cache', async () => {
  let now = 1_000;
  const stage = new CacheStage({
    routes: [
      ['faq', routeCacheSchema.parse({})],
      ['off', routeCacheSchema.parse({ enabled: false })],
    ],
    adapters: new Map(),
    now: () => now,
  });
  const base = { headers: {}, keyId: 'k1', privacy: undefined, warn: () => undefined, signal: new AbortController().signal };
  assert.equal(await stage.lookup({ ...base, route: 'off', request: request('hi') }), null);
  assert.equal(await stage.lookup({ ...base, route: null, request: request('hi') }), null);
  assert.equal((await stage.lookup({ ...base, route: 'faq', request: request('hi', { n: 2 }) }))?.status, 'bypass');
  assert.equal((await stage.lookup({ ...base, route: 'faq', request: request('hi', { temperature: 0.2 }) }))?.status, 'bypass');
  const miss = await stage.lookup({ ...base, route: 'faq', request: request('hi') });
  assert.equal(miss?.status, 'miss');
  miss?.keep?.({
    result: { id: 'x', model: 'm', text: 'hello', toolCalls: [], finishReason: { unified: 'stop', raw: 'stop' } },
    usage: { inputTokens: 3, outputTokens: 1, estimated: false },
    model: 'large',
  });
  await stage.settled();
  const hit = await stage.lookup({ ...base, route: 'faq', request: request('hi') });
  assert.equal(hit?.status, 'hit');
  assert.equal(hit?.hit?.result.text, 'hello');
  now += 3_600_001;
  assert.equal((await stage.lookup({ ...base, route: 'faq', request: request('hi') }))?.status, 'miss', 'expired after ttl_s');
});

test('the semantic text is the conversation, roles other than the user tagged', () => {
  assert.equal(conversationText(request('Where is my card?')), 'system: Be brief.\nWhere is my card?');
});
