/**
 * The semantic cache's false-hit rate, measured honestly on the shared intent sets (../shared/data/intents:
 * banking77, clinc150). Part of `npm run bench:cache` (bench/cache.ts); runs alone as `npx tsx bench/cache-quality.ts`.
 *
 * Two measures, both at a sweep of thresholds with the default marked:
 * - Pairs: paraphrase pairs (two test texts of the same intent: should hit) against near-miss pairs (a test
 *   text and the most similar test text of another intent, by the embedder under test itself: must not hit).
 *   Hit rate = paraphrase pairs at or above the threshold; false-hit rate = near-miss pairs at or above it;
 *   precision = hits on paraphrases / all hits, over equally many pairs of each kind.
 * - Cache replay: the training texts are the cache (the embedder's IDF learned from them, as the cache
 *   learns it from the prompts it stores); each test text looks up its nearest entry. Hit rate = lookups at
 *   or above the threshold; precision = hits whose entry has the same intent (the replayed answer fits).
 */
import { seededRandom } from '../src/testing/seeded-random.js';
import type { Embedder } from '../src/vector/embedder.js';
import { LexicalEmbedder } from '../src/vector/lexical-embedder.js';
import { MemoryVectorIndex } from '../src/vector/memory-vector-index.js';
import { banking77, clincSplits } from './distill-data.js';

export interface Labelled {
  text: string;
  intent: string;
}

export interface IntentSet {
  name: string;
  train: Labelled[];
  test: Labelled[];
}

/** Banking77 and CLINC150 (in scope only), read by bench/distill-data.ts. */
export function loadIntentSets(): IntentSet[] {
  const intents = (rows: readonly { text: string; label: string }[]): Labelled[] => rows.map(({ text, label }) => ({ text, intent: label }));
  const bank = banking77();
  const clinc = clincSplits();
  const pairs = (rows: ReadonlyArray<[string, string]>): Labelled[] => rows.map(([text, intent]) => ({ text, intent }));
  return [
    { name: 'banking77', train: intents(bank.train), test: intents(bank.test) },
    { name: 'clinc150', train: pairs(clinc.train), test: pairs(clinc.test) },
  ];
}

function shuffle<T>(items: T[], random: () => number): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [items[i], items[j]] = [items[j] as T, items[i] as T];
  }
  return items;
}

function dot(a: Float32Array, b: Float32Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += (a[i] as number) * (b[i] as number);
  return s;
}

export interface QualityRow {
  threshold: number;
  pairHitRate: number;
  pairFalseHitRate: number;
  pairPrecision: number;
  replayHitRate: number;
  replayPrecision: number;
}

/** Scores of paraphrase and near-miss pairs, and the replay's nearest-entry matches, for one embedder. */
export async function measureQuality(set: IntentSet, embedder: Embedder, options: { pairs?: number; lookups?: number; seed?: number } = {}) {
  const random = seededRandom(options.seed ?? 20);
  const test = set.test;
  const testVectors = await embedder.embed(test.map((t) => t.text));
  const byIntent = new Map<string, number[]>();
  for (const [i, t] of test.entries()) byIntent.set(t.intent, [...(byIntent.get(t.intent) ?? []), i]);
  const index = new MemoryVectorIndex();
  await index.ensureSpace('test', embedder.dimensions || (testVectors[0]?.length ?? 1));
  await index.upsert(
    'test',
    testVectors.map((vector, i) => ({ id: String(i), vector })),
  );
  const n = Math.min(options.pairs ?? 1_500, test.length);
  const anchors = shuffle(
    test.map((_, i) => i),
    random,
  ).slice(0, n);
  const paraphrase: number[] = [];
  const nearMiss: number[] = [];
  for (const a of anchors) {
    const mine = (byIntent.get((test[a] as Labelled).intent) ?? []).filter((j) => j !== a);
    const b = mine[Math.floor(random() * mine.length)];
    if (b !== undefined) paraphrase.push(dot(testVectors[a] as Float32Array, testVectors[b] as Float32Array));
    const near = await index.search('test', testVectors[a] as Float32Array, 40);
    const other = near.find((m) => (test[Number(m.id)] as Labelled).intent !== (test[a] as Labelled).intent);
    if (other) nearMiss.push(other.score);
  }
  // The replay: the training texts are what the cache holds.
  const cache = new MemoryVectorIndex();
  const trainVectors = await embedder.embed(set.train.map((t) => t.text));
  await cache.ensureSpace('cache', trainVectors[0]?.length ?? 1);
  await cache.upsert(
    'cache',
    trainVectors.map((vector, i) => ({ id: String(i), vector })),
  );
  const replay: Array<{ score: number; same: boolean }> = [];
  const lookups = shuffle(
    test.map((_, i) => i),
    random,
  ).slice(0, options.lookups ?? 1_000);
  for (const i of lookups) {
    const vector = testVectors[i] as Float32Array;
    const best = (await cache.search('cache', vector, 1))[0];
    if (best) replay.push({ score: best.score, same: (set.train[Number(best.id)] as Labelled).intent === (test[i] as Labelled).intent });
  }
  return { paraphrase, nearMiss, replay };
}

