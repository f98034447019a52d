/**
 * `npm run bench:routing-cost`: the CPU cost of scoring one prompt with the learned router, by prompt
 * length (256 B to 8 KB of held-out MMLU text), for the serving path (`LearnedScorer.scoreText`: prompt
 * view, weights added while hashing) beside the training-time path (feature buffer, then a dot product),
 * which is what scoring cost before issue 24's fused extractor.
 *
 * Reports CPU microseconds (process.cpuUsage, user + system) per prompt: the median over ROUNDS rounds,
 * the two paths interleaved round by round, so both see the same machine load. Wall-clock time on a
 * shared machine is inflated by other jobs (it is printed too, for the record). Needs ../shared/data/routellm
 * (or ROUTELLM_DIR). Writes bench/results/routing-score-cost.json.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import { join } from 'node:path';
import { DEFAULT_ROUTELLM_DIR } from '../src/quality/datasets/load-eval-dataset.js';
import { loadRouteLlmMmlu } from '../src/quality/datasets/routellm-dataset.js';
import { extractPromptFeatures, promptFeatureDimension } from '../src/quality/features/prompt-features.js';
import { promptView } from '../src/quality/features/prompt-view.js';
import { LearnedScorer } from '../src/quality/learned-scorer.js';
import { LinearRuntime } from '../src/quality/linear-scorer-runtime.js';
import { shuffledIndices } from '../src/quality/model/fit-with-inner-cv.js';
import { trainRouterArtifact } from '../src/quality/train-learned-scorer.js';

const dataDir = process.env.ROUTELLM_DIR ?? DEFAULT_ROUTELLM_DIR;
const ROUNDS = Number(process.env.ROUNDS ?? 7);
const PROMPTS = 400;
const SIZES = [256, 1024, 1536, 2048, 4096, 8192];

const mmlu = await loadRouteLlmMmlu(dataDir);
const order = shuffledIndices(mmlu.examples.length, 3);
const train = order.slice(0, 1500).map((i) => mmlu.examples[i] as (typeof mmlu.examples)[number]);
const artifact = trainRouterArtifact({ examples: train, dataset: mmlu.name });
const scorer = new LearnedScorer(artifact);
const legacy = new LinearRuntime(artifact.model, promptFeatureDimension(artifact.features));
const legacyScore = (prompt: string): number => {
  extractPromptFeatures(promptView(prompt, artifact.features), artifact.features, legacy.buffer);
  return legacy.probability();
};
const fusedScore = (prompt: string): number => scorer.scoreText(prompt);
// Both paths must agree before their speed means anything.
const check = order.slice(1500, 2500).map((i) => mmlu.examples[i]?.prompt ?? '');
const worst = Math.max(...check.map((p) => Math.abs(legacyScore(p) - fusedScore(p))));
if (!(worst < 1e-12)) throw new Error(`serving and training paths disagree by ${worst}`);

const longText = order
  .slice(1500, 6500)
  .map((i) => mmlu.examples[i]?.prompt ?? '')
  .join('\n');

interface Cost {
  cpuMedian: number;
  cpuRounds: number[];
  wallMedian: number;
}

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? Number.NaN;
}

/** One round: mean CPU and wall microseconds per call of `fn` over `texts`. */
function round(texts: readonly string[], fn: (p: string) => number): { cpu: number; wall: number } {
  let sink = 0;
  const cpu = process.cpuUsage();
  const started = process.hrtime.bigint();
  for (const t of texts) sink += fn(t);
  const wall = Number(process.hrtime.bigint() - started) / 1000 / texts.length;
  const used = process.cpuUsage(cpu);
  if (!Number.isFinite(sink)) throw new Error('non-finite score');
  return { cpu: (used.user + used.system) / texts.length, wall };
}

const results: Record<string, { serving: Cost; trainingPath: Cost }> = {};
for (const size of SIZES) {
  // Fresh strings (not slices of one big one), as a request body's text would be.
  const texts = Array.from({ length: PROMPTS }, (_, i) => Array.from(longText.slice(i * 97, i * 97 + size)).join(''));
  for (const t of texts) fusedScore(t) + legacyScore(t);
  const fused: { cpu: number; wall: number }[] = [];
  const old: { cpu: number; wall: number }[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    fused.push(round(texts, fusedScore));
    old.push(round(texts, legacyScore));
  }
  const cost = (rs: { cpu: number; wall: number }[]): Cost => ({
    cpuMedian: median(rs.map((r) => r.cpu)),
    cpuRounds: rs.map((r) => Number(r.cpu.toFixed(2))),
    wallMedian: median(rs.map((r) => r.wall)),
  });
  results[`${size}B`] = { serving: cost(fused), trainingPath: cost(old) };
  const s = results[`${size}B`];
  console.log(
    `${String(size).padStart(5)} B: serving ${s?.serving.cpuMedian.toFixed(1)} µs CPU (${s?.serving.wallMedian.toFixed(1)} wall)` +
      ` | buffer + dot ${s?.trainingPath.cpuMedian.toFixed(1)} µs CPU (${s?.trainingPath.wallMedian.toFixed(1)} wall)`,
  );
}
console.log(
  `window ${JSON.stringify(artifact.features.window)}; load average ${os
    .loadavg()
    .map((l) => l.toFixed(1))
    .join(' ')} on ${os.cpus().length} cores`,
);
await mkdir(join('bench', 'results'), { recursive: true });
await writeFile(
  join('bench', 'results', 'routing-score-cost.json'),
  `${JSON.stringify({ createdAt: new Date().toISOString(), rounds: ROUNDS, prompts: PROMPTS, window: artifact.features.window, results, loadAverage: os.loadavg(), node: process.version }, null, 2)}\n`,
);
