/**
 * `npm run bench:cache` (after `npm run build`): what the answer cache costs and what it is worth
 * (docs/caching.md). Three parts, each selectable with BENCH_CACHE_PARTS (default `latency,lookup,quality`):
 *
 * - latency: added latency at concurrency 1 of an exact hit and a semantic hit against the bare proxy and
 *   the fake upstream directly, as `npm run bench` runs them (each server its own process from compiled
 *   JavaScript; interleaved rounds). Tandem serves the bench route without a cache (a miss path for
 *   reference), with an exact cache (every request after the first hits) and with the semantic layer (each
 *   request's text differs in letter case only, so the exact key misses and the lexical embedding hits).
 *   BENCH_LATENCY_REQUESTS (3000).
 * - lookup: one semantic lookup (embed the query with the lexical embedder + nearest of k=4 in one space)
 *   at 10k and 100k entries, on every VectorIndex backend: memory (exact scan), SQLite with sqlite-vec
 *   (exact scan in the store's file), PostgreSQL with pgvector (HNSW, and the same table scanned exactly
 *   with index scans off). Entries are real prompts (the intent sets' texts, and pairs of them joined past
 *   the ~32k distinct ones). BENCH_LOOKUP_SIZES (10000,100000), BENCH_LOOKUP_QUERIES (200),
 *   BENCH_LOOKUP_BACKENDS (memory,sqlite,postgres). For pgvector it also prints the plan and HNSW's recall@4.
 *   Memory and SQLite are measured twice: without minScore (always the exact scan) and as the semantic cache
 *   searches, with minScore = the default threshold (binary-quantised coarse pass + exact rescoring at scale).
 * - quality: bench/cache-quality.ts, precision and hit rate on paraphrase vs near-miss pairs of banking77
 *   and clinc150, at a sweep of thresholds, the default marked.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import type { Pool } from 'undici';
import { semanticCacheSchema } from '../src/cache/cache-schema.js';
import { postgresSkipReason, TEST_DATABASE_URL } from '../src/store/postgres/postgres-test-database.js';
import { useQuantised } from '../src/vector/binary-quantisation.js';
import { LexicalEmbedder } from '../src/vector/lexical-embedder.js';
import { MemoryVectorIndex } from '../src/vector/memory-vector-index.js';
import { PostgresVectorIndex } from '../src/vector/postgres-vector-index.js';
import { SqliteVectorIndex } from '../src/vector/sqlite-vector-index.js';
import type { VectorIndex } from '../src/vector/vector-index.js';
import { interleavedLatencies, quantile } from './bench-load.js';
import { compileBenchServers, spawnServer, stopAll, type Target } from './bench-processes.js';
import { loadIntentSets, runQuality } from './cache-quality.js';
import { BENCH_ROUTE, BENCH_ROUTE_POLICIES, benchConfigYaml } from './servers/bench-config.js';

const PARTS = new Set((process.env.BENCH_CACHE_PARTS ?? 'latency,lookup,quality').split(','));
const LATENCY_REQUESTS = Number(process.env.BENCH_LATENCY_REQUESTS ?? 3_000);
const LOOKUP_SIZES = (process.env.BENCH_LOOKUP_SIZES ?? '10000,100000').split(',').map(Number);
const LOOKUP_QUERIES = Number(process.env.BENCH_LOOKUP_QUERIES ?? 200);
/** Which backends the lookup part measures (default all): memory, sqlite, postgres. */
const LOOKUP_BACKENDS = new Set((process.env.BENCH_LOOKUP_BACKENDS ?? 'memory,sqlite,postgres').split(','));
const DEFAULT_THRESHOLD = semanticCacheSchema.parse({}).threshold;

console.log(
  `${new Date().toISOString()}  node ${process.version}  load average ${loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}`,
);

if (PARTS.has('latency')) await latencyPart();
if (PARTS.has('lookup')) await lookupPart();
if (PARTS.has('quality')) {
  console.log('\n## Semantic cache quality (lexical embedder)');
  console.log(await runQuality([0.6, 0.7, 0.75, 0.8, 0.85, 0.9, 0.95], DEFAULT_THRESHOLD));
}

