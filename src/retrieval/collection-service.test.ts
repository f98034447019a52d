import assert from 'node:assert/strict';
import { test } from 'node:test';
import { configSchema } from '../config/schema.js';
import { modelInfoFromConfig } from '../providers/model-info-from-config.js';
import type { ProviderAdapter } from '../providers/provider-adapter.js';
import { GatewayError, ProviderError } from '../spec/errors.js';
import { createMemoryStore } from '../store/memory/memory-store.js';
import { chunkId, CollectionService, type RetrievalDeps } from './collection-service.js';
import { collectionSpace } from './collection-store.js';
import { collectionSettingsSchema, routeRetrievalSchema } from './retrieval-schema.js';

const file = (source: string, text: string) => ({ source, bytes: new TextEncoder().encode(text) });

const TOPICS = {
  'refunds.md': 'Refunds are paid to the original card within five business days after the returned parcel arrives.',
  'shipping.md': 'Shipping is free for orders over fifty euros; express delivery arrives the next working day.',
  'passwords.md': 'A forgotten password is reset from the login page with the reset link sent by email.',
  'holidays.md': 'Employees get thirty days of paid holiday a year, booked in the HR portal.',
  'laptops.md': 'Every laptop carries a two year warranty; batteries are covered for one year.',
};

function deps(collections: Record<string, unknown> = {}, withVectors = true): RetrievalDeps {
  const store = createMemoryStore();
  if (!withVectors) delete store.vectors;
  const parsed = Object.fromEntries(Object.entries(collections).map(([k, v]) => [k, collectionSettingsSchema.parse(v)]));
  return { config: { collections: parsed }, store, adapters: new Map<string, ProviderAdapter>() };
}

const retrieval = (collection: string, extra: Record<string, unknown> = {}) => routeRetrievalSchema.parse({ collection, ...extra });

test('the lexical embedder learns the collection and ranks the chunk that answers first', async () => {
  const d = deps();
  const service = new CollectionService(d);
  await service.ingest(
    'kb',
    Object.entries(TOPICS).map(([source, text]) => file(source, text)),
  );
  const info = await service.get('kb');
  assert.equal(info.embedder, 'lexical-v1-1024');
  assert.equal((JSON.parse(info.embedderState ?? '{}') as { docs: number }).docs, 5, 'document frequencies of the 5 chunks');
  const questions: Record<string, string> = {
    'refunds.md': 'how many days until my refund is paid?',
    'shipping.md': 'is delivery free over fifty euros',
    'passwords.md': 'I forgot my password, how do I reset it',
    'holidays.md': 'how many holiday days do employees get',
    'laptops.md': 'what warranty does the laptop battery have',
  };
  for (const [source, question] of Object.entries(questions)) {
    const found = await service.retrieve(retrieval('kb', { top_k: 2 }), question);
    assert.equal(found.chunks[0]?.source, source, question);
    assert.ok((found.chunks[0]?.score ?? 0) > (found.chunks[1]?.score ?? 0));
    assert.ok(found.chunks.length <= 2);
  }
  assert.deepEqual((await service.retrieve(retrieval('kb', { min_score: 0.99 }), 'refund days')).chunks, []);
  assert.deepEqual((await service.retrieve(retrieval('kb'), '   ')).chunks, []);
});

test('ingests into one collection run one after the other and keep every document', async () => {
  const d = deps();
  const service = new CollectionService(d);
  const entries = Object.entries(TOPICS);
  await Promise.all(entries.map(([source, text]) => service.ingest('kb', [file(source, text)])));
  const info = await service.get('kb');
  assert.deepEqual([info.documents, info.chunks], [5, 5]);
  assert.equal((JSON.parse(info.embedderState ?? '{}') as { docs: number }).docs, 5);
  assert.equal(await d.store.vectors?.count(collectionSpace('kb')), 5);
});

test('a collection keeps its embedder: settings naming another one are a 409 on ingest and a 503 on query', async () => {
  const d = deps();
  await new CollectionService(d).ingest('kb', [file('a.md', 'alpha beta')]);
  const changed = new CollectionService({ ...d, config: { collections: { kb: collectionSettingsSchema.parse({ embeddings_model: 'nomic' }) } } });
  await assert.rejects(
    changed.ingest('kb', [file('b.md', 'gamma')]),
    (e: unknown) => e instanceof GatewayError && e.status === 409 && /lexical-v1-1024/.test(e.message),
  );
  await assert.rejects(
    changed.retrieve(retrieval('kb'), 'alpha'),
    (e: unknown) => e instanceof GatewayError && e.status === 503 && e.code === 'collection_embedder_mismatch',
  );
});

