/**
 * `npm run bench:embedded`: the embedded provider's generation speed against node-llama-cpp driven
 * directly with the same settings (the floor: what any wrapper of the runtime could reach).
 *
 * Models: the shipped models/stories260K.gguf, and a random-weight GGUF of about 100M parameters written by
 * the llama2.c converter (scripts/convert-llama2c-to-gguf.ts) into bench/results/ on first use. Both sides
 * run in this process on the CPU with the same threads (Tandem's choice: 1 on 2 cores), context size,
 * parallel sequences, greedy sampling, prompt tokens (the adapter's chat formatting) and output budget, and
 * both detokenize every token. Rounds alternate floor and Tandem so machine noise hits both.
 *
 * For concurrency 1 and 4 it reports time to first token (p50) and tokens/s (all output tokens of the
 * concurrent requests over the wall time from the first request to the last token), and Tandem's share of
 * the floor's tokens/s (issue 22's target: ≥ 90%).
 *   BENCH_EMBEDDED_ROUNDS (30 on stories260K, 3 on the 100M model), BENCH_EMBEDDED_TOKENS (output tokens per
 *   request: 200 on stories260K, 48 on the 100M model), BENCH_EMBEDDED_MODELS ("stories260K,random-100m").
 * The toy model makes a token in under a millisecond, so it needs many rounds: 3 rounds of one 96-token
 * request measured ~150 ms per side, and its c=1 share swung between 68% and 95% from run to run.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import type { LlamaContextSequence, LlamaModel, Token } from 'node-llama-cpp';
import { writeRandomGguf } from '../scripts/convert-llama2c-to-gguf.js';
import { embeddedModelSchema } from '../src/config/schema.js';
import { createEmbeddedAdapter } from '../src/providers/embedded/embedded-adapter.js';
import { createPromptFormatter } from '../src/providers/embedded/embedded-prompt.js';
import { resolveThreads } from '../src/providers/embedded/resolve-threads.js';
import type { ChatRequest } from '../src/spec/chat-request.js';
import { quantile } from './bench-load.js';

const MODELS = (process.env.BENCH_EMBEDDED_MODELS ?? 'stories260K,random-100m').split(',').map((m) => m.trim());
const CONTEXT = 512;
const PARALLEL = 4;
const THREADS = resolveThreads(0) ?? 1;

/** About 100M parameters: 12 layers of width 768 (85M) plus a 32,000-token embedding (25M), float32. */
const RANDOM_100M = { dim: 768, hiddenDim: 2048, nLayers: 12, nHeads: 12, nKvHeads: 12, vocabSize: 32000, seqLen: CONTEXT };

interface ModelCase {
  name: string;
  path: string;
  tokens: number;
  rounds: number;
}

const envNumber = (name: string): number | undefined => (process.env[name] === undefined ? undefined : Number(process.env[name]));

async function modelCases(): Promise<ModelCase[]> {
  const cases: ModelCase[] = [];
  for (const name of MODELS) {
    if (name === 'stories260K')
      cases.push({
        name,
        path: resolve('models/stories260K.gguf'),
        tokens: envNumber('BENCH_EMBEDDED_TOKENS') ?? 200,
        rounds: envNumber('BENCH_EMBEDDED_ROUNDS') ?? 30,
      });
    else if (name === 'random-100m') {
      const path = resolve('bench/results/random-100m.gguf');
      if (!existsSync(path)) {
        mkdirSync('bench/results', { recursive: true });
        console.log('writing bench/results/random-100m.gguf (first run only)');
        await writeRandomGguf({ outPath: path, dims: RANDOM_100M, seed: 7 });
      }
      cases.push({ name, path, tokens: envNumber('BENCH_EMBEDDED_TOKENS') ?? 48, rounds: envNumber('BENCH_EMBEDDED_ROUNDS') ?? 3 });
    } else throw new Error(`unknown model ${name}: stories260K or random-100m`);
  }
  return cases;
}

interface Run {
  ttft: number[];
  tokens: number;
  seconds: number;
}

const prompts = (round: number, count: number): string[] =>
  Array.from({ length: count }, (_, i) => `Once upon a time, in story number ${round * 10 + i}, a little fox`);

/** Tandem's side: the provider adapter the gateway calls, streaming as a client's request would. */
async function tandemRun(adapter: ReturnType<typeof createEmbeddedAdapter>, texts: string[], maxTokens: number): Promise<Run> {
  const started = performance.now();
  const ttft: number[] = [];
  let tokens = 0;
  await Promise.all(
    texts.map(async (content, i) => {
      const request: ChatRequest = {
        model: 'bench',
        messages: [{ role: 'user', content }],
        stream: true,
        includeUsage: true,
        params: { temperature: 0, max_tokens: maxTokens },
        extra: {},
      };
      const ctx = { signal: new AbortController().signal, requestId: `bench-${i}`, warn: () => undefined, requestStreamUsage: true };
      let first = true;
      for await (const part of adapter.stream(request, ctx)) {
        if (part.type === 'text-delta' && first) {
          ttft.push(performance.now() - started);
          first = false;
        }
        if (part.type === 'finish') tokens += part.usage?.outputTokens ?? 0;
        if (part.type === 'error') throw part.error;
      }
    }),
  );
  return { ttft, tokens, seconds: (performance.now() - started) / 1000 };
}

