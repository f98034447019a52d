/**
 * `npm run bench:ingest`: retrieval collections (docs/retrieval.md) on real text, banking77's queries
 * (../shared/data/intents, CC BY 4.0). Each of the 77 intents becomes one help article: a title and its
 * training queries as paragraphs; its held-out test queries are the questions.
 *
 * Measures, per store (memory; SQLite with sqlite-vec; PostgreSQL with pgvector when it is reachable):
 * - ingest throughput: chunks read, chunked, embedded (built-in lexical embedder) and stored per second,
 *   the whole corpus in one call, best of `RUNS` runs into a fresh collection;
 * - retrieval latency: one question end to end (embed, vector search, chunk texts), p50 and p95;
 * - retrieval quality (the same on every store): hit@1 and hit@4, the share of test questions whose best
 *   (or any of the best four) chunks come from their own intent's article, at min_score 0.
 *
 * A last row ingests into SQLite through a configured embeddings model instead: an OpenAI-compatible
 * `/v1/embeddings` on loopback that answers at once (a hashed bag of words, 256 dimensions), so it shows
 * what Tandem adds on that path (batches of 64, HTTP, JSON); a real model's own time comes on top. Its
 * hit rates say nothing about real models.
 *
 * Options: --questions N (default 500), --runs N (default 3), --stores memory,sqlite,postgres,model.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { configSchema } from '../src/config/schema.js';
import { createProviderAdapter } from '../src/providers/create-provider-adapter.js';
import { modelInfoFromConfig } from '../src/providers/model-info-from-config.js';
import { startFakeUpstream } from '../src/providers/testing/fake-upstream.js';
import { CollectionService, type IngestFile, type RetrievalDeps } from '../src/retrieval/collection-service.js';
import { routeRetrievalSchema } from '../src/retrieval/retrieval-schema.js';
import { createMemoryStore } from '../src/store/memory/memory-store.js';
import { openPostgresStore } from '../src/store/postgres/postgres-store.js';
import { postgresSkipReason, TEST_DATABASE_URL, testSchemas } from '../src/store/postgres/postgres-test-database.js';
import type { Store } from '../src/store/request-log.js';
import { openSqliteStore } from '../src/store/sqlite/sqlite-store.js';
import { seededRandom } from '../src/testing/seeded-random.js';
import { banking77 } from './distill-data.js';

const { values } = parseArgs({
  options: {
    questions: { type: 'string', default: '500' },
    runs: { type: 'string', default: '3' },
    stores: { type: 'string', default: 'memory,sqlite,postgres,model' },
  },
});
const QUESTIONS = Number(values.questions);
const RUNS = Number(values.runs);

const { train, test } = banking77();
const byIntent = new Map<string, string[]>();
for (const row of train) byIntent.set(row.label, [...(byIntent.get(row.label) ?? []), row.text]);
const files: IngestFile[] = [...byIntent].map(([intent, texts]) => ({
  source: `${intent}.md`,
  bytes: new TextEncoder().encode(`# ${intent.replaceAll('_', ' ')}\n\n${texts.join('\n\n')}\n`),
}));
const random = seededRandom(7);
const questions = [...test].sort(() => random() - 0.5).slice(0, QUESTIONS);

interface Row {
  store: string;
  chunks: number;
  chunksPerSecond: number;
  p50Ms: number;
  p95Ms: number;
  hit1: number;
  hit4: number;
}

async function measure(
  name: string,
  open: () => Promise<Store>,
  model?: { config: RetrievalDeps['config']; adapters: RetrievalDeps['adapters'] },
): Promise<Row> {
  const deps = (store: Store): RetrievalDeps => ({ config: model?.config ?? { collections: {} }, store, adapters: model?.adapters ?? new Map() });
  let best = Number.POSITIVE_INFINITY;
  let chunks = 0;
  let store: Store | undefined;
  for (let run = 0; run < RUNS; run++) {
    await store?.close();
    store = await open();
    const service = new CollectionService(deps(store));
    const report = await service.ingest('banking', files);
    chunks = report.chunks;
    best = Math.min(best, report.ms);
  }
  if (!store) throw new Error('no run');
  const service = new CollectionService(deps(store));
  const config = routeRetrievalSchema.parse({ collection: 'banking', top_k: 4, min_score: 0 });
  const times: number[] = [];
  let hit1 = 0;
  let hit4 = 0;
  for (const q of questions) {
    const started = performance.now();
    const found = await service.retrieve(config, q.text);
    times.push(performance.now() - started);
    const sources = found.chunks.map((c) => c.source);
    if (sources[0] === `${q.label}.md`) hit1++;
    if (sources.includes(`${q.label}.md`)) hit4++;
  }
  await store.close();
  times.sort((a, b) => a - b);
  const at = (p: number): number => times[Math.min(times.length - 1, Math.floor(p * times.length))] as number;
  return {
    store: name,
    chunks,
    chunksPerSecond: Math.round((chunks / best) * 1000),
    p50Ms: at(0.5),
    p95Ms: at(0.95),
    hit1: hit1 / questions.length,
    hit4: hit4 / questions.length,
  };
}

/** 256 buckets of hashed lower-case words: an instant stand-in for a model's embedding. */
function hashedBag(text: string): number[] {
  const v = new Array<number>(256).fill(0);
  for (const word of text.toLowerCase().match(/[a-z0-9]+/g) ?? []) {
    let h = 2166136261;
    for (let i = 0; i < word.length; i++) h = Math.imul(h ^ word.charCodeAt(i), 16777619) >>> 0;
    v[h % 256] = (v[h % 256] ?? 0) + 1;
  }
  return v;
}

