/**
 * The answer cache end to end (docs/caching.md): a real Tandem server on the embedded SQLite store (with
 * sqlite-vec), the official openai and Anthropic clients over HTTP, fake upstreams on loopback. Hit, miss
 * and bypass for the exact and semantic caches, whole and streamed; isolation between API keys; TTL; the
 * size bound under concurrent load; privacy; an embeddings model that fails.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import type { FakeUpstream } from '../src/providers/testing/fake-upstream.js';
import { startGateway, twoModelConfig, type Harness } from './helpers/gateway-harness.js';
import { startEchoUpstream } from './helpers/openai-upstream.js';

const ADMIN_KEY = 'sk-admin-answer-cache-test';

/** A fake embeddings model: one count per letter, so reordered words embed identically. */
function letterCounts(text: string): number[] {
  const v = new Array<number>(26).fill(0);
  for (const ch of text.toLowerCase()) {
    const i = ch.charCodeAt(0) - 97;
    if (i >= 0 && i < 26) v[i] = (v[i] as number) + 1;
  }
  return v;
}

describe('answer cache', () => {
  let cloud: FakeUpstream;
  let local: FakeUpstream;
  let embedder: FakeUpstream;
  let h: Harness;
  let alice: OpenAI;
  let bob: OpenAI;
  let aliceSecret = '';

  const chatCalls = (): number => cloud.requests.filter((r) => r.path === '/v1/chat/completions').length;

  before(async () => {
    cloud = await startEchoUpstream();
    local = await startEchoUpstream();
    embedder = await startEchoUpstream();
    embedder.on('/v1/embeddings', (recorded) => {
      const input = (recorded.json as { input: string[] }).input;
      return {
        body: {
          object: 'list',
          data: input.map((t, index) => ({ object: 'embedding', index, embedding: letterCounts(t) })),
          model: 'e',
          usage: { prompt_tokens: 1, total_tokens: 1 },
        },
      };
    });
    const base = twoModelConfig(cloud.url, local.url);
    const large = base.models?.large;
    if (large?.provider !== 'openai-compatible') throw new Error('twoModelConfig changed: large is no longer openai-compatible');
    const fixed = { models: ['large'], router: { type: 'fixed' as const, model: 'large' } };
    h = await startGateway({
      ...base,
      models: {
        ...base.models,
        embedder: { ...large, base_url: `${embedder.url}/v1`, capabilities: { embeddings: true } },
        broken: { ...large, base_url: 'http://127.0.0.1:9/v1', timeout_ms: 500, capabilities: { embeddings: true } },
      },
      server: { admin_key: ADMIN_KEY },
      routes: {
        ...base.routes,
        'cached/exact': { ...fixed, cache: {} },
        'cached/store': { ...fixed, cache: { backend: 'store', semantic: { threshold: 0.75 } } },
        'cached/shared': { ...fixed, cache: { shared: true } },
        'cached/ttl': { ...fixed, cache: { ttl_s: 0.3 } },
        'cached/bounded': { ...fixed, cache: { backend: 'store', max_entries: 5 } },
        'cached/bounded-memory': { ...fixed, cache: { max_entries: 1_000, max_bytes: 4_000 } },
        'cached/private': { ...fixed, policies: [{ type: 'privacy', mode: 'pseudonymise' }], cache: {} },
        'cached/model': { ...fixed, cache: { semantic: { embeddings_model: 'embedder', threshold: 0.999 } } },
        'cached/broken': { ...fixed, cache: { semantic: { embeddings_model: 'broken' } } },
      },
    });
    async function createKey(name: string): Promise<string> {
      const res = await fetch(`${h.url}/admin/keys`, {
        method: 'POST',
        headers: { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': 'application/json' },
        body: JSON.stringify({ name }),
      });
      const json = (await res.json()) as { secret: string };
      assert.equal(res.status, 201, JSON.stringify(json));
      return json.secret;
    }
    aliceSecret = await createKey('alice');
    alice = new OpenAI({ baseURL: `${h.url}/v1`, apiKey: aliceSecret, maxRetries: 0 });
    bob = new OpenAI({ baseURL: `${h.url}/v1`, apiKey: await createKey('bob'), maxRetries: 0 });
  });
  after(async () => {
    await h.close();
    await cloud.close();
    await local.close();
    await embedder.close();
  });

  async function ask(client: OpenAI, model: string, content: string, extra: { headers?: Record<string, string>; temperature?: number } = {}) {
    const { data, response } = await client.chat.completions
      .create(
        { model, messages: [{ role: 'user', content }], ...(extra.temperature === undefined ? {} : { temperature: extra.temperature }) },
        { headers: extra.headers ?? {} },
      )
      .withResponse();
    await h.gateway.cache?.settled();
    return {
      text: data.choices[0]?.message.content ?? '',
      cache: response.headers.get('x-tandem-cache'),
      id: response.headers.get('x-tandem-request-id') ?? '',
      response,
    };
  }

  async function askStream(client: OpenAI, model: string, content: string) {
    const { data: stream, response } = await client.chat.completions.create({ model, messages: [{ role: 'user', content }], stream: true }).withResponse();
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
    await h.gateway.cache?.settled();
    return { text, cache: response.headers.get('x-tandem-cache'), id: response.headers.get('x-tandem-request-id') ?? '' };
  }

  test('exact: a miss calls the model, the same request again is a hit at cost 0 with its baseline cost, counted in savings', async () => {
    const before = chatCalls();
    const first = await ask(alice, 'cached/exact', 'What are your opening hours?');
    assert.equal(first.cache, 'miss');
    assert.equal(chatCalls(), before + 1);
    const second = await ask(alice, 'cached/exact', 'What are your opening hours?');
    assert.equal(second.cache, 'hit');
    assert.equal(second.text, first.text);
    assert.equal(chatCalls(), before + 1, 'a hit calls no model');
    assert.equal(second.response.headers.get('x-tandem-model'), 'large');
    const missRow = await h.gateway.store.requestLog.get(first.id);
    const hitRow = await h.gateway.store.requestLog.get(second.id);
    assert.equal(missRow?.cache, 'miss');
    assert.equal(hitRow?.cache, 'hit');
    assert.equal(hitRow?.cost, 0);
    assert.ok((hitRow?.baselineCost ?? 0) > 0);
    assert.equal(hitRow?.baselineCost, missRow?.baselineCost);
    assert.match(hitRow?.reason ?? '', /cache hit \(exact\)/);
    const stats = await h.gateway.store.stats.query({});
    const route = stats.find((r) => r.route === 'cached/exact');
    assert.ok((route?.savings ?? 0) >= (hitRow?.baselineCost ?? 1), 'the hit counts in savings');
  });

  test('exact, streamed: a streamed miss is kept, and a hit streams when asked (also for an answer kept from a whole one)', async () => {
    const before = chatCalls();
    const miss = await askStream(alice, 'cached/exact', 'Tell me a short story');
    assert.equal(miss.cache, 'miss');
    const hit = await askStream(alice, 'cached/exact', 'Tell me a short story');
    assert.equal(hit.cache, 'hit');
    assert.equal(hit.text, miss.text);
    assert.equal(hit.text, 'echo: Tell me a short story');
    const whole = await ask(alice, 'cached/exact', 'Tell me a short story');
    assert.equal(whole.cache, 'hit');
    assert.equal(whole.text, miss.text);
    assert.equal(chatCalls(), before + 1);
    assert.equal((await h.gateway.store.requestLog.get(hit.id))?.stream, true);
  });

  test('bypass: Cache-Control no-cache, x-tandem-cache: bypass, and temperature above 0 skip the cache', async () => {
    await ask(alice, 'cached/exact', 'bypass me');
    const before = chatCalls();
    assert.equal((await ask(alice, 'cached/exact', 'bypass me', { headers: { 'cache-control': 'no-cache' } })).cache, 'bypass');
    assert.equal((await ask(alice, 'cached/exact', 'bypass me', { headers: { 'x-tandem-cache': 'bypass' } })).cache, 'bypass');
    assert.equal((await ask(alice, 'cached/exact', 'bypass me', { temperature: 0.7 })).cache, 'bypass');
    assert.equal(chatCalls(), before + 3);
    assert.equal((await ask(alice, 'cached/exact', 'bypass me', { temperature: 0 })).cache, 'miss', 'temperature 0 is another key, and cacheable');
    const row = await h.gateway.store.requestLog.recent({ limit: 1, route: 'cached/exact' });
    assert.equal(row[0]?.cache, 'miss');
  });

  test("no key reads another key's answer; `shared: true` shares across keys", async () => {
    await ask(alice, 'cached/exact', 'my account balance please');
    assert.equal((await ask(alice, 'cached/exact', 'my account balance please')).cache, 'hit');
    assert.equal((await ask(bob, 'cached/exact', 'my account balance please')).cache, 'miss');
    await ask(alice, 'cached/shared', 'public faq question');
    assert.equal((await ask(bob, 'cached/shared', 'public faq question')).cache, 'hit');
  });

  test('an entry expires after its TTL', async () => {
    await ask(alice, 'cached/ttl', 'expire me');
    assert.equal((await ask(alice, 'cached/ttl', 'expire me')).cache, 'hit');
    await new Promise((resolve) => setTimeout(resolve, 400));
    assert.equal((await ask(alice, 'cached/ttl', 'expire me')).cache, 'miss');
  });

  test('the size bound holds under concurrent load (store backend by entries, memory by bytes)', async () => {
    await Promise.all(Array.from({ length: 40 }, (_, i) => ask(alice, 'cached/bounded', `question number ${i}`)));
    await Promise.all(Array.from({ length: 40 }, (_, i) => ask(bob, 'cached/bounded-memory', `another question number ${i}`)));
    const stored = await h.gateway.store.answerCache?.count('cached/bounded\u0001');
    assert.ok(stored !== undefined && stored <= 5 && stored >= 1, `kept ${stored}`);
    // The newest are kept (40 answers raced to be kept, so which five is not fixed): one of the last five asked still hits.
    const recent = await Promise.all(Array.from({ length: 5 }, (_, i) => ask(alice, 'cached/bounded', `question number ${39 - i}`)));
    assert.ok(recent.some((r) => r.cache === 'hit'));
    // 4,000 bytes of memory hold only a few ~300-byte answers.
    const early = await ask(bob, 'cached/bounded-memory', 'another question number 0');
    assert.equal(early.cache, 'miss');
  });

  test('a request with personal data on a pseudonymising route, or marked sensitive, is neither looked up nor kept', async () => {
    const first = await ask(alice, 'cached/private', 'Write to jane.doe@example.com about the order');
    assert.equal(first.cache, 'bypass');
    assert.equal((await ask(alice, 'cached/private', 'Write to jane.doe@example.com about the order')).cache, 'bypass');
    assert.equal((await ask(alice, 'cached/private', 'no personal data here')).cache, 'miss');
    // Marked sensitive by the client: kept out of the cache too.
    await ask(alice, 'cached/exact', 'a sensitive question');
    assert.equal((await ask(alice, 'cached/exact', 'a sensitive question', { headers: { 'x-tandem-sensitive': 'true' } })).cache, 'bypass');
  });

  test('semantic (built-in lexical embedder, store backend): a rewording hits, another intent misses, whole and streamed', async () => {
    const before = chatCalls();
    await ask(alice, 'cached/store', 'How do I reset my password?');
    const reworded = await ask(alice, 'cached/store', 'how do i reset my password');
    assert.equal(reworded.cache, 'hit');
    assert.equal(reworded.text, 'echo: How do I reset my password?');
    assert.match((await h.gateway.store.requestLog.get(reworded.id))?.reason ?? '', /cache hit \(semantic [01]\.\d{3}\)/);
    const streamed = await askStream(alice, 'cached/store', 'Please, how do I reset my password?');
    assert.equal(streamed.cache, 'hit');
    assert.equal(streamed.text, 'echo: How do I reset my password?');
    assert.equal((await ask(alice, 'cached/store', 'How do I close my account?')).cache, 'miss');
    assert.equal(chatCalls(), before + 2);
    // Not across keys.
    assert.equal((await ask(bob, 'cached/store', 'how do i reset my password')).cache, 'miss');
    // Vectors are in the store's own SQLite file (sqlite-vec).
    assert.ok(
      ((await h.gateway.store.vectors?.count(
        `cache\u0001lexical-v1-256\u0001cached/store\u0001${(await h.gateway.store.requestLog.get(reworded.id))?.keyId}`,
      )) ?? 0) >= 1,
    );
  });

  test('semantic with a configured embeddings model: the same letters in another order hit', async () => {
    await ask(alice, 'cached/model', 'cancel my order');
    const hit = await ask(alice, 'cached/model', 'order my cancel');
    assert.equal(hit.cache, 'hit');
    assert.equal(hit.text, 'echo: cancel my order');
    assert.ok(embedder.requests.some((r) => r.path === '/v1/embeddings'));
  });

  test('an embeddings model that fails skips the semantic lookup with a warning; the request is still answered', async () => {
    const first = await ask(alice, 'cached/broken', 'hello there');
    assert.equal(first.cache, 'miss');
    assert.equal(first.text, 'echo: hello there');
    assert.match(first.response.headers.get('x-tandem-warnings') ?? '', /semantic cache skipped: embeddings failed.*broken/);
    // The exact layer still works.
    assert.equal((await ask(alice, 'cached/broken', 'hello there')).cache, 'hit');
  });

  test('hits are answered in the Anthropic messages and OpenAI responses formats too, streamed when asked', async () => {
    const anthropic = new Anthropic({ baseURL: h.url, apiKey: aliceSecret, maxRetries: 0 });
    const body = { model: 'cached/exact', max_tokens: 100, messages: [{ role: 'user' as const, content: 'anthropic caller' }] };
    const miss = await anthropic.messages.create(body).withResponse();
    assert.equal(miss.response.headers.get('x-tandem-cache'), 'miss');
    await h.gateway.cache?.settled();
    const hit = await anthropic.messages.create(body).withResponse();
    assert.equal(hit.response.headers.get('x-tandem-cache'), 'hit');
    assert.deepEqual(hit.data.content, miss.data.content);
    const stream = anthropic.messages.stream(body);
    let text = '';
    for await (const event of stream) if (event.type === 'content_block_delta' && event.delta.type === 'text_delta') text += event.delta.text;
    assert.equal(text, 'echo: anthropic caller');
    const responsesMiss = await alice.responses.create({ model: 'cached/exact', input: 'responses caller' }).withResponse();
    assert.equal(responsesMiss.response.headers.get('x-tandem-cache'), 'miss');
    await h.gateway.cache?.settled();
    const responsesHit = await alice.responses.create({ model: 'cached/exact', input: 'responses caller' }).withResponse();
    assert.equal(responsesHit.response.headers.get('x-tandem-cache'), 'hit');
    assert.equal(responsesHit.data.output_text, 'echo: responses caller');
  });

  test("a hit counts against the key's request rate, not its tokens", async () => {
    const res = await fetch(`${h.url}/admin/keys`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'limited', limits: { requests_per_minute: 3, tokens_per_minute: 100_000 } }),
    });
    assert.equal(res.status, 201);
    const limited = new OpenAI({ baseURL: `${h.url}/v1`, apiKey: ((await res.json()) as { secret: string }).secret, maxRetries: 0 });
    const miss = await ask(limited, 'cached/exact', 'How many requests may I send?');
    assert.equal(miss.cache, 'miss');
    const tokensAfterMiss = Number(miss.response.headers.get('x-ratelimit-remaining-tokens'));
    const hit = await ask(limited, 'cached/exact', 'How many requests may I send?');
    assert.equal(hit.cache, 'hit');
    assert.equal(hit.response.headers.get('x-ratelimit-remaining-requests'), '1');
    // The miss's reservation has settled on its usage; the hit reserved and settled no tokens.
    const missRow = await h.gateway.store.requestLog.get(miss.id);
    const missTokens = (missRow?.inputTokens ?? 0) + (missRow?.outputTokens ?? 0);
    assert.ok(missTokens > 0);
    assert.equal(Number(hit.response.headers.get('x-ratelimit-remaining-tokens')), 100_000 - missTokens);
    assert.ok(tokensAfterMiss <= 100_000 - missTokens, 'the miss reserved its worst case');
    await ask(limited, 'cached/exact', 'How many requests may I send?');
    await assert.rejects(ask(limited, 'cached/exact', 'How many requests may I send?'), (e: unknown) => {
      assert.ok(e instanceof OpenAI.APIError);
      assert.equal(e.status, 429);
      assert.match(e.message, /requests_per_minute is 3/);
      return true;
    });
  });

  test('a route without a cache sends no x-tandem-cache header', async () => {
    const { response } = await alice.chat.completions.create({ model: 'large', messages: [{ role: 'user', content: 'plain' }] }).withResponse();
    assert.equal(response.headers.get('x-tandem-cache'), null);
  });
});