interface Floor {
  model: LlamaModel;
  sequences: LlamaContextSequence[];
  format: (text: string) => Token[];
}

/** The floor's side: one sequence per request, evaluate() with the same sampling, detokenizing as it goes. */
async function floorRun(floor: Floor, texts: string[], maxTokens: number): Promise<Run> {
  const started = performance.now();
  const ttft: number[] = [];
  let tokens = 0;
  await Promise.all(
    texts.map(async (text, i) => {
      const sequence = floor.sequences[i]!;
      await sequence.clearHistory();
      let generated = 0;
      for await (const token of sequence.evaluate(floor.format(text), { temperature: 0, topK: 0, yieldEogToken: true })) {
        if (floor.model.isEogToken(token)) break;
        floor.model.detokenize([token]);
        if (generated === 0) ttft.push(performance.now() - started);
        generated++;
        if (generated >= maxTokens) break;
      }
      tokens += generated;
    }),
  );
  return { ttft, tokens, seconds: (performance.now() - started) / 1000 };
}

function summary(runs: Run[]): { ttftP50: number; tokensPerSecond: number; tokens: number } {
  const tokens = runs.reduce((s, r) => s + r.tokens, 0);
  const seconds = runs.reduce((s, r) => s + r.seconds, 0);
  return {
    ttftP50: quantile(
      runs.flatMap((r) => r.ttft),
      0.5,
    ),
    tokensPerSecond: tokens / seconds,
    tokens,
  };
}

console.log(
  `${new Date().toISOString()}  node ${process.version}  ${cpus().length} cores  load average ${loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}  threads ${THREADS}  context ${CONTEXT}  parallel ${PARALLEL}`,
);
const lib = await import('node-llama-cpp');
const llama = await lib.getLlama({ gpu: false, build: 'never', skipDownload: true, progressLogs: false, logLevel: lib.LlamaLogLevel.error });
const rows: string[] = [];
for (const model of await modelCases()) {
  const config = embeddedModelSchema.parse({
    provider: 'embedded',
    path: model.path,
    locality: 'local',
    context_window: CONTEXT,
    parallel: PARALLEL,
  });
  const adapter = createEmbeddedAdapter({ name: 'bench', config, baseDir: process.cwd() });
  const floorModel = await llama.loadModel({ modelPath: model.path });
  const context = await floorModel.createContext({ contextSize: CONTEXT, sequences: PARALLEL, threads: THREADS });
  const formatter = createPromptFormatter(lib, floorModel);
  const floor: Floor = {
    model: floorModel,
    sequences: Array.from({ length: PARALLEL }, () => context.getSequence()),
    format: (text) => formatter.format([{ role: 'user', content: text }], () => undefined).tokens,
  };
  // Warm-up: loads the adapter's model and touches every page of both.
  await tandemRun(adapter, prompts(99, 1), 8);
  await floorRun(floor, prompts(99, 1), 8);
  for (const concurrency of [1, PARALLEL]) {
    const tandemRuns: Run[] = [];
    const floorRuns: Run[] = [];
    for (let round = 0; round < model.rounds; round++) {
      floorRuns.push(await floorRun(floor, prompts(round, concurrency), model.tokens));
      tandemRuns.push(await tandemRun(adapter, prompts(round, concurrency), model.tokens));
    }
    const t = summary(tandemRuns);
    const f = summary(floorRuns);
    const share = (100 * t.tokensPerSecond) / f.tokensPerSecond;
    rows.push(
      `| ${model.name} | ${concurrency} | ${f.ttftP50.toFixed(1)} | ${t.ttftP50.toFixed(1)} | ${f.tokensPerSecond.toFixed(1)} | ${t.tokensPerSecond.toFixed(1)} | ${share.toFixed(1)}% ${share >= 90 ? '(met)' : '(MISSED)'} | ${f.tokens} / ${t.tokens} |`,
    );
    console.log(rows.at(-1));
  }
  await adapter.close?.();
  await context.dispose();
  await floorModel.dispose();
}
console.log(
  '\n| model | concurrency | floor TTFT p50 ms | Tandem TTFT p50 ms | floor tokens/s | Tandem tokens/s | Tandem / floor (target ≥ 90%) | tokens floor / Tandem |',
);
console.log('|---|---|---|---|---|---|---|---|');
for (const row of rows) console.log(row);
console.log(`\nmodels: ${join('models', 'stories260K.gguf')} (shipped); random-100m: ${JSON.stringify(RANDOM_100M)}`);