async function latencyPart(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'tandem-bench-cache-'));
  const servers = compileBenchServers();
  const upstream = await spawnServer('upstream', [join(servers, 'upstream-server.js')]);
  const route = (name: string, cache: string): string => `
  ${name}:
    models: [small, large]
    policies: ${BENCH_ROUTE_POLICIES}
    router: { type: scored, small: small, large: large, threshold: 0.5 }
    cache: ${cache}
`;
  const config =
    benchConfigYaml({ upstreamUrl: upstream.origin, dbPath: join(dir, 'bench.db') }) +
    route('tandem/exact', '{ shared: true }') +
    route('tandem/semantic', '{ shared: true, semantic: {} }');
  const configPath = join(dir, 'tandem.yaml');
  writeFileSync(configPath, config);
  const proxy = await spawnServer('bare proxy', [join(servers, 'bare-proxy.js'), upstream.origin]);
  const tandem = await spawnServer('tandem (no cache)', ['dist/cli/main.js', 'serve', '--config', configPath, '--port', '0']);
  const exact: Target = { ...tandem, name: 'tandem exact hit' };
  const semantic: Target = { ...tandem, name: 'tandem semantic hit' };
  const question = 'What is the answer to life, the universe and everything? Answer briefly.';
  const body = (model: string, content: string): string =>
    JSON.stringify({
      model,
      messages: [
        { role: 'system', content: 'You are a helpful assistant.' },
        { role: 'user', content },
      ],
      max_tokens: 64,
    });
  let variant = 0;
  /** The question with its letters' case set by the bits of a counter: a new exact key, the same words. */
  const recased = (): string => {
    const n = ++variant;
    let bit = 0;
    return question.replace(/[a-z]/gi, (ch) => (((n >> (bit++ % 30)) & 1) === 1 ? ch.toUpperCase() : ch.toLowerCase()));
  };
  const post =
    (bodyOf: () => string, expect?: string) =>
    async (pool: Pool): Promise<number> => {
      const started = performance.now();
      const res = await pool.request({ method: 'POST', path: '/v1/chat/completions', headers: { 'content-type': 'application/json' }, body: bodyOf() });
      await res.body.arrayBuffer();
      if (res.statusCode !== 200) throw new Error(`status ${res.statusCode}`);
      if (expect !== undefined && res.headers['x-tandem-cache'] !== expect && variant > 1)
        throw new Error(`x-tandem-cache ${String(res.headers['x-tandem-cache'])}, not ${expect}`);
      return performance.now() - started;
    };
  const plain = body(BENCH_ROUTE, question);
  const exactBody = body('tandem/exact', question);
  const senders = new Map([
    ['upstream', post(() => plain)],
    ['bare proxy', post(() => plain)],
    ['tandem (no cache)', post(() => plain)],
    ['tandem exact hit', post(() => exactBody)],
    ['tandem semantic hit', post(() => body('tandem/semantic', recased()), 'hit')],
  ]);
  try {
    const targets = [upstream, proxy, tandem, exact, semantic];
    const results = await interleavedLatencies(targets, senders, { count: LATENCY_REQUESTS, rounds: 3 });
    const proxyP50 = quantile(results['bare proxy']?.latencies ?? [], 0.5);
    const proxyP99 = quantile(results['bare proxy']?.latencies ?? [], 0.99);
    console.log(`\n## Added latency of a cache hit (c=1, ${LATENCY_REQUESTS} requests per target)`);
    console.log('| target | p50 ms | p99 ms | p50 vs bare proxy ms | p99 vs bare proxy ms | CPU µs/req |');
    console.log('|---|---|---|---|---|---|');
    for (const t of targets) {
      const l = results[t.name]?.latencies ?? [];
      const p50 = quantile(l, 0.5);
      const p99 = quantile(l, 0.99);
      console.log(
        `| ${t.name} | ${p50.toFixed(3)} | ${p99.toFixed(3)} | ${t === proxy ? '-' : (p50 - proxyP50).toFixed(3)} | ${t === proxy ? '-' : (p99 - proxyP99).toFixed(3)} | ${(results[t.name]?.cpuPerRequest ?? Number.NaN).toFixed(0)} |`,
      );
    }
  } finally {
    await stopAll([tandem, proxy, upstream]);
    rmSync(dir, { recursive: true, force: true });
  }
}