export function qualityAt(scores: Awaited<ReturnType<typeof measureQuality>>, threshold: number): QualityRow {
  const tp = scores.paraphrase.filter((s) => s >= threshold).length;
  const fp = scores.nearMiss.filter((s) => s >= threshold).length;
  const hits = scores.replay.filter((r) => r.score >= threshold);
  return {
    threshold,
    pairHitRate: tp / Math.max(1, scores.paraphrase.length),
    pairFalseHitRate: fp / Math.max(1, scores.nearMiss.length),
    pairPrecision: tp + fp === 0 ? Number.NaN : tp / (tp + fp),
    replayHitRate: hits.length / Math.max(1, scores.replay.length),
    replayPrecision: hits.length === 0 ? Number.NaN : hits.filter((h) => h.same).length / hits.length,
  };
}

/** The lexical embedder as the cache would have it: IDF learned from the stored (training) texts. */
export function trainedLexical(set: IntentSet, dimensions?: number): LexicalEmbedder {
  const embedder = new LexicalEmbedder(dimensions === undefined ? {} : { dimensions });
  embedder.observe(set.train.map((t) => t.text));
  return embedder;
}

/** BENCH_LEXICAL_DIMENSIONS: the lexical embedder's sizes to measure, e.g. `256,1024` (default: 256, the default). */
export async function runQuality(thresholds: number[], defaultThreshold: number): Promise<string> {
  const lines: string[] = [];
  const sizes = (process.env.BENCH_LEXICAL_DIMENSIONS ?? '256').split(',').map(Number);
  for (const dimensions of sizes)
    for (const set of loadIntentSets()) {
      const embedder = trainedLexical(set, dimensions);
      const scores = await measureQuality(set, embedder);
      lines.push(
        `\n${set.name} (lexical ${embedder.dimensions}-d, IDF from ${set.train.length} training texts; ${scores.paraphrase.length} paraphrase + ${scores.nearMiss.length} near-miss pairs; replay: ${scores.replay.length} sampled test lookups into ${set.train.length} cached)`,
      );
      lines.push('| threshold | pair hit rate | pair false-hit rate | pair precision | replay hit rate | replay precision |');
      lines.push('|---|---|---|---|---|---|');
      for (const t of thresholds) {
        const q = qualityAt(scores, t);
        const pct = (x: number): string => (Number.isNaN(x) ? '-' : `${(100 * x).toFixed(1)}%`);
        lines.push(
          `| ${t.toFixed(2)}${t === defaultThreshold ? ' (default)' : ''} | ${pct(q.pairHitRate)} | ${pct(q.pairFalseHitRate)} | ${pct(q.pairPrecision)} | ${pct(q.replayHitRate)} | ${pct(q.replayPrecision)} |`,
        );
      }
    }
  return lines.join('\n');
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(await runQuality([0.5, 0.6, 0.7, 0.75, 0.8, 0.85, 0.9, 0.95], 0.9));
}
