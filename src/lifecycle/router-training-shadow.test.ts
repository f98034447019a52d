import assert from 'node:assert/strict';
import { test } from 'node:test';
import { configSchema } from '../config/schema.js';
import type { TeacherView } from '../distill/shadow-check.js';
import { modelInfoFromConfig } from '../providers/model-info-from-config.js';
import type { ProviderAdapter } from '../providers/provider-adapter.js';
import type { ChatRequest } from '../spec/chat-request.js';
import { createMemoryStore } from '../store/memory/memory-store.js';
import { makeRecord } from '../store/request-log.contract.js';
import { readVerdict, ShadowPairObserver, shadowRoutes } from './router-training-shadow.js';

const config = configSchema.parse({
  models: {
    small: { provider: 'openai-compatible', base_url: 'http://127.0.0.1:1/v1', model: 's', locality: 'local' },
    large: { provider: 'openai-compatible', base_url: 'http://127.0.0.1:1/v1', model: 'l', locality: 'cloud' },
  },
  routes: {
    learned: { models: ['small', 'large'], router: { type: 'learned', artifact: 'a.json', small: 'small', large: 'large', shadow: { rate: 0.5 } } },
    plain: { models: ['small'] },
  },
});

function adapter(name: 'small' | 'large', answer: (request: ChatRequest) => string, calls: ChatRequest[]): ProviderAdapter {
  return {
    info: modelInfoFromConfig(name, config.models[name] as Parameters<typeof modelInfoFromConfig>[1]),
    async generate(request) {
      calls.push(request);
      return { id: 'x', model: name, text: answer(request), toolCalls: [], finishReason: { unified: 'stop', raw: 'stop' } };
    },
    // biome-ignore lint/correctness/useYield: never streamed here
    async *stream() {
      throw new Error('not used');
    },
    async close() {},
  };
}

const body = (user: string) => JSON.stringify({ model: 'learned', messages: [{ role: 'user', content: user }] });
const answer = (text: string) => JSON.stringify({ object: 'chat.completion', choices: [{ index: 0, message: { role: 'assistant', content: text } }] });

test('shadowRoutes: learned routes with a positive rate; an unknown judge is a config error', () => {
  assert.deepEqual([...shadowRoutes(config).entries()], [['learned', { rate: 0.5, small: 'small', large: 'large', judge: undefined }]]);
  const bad = configSchema.parse({
    models: config.models,
    routes: {
      x: { models: ['small', 'large'], router: { type: 'learned', artifact: 'a.json', small: 'small', large: 'large', shadow: { rate: 1, judge: 'nope' } } },
    },
  });
  assert.throws(() => shadowRoutes(bad), /routes\.x\.router\.shadow\.judge: "nope" is not a model/);
});

test('readVerdict reads YES/NO in any case, null otherwise', () => {
  assert.deepEqual(['YES', 'no.', 'Yes, it is', 'maybe', ''].map(readVerdict), [1, 0, 1, null, null]);
});

test('sampled requests get the other model and a verifier score of the small answer; privacy and the sample are honoured', async () => {
  const store = createMemoryStore();
  const calls: ChatRequest[] = [];
  const adapters = new Map([
    ['small', adapter('small', () => 'small says', calls)],
    ['large', adapter('large', (r) => `large says ${JSON.stringify(r.messages)}`, calls)],
  ]);
  const draws = [0.1, 0.9, 0.1, 0.1, 0.1];
  const scored: string[] = [];
  const privacyAsked: string[] = [];
  const observer = new ShadowPairObserver({
    routes: shadowRoutes(config),
    adapters,
    feedback: store.feedback,
    privacy: async (_route, request, model): Promise<TeacherView | null> => {
      privacyAsked.push(model.name);
      const user = request.messages[0]?.content;
      // Stands in for a local-only request: nothing for the cloud model.
      if (user === 'secret' && model.locality === 'cloud') return null;
      return { request, restore: (r) => r, cloudRequest: undefined };
    },
    verifier: async () => ({
      score: ({ answer: a }) => {
        scored.push(a);
        return 0.25;
      },
    }),
    random: () => draws.shift() ?? 1,
    now: () => 42,
  });
  // Small answered: the large model is called, the verifier scores the small answer.
  observer.onRequestFinished(makeRecord({ id: 'r1', route: 'learned', model: 'small', requestBody: body('q1'), responseBody: answer('small answer 1') }));
  // Not sampled (0.9 ≥ 0.5).
  observer.onRequestFinished(makeRecord({ id: 'r2', route: 'learned', model: 'small', requestBody: body('q2'), responseBody: answer('x') }));
  // Large answered: the small model is called and its answer scored.
  observer.onRequestFinished(makeRecord({ id: 'r3', route: 'learned', model: 'large', requestBody: body('q3'), responseBody: answer('large answer 3') }));
  // The cloud model may not see it: no pair.
  observer.onRequestFinished(makeRecord({ id: 'r4', route: 'learned', model: 'small', requestBody: body('secret'), responseBody: answer('x') }));
  // Failed, other route, no body: never sampled (no draw consumed).
  observer.onRequestFinished(makeRecord({ id: 'r5', route: 'learned', model: 'small', status: 500, requestBody: body('q'), responseBody: null }));
  observer.onRequestFinished(makeRecord({ id: 'r6', route: 'plain', model: 'small', requestBody: body('q'), responseBody: answer('x') }));
  observer.onRequestFinished(makeRecord({ id: 'r7', route: 'learned', model: 'small', requestBody: null, responseBody: null }));
  await observer.settle();
  assert.deepEqual(observer.counts, { recorded: 2, skipped: 1, failed: 0 });
  assert.deepEqual(scored, ['small answer 1', 'small says']);
  assert.deepEqual(privacyAsked, ['large', 'small', 'large']);
  assert.equal(draws.length, 1);
  const pairs = await store.feedback.latestByRoute({ route: 'learned', source: 'shadow' });
  assert.deepEqual(
    pairs.map((p) => [p.requestId, p.model, p.score, p.comment, p.keyId, p.time]),
    [
      ['r1', 'small', 0.25, 'verifier', null, 42],
      ['r3', 'small', 0.25, 'verifier', null, 42],
    ],
  );
  // Shadow pairs are not client feedback.
  assert.equal((await store.feedback.latest(['r1'])).size, 0);
});
