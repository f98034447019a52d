/**
 * Retrieval-augmented routes end to end (docs/retrieval.md): documents ingested over the admin API (text,
 * Markdown, JSONL, a PDF written here), chat requests through the official openai client whose context the
 * fake upstream echoes back, a private collection forcing a local model, a long retrieval pushed to a
 * larger window by context-fit, re-ingest, delete, and the errors. Run on the embedded default (SQLite with
 * sqlite-vec), on PostgreSQL with pgvector, and on the memory store.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import type { TandemConfigInput } from '../src/config/schema.js';
import { startFakeUpstream, type FakeUpstream } from '../src/providers/testing/fake-upstream.js';
import { collectionSpace } from '../src/retrieval/collection-store.js';
import { minimalPdf } from '../src/retrieval/testing/minimal-pdf.js';
import { postgresSkipReason, TEST_DATABASE_URL, testSchemas } from '../src/store/postgres/postgres-test-database.js';
import { startGateway, type Harness } from './helpers/gateway-harness.js';
import { echoResponder } from './helpers/openai-upstream.js';

const ADMIN_KEY = 'admin-key-for-retrieval-tests';

const REFUNDS_V1 = `# Refunds

Refunds are paid back to the original card within five business days of the return arriving at our warehouse.

Store credit is issued at once if the customer prefers it.`;

const REFUNDS_V2 = `# Refunds

Refunds are now paid back to the original card within ten business days of the return arriving.`;

const SHIPPING = 'Shipping is free for orders over 50 euros. Express delivery costs 9 euros and arrives the next working day.';

const FAQ = [
  { id: 1, body: 'Opening hours: the support desk answers from 8 to 18 on weekdays.' },
  { id: 2, body: 'Passwords can be reset from the login page with the forgot password link.' },
]
  .map((r) => JSON.stringify(r))
  .join('\n');

const SALARIES = 'Salary bands for engineers: level three earns between 70000 and 85000 euros a year. Bonuses are paid in March.';

/** Every message the upstream received, so a test sees exactly what reached the model. */
const everything = echoResponder({
  answer: (body) => body.messages.map((m) => `${m.role}: ${typeof m.content === 'string' ? m.content : JSON.stringify(m.content)}`).join('\n---\n'),
});

/** A model-free "embedding": words hashed into 64 buckets, so texts that share words are near. */
function bagOfWords(text: string): number[] {
  const v = new Array<number>(64).fill(0);
  for (const word of text.toLowerCase().match(/[a-z0-9]+/g) ?? []) {
    let h = 7;
    for (const c of word) h = (h * 31 + c.charCodeAt(0)) >>> 0;
    v[h % 64] = (v[h % 64] as number) + 1;
  }
  return v;
}

function config(upstream: string, embeddings: string, store: TandemConfigInput['store']): TandemConfigInput {
  const chat = { provider: 'openai-compatible' as const, base_url: `${upstream}/v1`, timeout_ms: 2_000 };
  return {
    ...(store === undefined ? {} : { store }),
    server: { admin_key: ADMIN_KEY },
    models: {
      small: { ...chat, model: 'llama-3.2-1b', locality: 'local', context_window: 4096, default_max_output_tokens: 256 },
      large: { ...chat, model: 'gpt-4o', api_key: 'sk-test', locality: 'cloud', context_window: 128_000, pricing: { input_per_1m: 2.5, output_per_1m: 10 } },
      embedder: {
        provider: 'openai-compatible',
        base_url: `${embeddings}/v1`,
        model: 'bag-of-words',
        locality: 'local',
        capabilities: { embeddings: true },
        timeout_ms: 2_000,
      },
    },
    collections: {
      manual: { chunking: { max_chars: 4000, overlap_chars: 0 } },
      semantic: { embeddings_model: 'embedder' },
      faq: { text_field: 'body' },
    },
    routes: {
      'rag/handbook': { models: ['small', 'large'], policies: [{ type: 'context-fit' }], retrieval: { collection: 'handbook', top_k: 2 } },
      // Cloud first: only a private collection's context sends a request to the local model.
      'rag/public': { models: ['large', 'small'], retrieval: { collection: 'handbook', top_k: 2 } },
      'rag/private': { models: ['large', 'small'], policies: [{ type: 'privacy' }], retrieval: { collection: 'hr', top_k: 2 } },
      'rag/narrow': { models: ['small', 'large'], policies: [{ type: 'context-fit' }], retrieval: { collection: 'manual', top_k: 1, min_score: 0 } },
      'rag/wide': { models: ['small', 'large'], policies: [{ type: 'context-fit' }], retrieval: { collection: 'manual', top_k: 12, min_score: 0 } },
      'rag/semantic': { models: ['small'], retrieval: { collection: 'semantic', top_k: 1 } },
      'rag/missing': { models: ['small'], retrieval: { collection: 'never-ingested' } },
    },
  };
}

