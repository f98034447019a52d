/**
 * `npm run bench:routing`: reproduces every routing-quality figure in docs/routing-quality.md.
 * - MMLU (14,037 prompts): 5 random splits, train on 1,500, test on the other 12,537.
 * - GSM8K (1,307 prompts): 5-fold cross-validation (every prompt scored out of fold), repeated 5 times.
 * - Scoring latency per prompt (median, one core, after warm-up) and training time on 1,500 prompts.
 * Needs ../shared/data/routellm (or ROUTELLM_DIR). Writes bench/results/routing-quality.json and HTML reports.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { verifierFromArtifact, trainVerifierArtifact } from '../src/quality/cascade-verifier.js';
import { DEFAULT_ROUTELLM_DIR } from '../src/quality/datasets/load-eval-dataset.js';
import type { LabelledDataset } from '../src/quality/datasets/labelled-dataset.js';
import { modelAccuracy } from '../src/quality/datasets/labelled-dataset.js';
import { loadRouteLlmGsm8k, loadRouteLlmMmlu, ROUTELLM_EXPECTED } from '../src/quality/datasets/routellm-dataset.js';
import { priceCostModel } from '../src/quality/eval/cost-model.js';
import { formatReportTable, renderHtmlReport, type EvalReport } from '../src/quality/eval/eval-report.js';
import { evalRouter } from '../src/quality/eval/eval-routers.js';
import { runProtocol } from '../src/quality/eval/evaluation-protocol.js';
import { progressLine } from '../src/quality/eval/progress-line.js';
import { PUBLISHED_ROUTELLM } from '../src/quality/eval/published-results.js';
import { LearnedScorer } from '../src/quality/learned-scorer.js';
import { shuffledIndices } from '../src/quality/model/fit-with-inner-cv.js';
import { trainRouterArtifact } from '../src/quality/train-learned-scorer.js';

const dataDir = process.env['ROUTELLM_DIR'] ?? DEFAULT_ROUTELLM_DIR;
const outDir = join('bench', 'results');

function assertBenchmark(dataset: LabelledDataset): void {
  const expected = ROUTELLM_EXPECTED[dataset.name as keyof typeof ROUTELLM_EXPECTED];
  const weak = modelAccuracy(dataset.examples, 'weak');
  const strong = modelAccuracy(dataset.examples, 'strong');
  if (dataset.examples.length !== expected.n || Math.abs(weak - expected.weak) > 0.005 || Math.abs(strong - expected.strong) > 0.005) {
    throw new Error(
      `${dataset.name}: n=${dataset.examples.length} weak=${weak.toFixed(2)} strong=${strong.toFixed(2)}, expected ${JSON.stringify(expected)}`,
    );
  }
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? Number.NaN;
}

/** Median microseconds per call of `fn` over `inputs`, after one warm-up pass. */
function latencyMicros<T>(inputs: readonly T[], fn: (x: T) => number): number {
  let sink = 0;
  for (const x of inputs) sink += fn(x);
  const times: number[] = [];
  for (const x of inputs) {
    const t = process.hrtime.bigint();
    sink += fn(x);
    times.push(Number(process.hrtime.bigint() - t) / 1000);
  }
  if (!Number.isFinite(sink)) throw new Error('non-finite score');
  return median(times);
}

async function evaluate(dataset: LabelledDataset, routers: string[], kind: 'splits' | 'cv'): Promise<EvalReport> {
  const result = runProtocol({
    examples: dataset.examples,
    routers: await Promise.all(routers.map((r) => evalRouter(r, { dataset: dataset.name }))),
    kind,
    repeats: 5,
    maxTrain: 1500,
    folds: 5,
    seed: 1,
    costs: priceCostModel(),
    onProgress: progressLine(process.stderr),
  });
  const published = PUBLISHED_ROUTELLM[dataset.name];
  const report: EvalReport = {
    dataset: dataset.name,
    n: dataset.examples.length,
    weakModel: dataset.weakModel,
    strongModel: dataset.strongModel,
    createdAt: new Date().toISOString(),
    ...result,
    ...(published ? { published } : {}),
  };
  console.log(`\n${formatReportTable(report)}\n`);
  await writeFile(join(outDir, `eval-${dataset.name}.json`), `${JSON.stringify(report, null, 2)}\n`);
  await writeFile(join(outDir, `eval-${dataset.name}.html`), renderHtmlReport(report));
  return report;
}

await mkdir(outDir, { recursive: true });
const mmlu = await loadRouteLlmMmlu(dataDir);
const gsm8k = await loadRouteLlmGsm8k(dataDir);
assertBenchmark(mmlu);
assertBenchmark(gsm8k);

const mmluReport = await evaluate(mmlu, ['learned', 'length'], 'splits');
const gsmReport = await evaluate(gsm8k, ['learned', 'cascade', 'cascade-builtin', 'length'], 'cv');

// Speed: train on 1,500 MMLU prompts (three times) and time scoring of the held-out prompts.
const trainTimes: number[] = [];
let scorer: LearnedScorer | undefined;
for (let seed = 1; seed <= 3; seed++) {
  const order = shuffledIndices(mmlu.examples.length, seed);
  const train = order.slice(0, 1500).map((i) => mmlu.examples[i] as (typeof mmlu.examples)[number]);
  const started = performance.now();
  scorer = new LearnedScorer(trainRouterArtifact({ examples: train, dataset: mmlu.name }));
  trainTimes.push(performance.now() - started);
}
const heldOut = shuffledIndices(mmlu.examples.length, 3).slice(1500, 6500).map((i) => mmlu.examples[i]?.prompt ?? '');
const mmluMicros = latencyMicros(heldOut, (p) => (scorer as LearnedScorer).scoreText(p));
const gsmScorer = new LearnedScorer(trainRouterArtifact({ examples: gsm8k.examples.slice(0, 1000), dataset: gsm8k.name }));
const gsmMicros = latencyMicros(gsm8k.examples.slice(1000).map((e) => e.prompt), (p) => gsmScorer.scoreText(p));
const verifier = verifierFromArtifact(trainVerifierArtifact({ examples: gsm8k.examples.slice(0, 1000), dataset: gsm8k.name }));
const verifierMicros = latencyMicros(gsm8k.examples.slice(1000), (e) => verifier.scoreAnswer({ prompt: e.prompt, answer: e.weakResponse ?? '' }));

const speed = {
  trainMsOn1500: { median: median(trainTimes), runs: trainTimes },
  scoreMicrosMedian: { mmlu: mmluMicros, gsm8k: gsmMicros, cascadeVerifierGsm8k: verifierMicros },
  node: process.version,
  note: 'single thread; wall-clock on the machine that ran the bench',
};
console.log(
  `training on 1,500 MMLU prompts: median ${(speed.trainMsOn1500.median / 1000).toFixed(2)}s; ` +
    `scoring: MMLU ${mmluMicros.toFixed(1)} µs, GSM8K ${gsmMicros.toFixed(1)} µs per prompt, verifier ${verifierMicros.toFixed(1)} µs per answer (median)`,
);
await writeFile(
  join(outDir, 'routing-quality.json'),
  `${JSON.stringify({ createdAt: new Date().toISOString(), mmlu: mmluReport, gsm8k: gsmReport, speed }, null, 2)}\n`,
);
console.log(`wrote ${join(outDir, 'routing-quality.json')} and the HTML reports beside it`);