/** `count` distinct real prompts: the intent sets' texts, then pairs of them. */
function prompts(count: number): string[] {
  const texts = [...new Set(loadIntentSets().flatMap((s) => [...s.train, ...s.test].map((t) => t.text)))];
  const out = texts.slice(0, count);
  for (let i = 0; out.length < count; i++) out.push(`${texts[i % texts.length]} ${texts[(i * 7919 + 13) % texts.length]}`);
  return out;
}

async function lookupPart(): Promise<void> {
  const max = Math.max(...LOOKUP_SIZES);
  const texts = prompts(max + LOOKUP_QUERIES);
  const embedder = new LexicalEmbedder();
  embedder.observe(texts.slice(0, max));
  const vectors = await embedder.embed(texts.slice(0, max));
  const queryTexts = texts.slice(max);
  const dir = mkdtempSync(join(tmpdir(), 'tandem-bench-lookup-'));
  const backends: Array<{ name: string; open: () => Promise<{ index: VectorIndex; close(): Promise<void>; exact?: (on: boolean) => Promise<void> }> }> = [
    { name: 'memory (exact scan)', open: async () => ({ index: new MemoryVectorIndex(), close: async () => {} }) },
    {
      name: 'SQLite + sqlite-vec (exact scan)',
      open: async () => {
        const db = new Database(join(dir, `lookup-${Math.random().toString(36).slice(2)}.db`));
        db.pragma('journal_mode = WAL');
        return { index: new SqliteVectorIndex(db), close: async () => void db.close() };
      },
    },
  ];
  const pgSkip = LOOKUP_BACKENDS.has('postgres') ? await postgresSkipReason() : 'not asked for';
  if (pgSkip) console.log(`(pgvector skipped: ${pgSkip})`);
  else
    backends.push({
      name: 'PostgreSQL + pgvector',
      open: async () => {
        const schema = `bench_cache_${Math.random().toString(36).slice(2, 10)}`;
        const pool = new pg.Pool({ connectionString: TEST_DATABASE_URL, max: 2, options: `-c search_path=${schema}` });
        const db = new Kysely<unknown>({ dialect: new PostgresDialect({ pool }) });
        await sql.raw(`create schema ${schema}`).execute(db);
        return {
          index: new PostgresVectorIndex(db),
          async close() {
            await sql.raw(`drop schema ${schema} cascade`).execute(db);
            await db.destroy();
          },
        };
      },
    });
  const plans: string[] = [];
  console.log(`\n## Semantic lookup time (lexical ${embedder.dimensions}-d embed + k=4 search in one space; ${LOOKUP_QUERIES} queries)`);
  // CPU ms: this process's CPU time per lookup (robust to a busy machine; for pgvector only the client's
  // side, the search runs in the server).
  console.log('| backend | entries | p50 ms | p99 ms | CPU ms/lookup | load s |');
  console.log('|---|---|---|---|---|---|');
  const wanted = backends.filter((b) => LOOKUP_BACKENDS.has(b.name.startsWith('memory') ? 'memory' : b.name.startsWith('SQLite') ? 'sqlite' : 'postgres'));
  for (const backend of wanted) {
    for (const size of LOOKUP_SIZES) {
      const opened = await backend.open();
      try {
        const loadStarted = performance.now();
        await opened.index.ensureSpace('cache', embedder.dimensions);
        for (let at = 0; at < size; at += 2_000)
          await opened.index.upsert(
            'cache',
            vectors.slice(at, Math.min(size, at + 2_000)).map((vector, i) => ({ id: `e${at + i}`, vector })),
          );
        const loadS = (performance.now() - loadStarted) / 1000;
        let cpuUs = 0;
        let minScore: number | undefined;
        const measure = async (): Promise<number[]> => {
          const times: number[] = [];
          cpuUs = 0;
          for (const [i, text] of queryTexts.entries()) {
            const cpu = process.cpuUsage();
            const started = performance.now();
            const [q] = await embedder.embed([text]);
            await opened.index.search('cache', q as Float32Array, 4, minScore === undefined ? {} : { minScore });
            if (i < 10) continue;
            times.push(performance.now() - started);
            const used = process.cpuUsage(cpu);
            cpuUs += used.user + used.system;
          }
          return times;
        };
        const times = await measure();
        const cpuMs = (): string => (cpuUs / 1000 / Math.max(1, queryTexts.length - 10)).toFixed(2);
        const label = backend.name === 'PostgreSQL + pgvector' ? `${backend.name} (HNSW)` : backend.name;
        console.log(`| ${label} | ${size} | ${quantile(times, 0.5).toFixed(2)} | ${quantile(times, 0.99).toFixed(2)} | ${cpuMs()} | ${loadS.toFixed(1)} |`);
        if (backend.name !== 'PostgreSQL + pgvector') {
          // As the semantic cache searches (k=4 with minScore = its threshold): large spaces take the
          // binary-quantised pass (src/vector/binary-quantisation.ts).
          minScore = DEFAULT_THRESHOLD;
          const cacheTimes = await measure();
          minScore = undefined;
          const mode = useQuantised(size, embedder.dimensions, DEFAULT_THRESHOLD) ? 'quantised + rescore' : 'exact';
          console.log(
            `| ${backend.name.replace(/ \(exact scan\)$/, '')} (minScore ${DEFAULT_THRESHOLD}: ${mode}) | ${size} | ${quantile(cacheTimes, 0.5).toFixed(2)} | ${quantile(cacheTimes, 0.99).toFixed(2)} | ${cpuMs()} | - |`,
          );
        }
        if (backend.name === 'PostgreSQL + pgvector') {
          // The same table, scanned exactly: the planner may not use the HNSW index.
          const pgIndex = opened.index as PostgresVectorIndex;
          const [probe] = await embedder.embed([queryTexts[0] ?? '']);
          const plan = await pgIndex.explainSearch('cache', probe as Float32Array, 4);
          const exactTimes = await pgIndex.withExactScan(measure);
          const exactPlan = await pgIndex.withExactScan(() => pgIndex.explainSearch('cache', probe as Float32Array, 4));
          console.log(
            `| ${backend.name} (exact scan) | ${size} | ${quantile(exactTimes, 0.5).toFixed(2)} | ${quantile(exactTimes, 0.99).toFixed(2)} | ${cpuMs()} | - |`,
          );
          // HNSW's recall: how many of the exact top 4 it returned, over the first 100 queries.
          let found = 0;
          let total = 0;
          for (const text of queryTexts.slice(0, 100)) {
            const [q] = await embedder.embed([text]);
            const approximate = new Set((await pgIndex.search('cache', q as Float32Array, 4)).map((m) => m.id));
            const exactIds = await pgIndex.withExactScan(() => pgIndex.search('cache', q as Float32Array, 4));
            total += exactIds.length;
            found += exactIds.filter((m) => approximate.has(m.id)).length;
          }
          plans.push(
            `${size} entries: default plan ${scanOf(plan)}, recall@4 ${((100 * found) / Math.max(1, total)).toFixed(1)}%; exact: ${scanOf(exactPlan)}`,
          );
        }
      } finally {
        await opened.close();
      }
    }
  }
  rmSync(dir, { recursive: true, force: true });
  if (plans.length > 0) console.log(`pgvector plans: ${plans.join('; ')}`);
}

/** The scan node of an EXPLAIN: which index (if any) served the search. */
function scanOf(plan: string): string {
  return /(Index Scan using \S+|Seq Scan on \S+|Bitmap Heap Scan on \S+|Index Only Scan using \S+)/.exec(plan)?.[1] ?? plan.split('\n')[0] ?? '';
}