const rows: Row[] = [];
const wanted = new Set(values.stores.split(','));
const dir = mkdtempSync(join(tmpdir(), 'tandem-bench-ingest-'));
const schemas = testSchemas();
try {
  let n = 0;
  if (wanted.has('memory')) rows.push(await measure('memory', async () => createMemoryStore({ logBodies: false })));
  if (wanted.has('sqlite')) rows.push(await measure('sqlite (sqlite-vec)', () => openSqliteStore({ path: join(dir, `bench-${n++}.db`), logBodies: false })));
  if (wanted.has('postgres')) {
    const skip = await postgresSkipReason();
    if (skip) process.stderr.write(`postgres skipped: ${skip}\n`);
    else
      rows.push(
        await measure('postgres (pgvector)', () => openPostgresStore({ url: TEST_DATABASE_URL, schema: schemas.create(), poolSize: 3, logBodies: false })),
      );
  }
  if (wanted.has('model')) {
    const upstream = await startFakeUpstream({
      '/v1/embeddings': (recorded) => {
        const input = (recorded.json as { input: string[] }).input;
        return {
          body: {
            object: 'list',
            model: 'bag',
            data: input.map((t, index) => ({ object: 'embedding', index, embedding: hashedBag(t) })),
            usage: { prompt_tokens: 1, total_tokens: 1 },
          },
        };
      },
    });
    upstream.recordRequests = false;
    const parsed = configSchema.parse({
      models: { bag: { provider: 'openai-compatible', base_url: `${upstream.url}/v1`, locality: 'local', capabilities: { embeddings: true } } },
      collections: { banking: { embeddings_model: 'bag' } },
    });
    const modelConfig = parsed.models.bag;
    if (!modelConfig) throw new Error('no model');
    const adapter = await createProviderAdapter({ name: 'bag', config: modelConfig, info: modelInfoFromConfig('bag', modelConfig), baseDir: dir });
    try {
      rows.push(
        await measure('sqlite + embeddings model (loopback)', () => openSqliteStore({ path: join(dir, `bench-${n++}.db`), logBodies: false }), {
          config: parsed,
          adapters: new Map([['bag', adapter]]),
        }),
      );
    } finally {
      await adapter.close();
      await upstream.close();
    }
  }
} finally {
  await schemas.dropAll();
  rmSync(dir, { recursive: true, force: true });
}

const chars = files.reduce((sum, f) => sum + f.bytes.length, 0);
process.stdout.write(
  `banking77: ${files.length} articles, ${(chars / 1024).toFixed(0)} KiB, ${questions.length} questions; built-in lexical embedder unless named; best of ${RUNS} ingests\n\n`,
);
process.stdout.write('| store | chunks | ingest chunks/s | retrieve p50 ms | retrieve p95 ms | hit@1 | hit@4 |\n|---|---|---|---|---|---|---|\n');
for (const r of rows) {
  process.stdout.write(
    `| ${r.store} | ${r.chunks} | ${r.chunksPerSecond} | ${r.p50Ms.toFixed(2)} | ${r.p95Ms.toFixed(2)} | ${(r.hit1 * 100).toFixed(1)}% | ${(r.hit4 * 100).toFixed(1)}% |\n`,
  );
}