test('an embeddings model that is not configured is a 503 that names it', async () => {
  const service = new CollectionService(deps({ kb: { embeddings_model: 'nomic' } }));
  await assert.rejects(
    service.ingest('kb', [file('a.md', 'alpha')]),
    (e: unknown) => e instanceof GatewayError && e.status === 503 && /"nomic" is not available/.test(e.message),
  );
});

test('a store without a vector index is a 503 that says how to get one', async () => {
  const service = new CollectionService(deps({}, false));
  await assert.rejects(
    service.ingest('kb', [file('a.md', 'alpha')]),
    (e: unknown) => e instanceof GatewayError && e.status === 503 && /pgvector/.test(e.message),
  );
});

test('chunk ids are stable for the same content and position, and change with either', () => {
  assert.equal(chunkId('kb', 'a.md', 'h1', 0), chunkId('kb', 'a.md', 'h1', 0));
  assert.match(chunkId('kb', 'a.md', 'h1', 0), /^[0-9a-f]{20}$/);
  const ids = new Set([
    chunkId('kb', 'a.md', 'h1', 0),
    chunkId('kb', 'a.md', 'h2', 0),
    chunkId('kb', 'a.md', 'h1', 1),
    chunkId('kb', 'b.md', 'h1', 0),
    chunkId('kc', 'a.md', 'h1', 0),
  ]);
  assert.equal(ids.size, 5);
});

/** An embeddings model whose width and health a test sets: one bucket per letter of the alphabet, folded. */
function fakeEmbeddingsModel(state: { width: number; failWith?: ProviderError }): ProviderAdapter {
  const config = configSchema.parse({
    models: { emb: { provider: 'openai-compatible', base_url: 'http://127.0.0.1:9/v1', locality: 'local', capabilities: { embeddings: true } } },
  }).models.emb;
  if (!config) throw new Error('no model');
  return {
    info: modelInfoFromConfig('emb', config),
    generate: () => Promise.reject(new Error('not a chat model')),
    stream: () => {
      throw new Error('not a chat model');
    },
    async embed(input) {
      if (state.failWith) throw state.failWith;
      const embeddings = input.map((text) => {
        const v = new Array<number>(state.width).fill(0);
        for (const c of text.toLowerCase()) {
          const i = (c.charCodeAt(0) - 97) % state.width;
          if (c >= 'a' && c <= 'z') v[i] = (v[i] ?? 0) + 1;
        }
        return v;
      });
      return { model: 'emb', embeddings, usage: { inputTokens: 1, estimated: true } };
    },
    close: async () => undefined,
  };
}

test('an embeddings model: its failure is a 502/503 that writes nothing; a changed width is a 409 on ingest and a 503 on query', async () => {
  const state: { width: number; failWith?: ProviderError } = { width: 8 };
  const store = createMemoryStore();
  const service = new CollectionService({
    config: { collections: { kb: collectionSettingsSchema.parse({ embeddings_model: 'emb' }) } },
    store,
    adapters: new Map([['emb', fakeEmbeddingsModel(state)]]),
  });
  const report = await service.ingest('kb', [file('a.md', 'alpha beta'), file('b.md', 'gamma delta')]);
  assert.deepEqual([report.embedder, (await service.get('kb')).dimensions], ['model:emb', 8]);
  assert.equal((await service.retrieve(retrieval('kb', { top_k: 1, min_score: 0 }), 'gamma')).chunks[0]?.source, 'b.md');

  state.failWith = new ProviderError({ provider: 'emb', message: 'upstream 500: out of memory', statusCode: 500 });
  await assert.rejects(
    service.ingest('kb', [file('c.md', 'epsilon')]),
    (e: unknown) => e instanceof GatewayError && [502, 503].includes(e.status) && /emb/.test(e.message),
  );
  await assert.rejects(service.retrieve(retrieval('kb'), 'gamma'), (e: unknown) => e instanceof GatewayError && [502, 503].includes(e.status));
  assert.equal((await service.get('kb')).documents, 2);
  assert.equal(await store.vectors?.count(collectionSpace('kb')), 2);

  delete state.failWith;
  state.width = 4;
  await assert.rejects(
    service.ingest('kb', [file('c.md', 'epsilon')]),
    (e: unknown) => e instanceof GatewayError && e.status === 409 && /8 dimensions/.test(e.message),
  );
  await assert.rejects(
    service.retrieve(retrieval('kb'), 'gamma'),
    (e: unknown) => e instanceof GatewayError && [502, 503].includes(e.status) && /dimension/.test(e.message),
  );
});