interface Answer {
  status: number;
  body: Record<string, unknown>;
}

function retrievalSuite(name: string, store: () => Promise<TandemConfigInput['store'] | { skip: string }>): void {
  describe(`retrieval routes on ${name}`, () => {
    let upstream: FakeUpstream;
    let embeddings: FakeUpstream;
    let h: Harness;
    let skip: string | false = false;
    let embeddingsFail = false;

    const admin = async (method: string, path: string, body?: unknown, key = ADMIN_KEY): Promise<Answer> => {
      const response = await fetch(`${h.url}${path}`, {
        method,
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
        ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
      });
      return { status: response.status, body: (await response.json()) as Record<string, unknown> };
    };
    const ingest = (collection: string, documents: unknown[], extra: Record<string, unknown> = {}): Promise<Answer> =>
      admin('POST', `/admin/collections/${collection}/documents`, { documents, ...extra });
    const ask = async (model: string, question: string, stream = false) => {
      if (stream) {
        const { data, response } = await h.client.chat.completions
          .create({ model, stream: true, messages: [{ role: 'user', content: question }] })
          .withResponse();
        let text = '';
        for await (const chunk of data) text += chunk.choices[0]?.delta.content ?? '';
        return { text, headers: response.headers, model: response.headers.get('x-tandem-model') };
      }
      const { data, response } = await h.client.chat.completions.create({ model, messages: [{ role: 'user', content: question }] }).withResponse();
      return { text: data.choices[0]?.message.content ?? '', headers: response.headers, model: response.headers.get('x-tandem-model') };
    };
    const requestRow = async (headers: Headers) => {
      const id = headers.get('x-request-id');
      assert.ok(id);
      return h.gateway.store.requestLog.get(id);
    };

    before(async () => {
      const chosen = await store();
      if (chosen !== undefined && 'skip' in chosen) {
        skip = chosen.skip;
        return;
      }
      upstream = await startFakeUpstream({ '/v1/chat/completions': everything });
      embeddings = await startFakeUpstream({
        '/v1/embeddings': (recorded) => {
          if (embeddingsFail) return { status: 500, body: { error: { message: 'embedding server crashed', type: 'server_error' } } };
          const input = (recorded.json as { input: string[] }).input;
          return {
            body: {
              object: 'list',
              model: 'bag-of-words',
              data: input.map((t, index) => ({ object: 'embedding', index, embedding: bagOfWords(t) })),
              usage: { prompt_tokens: 1, total_tokens: 1 },
            },
          };
        },
      });
      h = await startGateway(config(upstream.url, embeddings.url, chosen));
    });
    after(async () => {
      if (skip) return;
      await h.close();
      await upstream.close();
      await embeddings.close();
    });

    test('ingests text, Markdown, JSONL and a PDF over the admin API', async (t) => {
      if (skip) return t.skip(skip);
      const pdf = Buffer.from(minimalPdf(['Warranty: every laptop carries a two year warranty.\nBatteries are covered for one year.'])).toString('base64');
      const added = await ingest('handbook', [
        { source: 'refunds.md', text: REFUNDS_V1 },
        { source: 'shipping.txt', text: SHIPPING },
        { source: 'warranty.pdf', content_base64: pdf },
      ]);
      assert.equal(added.status, 200, JSON.stringify(added.body));
      assert.deepEqual(
        (added.body.documents as Array<{ source: string; status: string }>).map((d) => [d.source, d.status]),
        [
          ['refunds.md', 'added'],
          ['shipping.txt', 'added'],
          ['warranty.pdf', 'added'],
        ],
      );
      assert.equal(added.body.embedder, 'lexical-v1-1024');
      const faq = await ingest('faq', [{ source: 'faq.jsonl', text: FAQ }]);
      assert.equal(faq.status, 200, JSON.stringify(faq.body));
      assert.equal(faq.body.chunks, 2, 'one chunk per JSONL record');
      const listed = await admin('GET', '/admin/collections');
      const handbook = (listed.body.data as Array<Record<string, unknown>>).find((c) => c.name === 'handbook');
      assert.equal(handbook?.documents, 3);
      assert.equal(handbook?.chunks, added.body.chunks);
      assert.equal(handbook?.private, false);
      assert.equal(handbook?.embedderState, undefined, 'the lexical table stays internal');
      assert.equal(await h.gateway.store.vectors?.count(collectionSpace('handbook')), added.body.chunks);
      const index = (await admin('GET', '/')).body;
      assert.ok((index.admin_endpoints as string[]).includes('POST /admin/collections/{name}/documents'));
      assert.ok(!(index.endpoints as string[]).some((e) => e.includes('/admin/')));
      // The admin key, not an API key, guards the collections.
      assert.equal((await admin('GET', '/admin/collections', undefined, 'wrong')).status, 401);
      assert.equal((await admin('POST', '/admin/collections/handbook/documents', { documents: [{ source: 'x.txt', text: 'x' }] }, 'wrong')).status, 401);
    });

    test('retrieves the nearest chunks, puts them in front with their sources, and logs their ids', async (t) => {
      if (skip) return t.skip(skip);
      for (const stream of [false, true]) {
        const answer = await ask('rag/handbook', 'How many business days until refunds are paid back?', stream);
        assert.match(answer.text, /^system: Use the following passages/);
        assert.match(
          answer.text,
          /\[1\] source: refunds\.md \(chunk [0-9a-f]{20}\)\n# Refunds\n\nRefunds are paid back to the original card within five business days/,
        );
        assert.match(answer.text, /---\nuser: How many business days until refunds are paid back\?$/);
        const sources = answer.headers.get('x-tandem-sources')?.split(',') ?? [];
        assert.ok(sources.length >= 1 && sources.length <= 2, `top_k 2: ${sources.join(',')}`);
        assert.ok(answer.text.includes(`(chunk ${sources[0]})`));
        const row = await requestRow(answer.headers);
        assert.deepEqual(row?.sources, sources);
        assert.equal(row?.stream, stream);
      }
      const pdf = await ask('rag/handbook', 'How long is the laptop warranty?');
      assert.match(pdf.text, /\[1\] source: warranty\.pdf .*\nWarranty: every laptop carries a two year warranty\./);
      const jsonl = await ask('rag/handbook', 'Can I reset my password?');
      assert.doesNotMatch(jsonl.text, /forgot password/, 'another collection');
    });

    test('the Anthropic Messages edge gets the same context and header', async (t) => {
      if (skip) return t.skip(skip);
      const client = new Anthropic({ baseURL: h.url, apiKey: 'unused', maxRetries: 0 });
      const { data, response } = await client.messages
        .create({ model: 'rag/handbook', max_tokens: 100, system: 'Answer briefly.', messages: [{ role: 'user', content: 'When is express delivery?' }] })
        .withResponse();
      const text = data.content.map((b) => (b.type === 'text' ? b.text : '')).join('');
      assert.match(
        text,
        /^system: Use the following passages[\s\S]*source: shipping\.txt[\s\S]*\n---\nsystem: Answer briefly\.\n---\nuser: When is express delivery\?$/,
      );
      const sources = response.headers.get('x-tandem-sources')?.split(',') ?? [];
      assert.ok(sources.length > 0);
      assert.deepEqual((await requestRow(response.headers))?.sources, sources);
    });

    test('a question nothing matches gets no context, no header and no sources in the log', async (t) => {
      if (skip) return t.skip(skip);
      const answer = await ask('rag/handbook', 'xylophone zebra quantum');
      assert.match(answer.text, /^user: xylophone zebra quantum$/);
      assert.equal(answer.headers.get('x-tandem-sources'), null);
      assert.equal((await requestRow(answer.headers))?.sources, undefined);
    });

    test('a private collection forces a local model; the same route shape over a public one uses the cloud', async (t) => {
      if (skip) return t.skip(skip);
      const ingested = await ingest('hr', [{ source: 'salaries.md', text: SALARIES }], { private: true });
      assert.equal(ingested.status, 200, JSON.stringify(ingested.body));
      assert.equal(ingested.body.private, true);
      const publicAnswer = await ask('rag/public', 'How long until refunds are paid?');
      assert.equal(publicAnswer.model, 'large');
      for (const stream of [false, true]) {
        const privateAnswer = await ask('rag/private', 'What do engineers at level three earn?', stream);
        assert.equal(privateAnswer.model, 'small');
        assert.match(privateAnswer.text, /salaries\.md/);
        const row = await requestRow(privateAnswer.headers);
        assert.equal(row?.privacy?.action, 'local-only');
        const large = row?.candidates.find((c) => c.model === 'large');
        assert.equal(large?.allowed, false);
        assert.match(large?.refusals.join() ?? '', /private collection hr/);
      }
      // Nothing retrieved from it: nothing private reached the request, so the cloud may answer.
      assert.equal((await ask('rag/private', 'xylophone zebra quantum')).model, 'large');
    });

    test('a long retrieval counts toward context-fit and moves the request to the larger window', async (t) => {
      if (skip) return t.skip(skip);
      const sections = Array.from(
        { length: 12 },
        (_, i) => `Section ${i}: ${'The pump must be primed before the valve is opened and the pressure checked. '.repeat(45)}`,
      );
      const ingested = await ingest('manual', [{ source: 'pump-manual.md', text: sections.join('\n\n') }]);
      assert.equal(ingested.status, 200, JSON.stringify(ingested.body));
      assert.ok((ingested.body.chunks as number) >= 12);
      const narrow = await ask('rag/narrow', 'How do I prime the pump?');
      assert.equal(narrow.model, 'small');
      assert.equal(narrow.headers.get('x-tandem-sources')?.split(',').length, 1);
      const wide = await ask('rag/wide', 'How do I prime the pump?');
      assert.equal(wide.headers.get('x-tandem-sources')?.split(',').length, 12);
      assert.equal(wide.model, 'large');
      const small = (await requestRow(wide.headers))?.candidates.find((c) => c.model === 'small');
      assert.match(small?.refusals.join() ?? '', /context-fit: too long/);
    });

    test('re-ingesting a changed file replaces its chunks; an unchanged one is left alone', async (t) => {
      if (skip) return t.skip(skip);
      const before = await admin('GET', '/admin/collections/handbook');
      const again = await ingest('handbook', [
        { source: 'refunds.md', text: REFUNDS_V2 },
        { source: 'shipping.txt', text: SHIPPING },
      ]);
      assert.equal(again.status, 200, JSON.stringify(again.body));
      assert.deepEqual(
        (again.body.documents as Array<{ source: string; status: string }>).map((d) => [d.source, d.status]),
        [
          ['refunds.md', 'replaced'],
          ['shipping.txt', 'unchanged'],
        ],
      );
      assert.equal(again.body.chunks, 1, 'only the changed file was chunked and embedded');
      const after = await admin('GET', '/admin/collections/handbook');
      assert.equal(after.body.documents, before.body.documents);
      assert.equal(await h.gateway.store.vectors?.count(collectionSpace('handbook')), after.body.chunks);
      const answer = await ask('rag/handbook', 'How many business days until refunds are paid back?');
      assert.match(answer.text, /within ten business days/);
      assert.doesNotMatch(answer.text, /five business days/);
    });

    test('a configured embeddings model embeds the collection; when it fails, clear 502/503 errors', async (t) => {
      if (skip) return t.skip(skip);
      embeddingsFail = false;
      const ingested = await ingest('semantic', [
        { source: 'shipping.txt', text: SHIPPING },
        { source: 'salaries.md', text: SALARIES },
      ]);
      assert.equal(ingested.status, 200, JSON.stringify(ingested.body));
      assert.equal(ingested.body.embedder, 'model:embedder');
      const answer = await ask('rag/semantic', 'is shipping free for orders over 50 euros');
      assert.match(answer.text, /source: shipping\.txt/);
      embeddingsFail = true;
      try {
        const failed = await ingest('semantic', [{ source: 'new.txt', text: 'a new document' }]);
        assert.ok([502, 503].includes(failed.status), `status ${failed.status}: ${JSON.stringify(failed.body)}`);
        assert.match(String((failed.body.error as { message: string }).message), /embedder/);
        assert.equal((await admin('GET', '/admin/collections/semantic')).body.documents, 2, 'a failed ingest writes nothing');
        await assert.rejects(ask('rag/semantic', 'is shipping free'), (error: unknown) => {
          assert.ok(error instanceof OpenAI.APIError);
          assert.ok(error.status === 502 || error.status === 503, `status ${error.status}`);
          assert.match(error.message, /embedder/);
          return true;
        });
      } finally {
        embeddingsFail = false;
      }
    });

    test('bad input gets clear 400s and 404s in the API format', async (t) => {
      if (skip) return t.skip(skip);
      const unsupported = await ingest('handbook', [{ source: 'slides.pptx', content_base64: 'AAAA' }]);
      assert.equal(unsupported.status, 400);
      assert.deepEqual(Object.keys(unsupported.body.error as object).sort(), ['code', 'message', 'param', 'type']);
      assert.match(String((unsupported.body.error as { message: string }).message), /unsupported file type "\.pptx"; Tandem ingests \.txt/);
      const empty = await ingest('handbook', [{ source: 'blank.md', text: '  \n\n ' }]);
      assert.equal(empty.status, 400);
      assert.equal((empty.body.error as { code: string }).code, 'empty_document');
      // One bad file refuses the whole call: the good one beside it is not ingested either.
      const mixed = await ingest('handbook', [
        { source: 'good.txt', text: 'fine text' },
        { source: 'bad.docx', text: 'x' },
      ]);
      assert.equal(mixed.status, 400);
      assert.equal((await admin('GET', '/admin/collections/handbook')).body.documents, 3);
      assert.equal((await ingest('handbook', [{ source: 'f.jsonl', text: '{"title":"no text"}' }])).status, 400);
      assert.equal((await ingest('bad name!', [{ source: 'a.txt', text: 'a' }])).status, 400);
      assert.equal((await admin('POST', '/admin/collections/handbook/documents', '{"documents": [')).status, 400);
      assert.equal((await admin('POST', '/admin/collections/handbook/documents', { documents: [] })).status, 400);
      const unknown = await admin('GET', '/admin/collections/nope');
      assert.equal(unknown.status, 404);
      assert.equal((unknown.body.error as { code: string }).code, 'collection_not_found');
      await assert.rejects(ask('rag/missing', 'anything'), (error: unknown) => {
        assert.ok(error instanceof OpenAI.NotFoundError);
        assert.match(error.message, /No collection "never-ingested"/);
        return true;
      });
    });

    test('deleting a collection deletes its vectors; it is gone afterwards', async (t) => {
      if (skip) return t.skip(skip);
      assert.ok(((await h.gateway.store.vectors?.count(collectionSpace('hr'))) ?? 0) > 0);
      const deleted = await admin('DELETE', '/admin/collections/hr');
      assert.equal(deleted.status, 200, JSON.stringify(deleted.body));
      assert.equal(await h.gateway.store.vectors?.count(collectionSpace('hr')), 0);
      assert.equal((await admin('GET', '/admin/collections/hr')).status, 404);
      assert.equal((await admin('DELETE', '/admin/collections/hr')).status, 404);
      await assert.rejects(ask('rag/private', 'What do engineers earn?'), OpenAI.NotFoundError);
      // Made again under the same name, it starts empty and public.
      const again = await ingest('hr', [{ source: 'holidays.txt', text: 'Everyone gets thirty days of holiday.' }]);
      assert.equal(again.body.private, false);
      assert.equal(await h.gateway.store.vectors?.count(collectionSpace('hr')), 1);
    });
  });
}

retrievalSuite('sqlite (sqlite-vec)', async () => undefined);

const schemas = testSchemas();
after(() => schemas.dropAll());
retrievalSuite('postgres (pgvector)', async () => {
  const reason = await postgresSkipReason();
  if (reason) return { skip: reason };
  return { type: 'postgres', url: TEST_DATABASE_URL, schema: schemas.create(), pool_size: 3 };
});

retrievalSuite('memory', async () => ({ type: 'memory' }));
