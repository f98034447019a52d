/**
 * `npm run bench:routing-transfer`: how the zero-shot default router (src/quality/default-router.ts, shipped
 * as models/router-default.json) does on a benchmark it never saw. For each RouteLLM benchmark, the default
 * recipe is trained on the other one only (without MMLU -> tested on MMLU; without GSM8K -> tested on GSM8K)
 * and scores every prompt of the held-out one, beside the training-free signals: prompt length, the
 * heuristic scorer (length, questions, reasoning, code and math cues; src/routing/heuristic-scorer.ts), the
 * learned part of the recipe alone, and blends of it with each signal standardised on the test prompts
 * themselves (transductive: what the shipped blend, standardised on its training prompts, approximates).
 *
 * APGR with a bootstrap 95% interval over the held-out prompts. In-task figures (trained on a split of the
 * same benchmark) come from `npm run bench:routing`. Needs ../shared/data/routellm (or ROUTELLM_DIR); writes
 * bench/results/routing-transfer.json.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import { join } from 'node:path';
import type { LabelledDataset, LabelledExample } from '../src/quality/datasets/labelled-dataset.js';
import { DEFAULT_ROUTELLM_DIR } from '../src/quality/datasets/load-eval-dataset.js';
import { loadRouteLlmGsm8k, loadRouteLlmMmlu } from '../src/quality/datasets/routellm-dataset.js';
import { defaultRouterTrainingOptions, withLengthBlend } from '../src/quality/default-router.js';
import { runProtocol, type RouterUnderTest } from '../src/quality/eval/evaluation-protocol.js';
import { LearnedScorer } from '../src/quality/learned-scorer.js';
import { trainRouterArtifact } from '../src/quality/train-learned-scorer.js';
import { heuristicScorer } from '../src/routing/heuristic-scorer.js';
import type { ChatRequest } from '../src/spec/chat-request.js';

const dataDir = process.env.ROUTELLM_DIR ?? DEFAULT_ROUTELLM_DIR;
const RESAMPLES = Number(process.env.RESAMPLES ?? 200);

const heuristic = heuristicScorer();
function heuristicScore(prompt: string): number {
  const score = heuristic.score({ messages: [{ role: 'user', content: prompt }] } as ChatRequest);
  if (typeof score !== 'number') throw new Error('the heuristic scorer is synchronous');
  return score;
}
const logit = (p: number): number => Math.log(Math.max(1e-9, p) / Math.max(1e-9, 1 - p));

/** Standardised to mean 0, sd 1 over the scored set, so that two signals add with equal say. */
function standardised(xs: readonly number[]): number[] {
  const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
  const sd = Math.sqrt(xs.reduce((a, b) => a + (b - mean) ** 2, 0) / xs.length) || 1;
  return xs.map((x) => (x - mean) / sd);
}

const sum = (a: readonly number[], b: readonly number[]): number[] => a.map((x, i) => x + (b[i] as number));

function fixed(name: string, score: (test: readonly LabelledExample[]) => number[]): RouterUnderTest {
  return { name, mode: 'route', train: () => score };
}

const mmlu = await loadRouteLlmMmlu(dataDir);
const gsm8k = await loadRouteLlmGsm8k(dataDir);
const rows: { heldOut: string; trainedOn: string; router: string; apgr: number; cpt50: number; ci95?: [number, number] }[] = [];

for (const [heldOut, trainedOn] of [
  [mmlu, gsm8k],
  [gsm8k, mmlu],
] as [LabelledDataset, LabelledDataset][]) {
  const started = performance.now();
  // The shipped recipe in two steps, so that the learned part alone gets a row too.
  const options = defaultRouterTrainingOptions([trainedOn]);
  const learnedArtifact = trainRouterArtifact(options);
  const learned = new LearnedScorer(learnedArtifact);
  const shipped = new LearnedScorer(withLengthBlend(learnedArtifact, options));
  process.stderr.write(`trained on ${trainedOn.name} in ${((performance.now() - started) / 1000).toFixed(1)} s\n`);
  const learnedLogits = (test: readonly LabelledExample[]): number[] => standardised(test.map((e) => logit(learned.scoreText(e.prompt))));
  const lengthZ = (test: readonly LabelledExample[]): number[] => standardised(test.map((e) => Math.log1p(e.prompt.length)));
  const heuristicZ = (test: readonly LabelledExample[]): number[] => standardised(test.map((e) => logit(heuristicScore(e.prompt))));
  const routers = [
    fixed(`default recipe (learned + length blend), trained on ${trainedOn.name} only`, (test) => test.map((e) => shipped.scoreText(e.prompt))),
    fixed('  its learned part alone', (test) => test.map((e) => learned.scoreText(e.prompt))),
    fixed('prompt length (no training)', (test) => test.map((e) => e.prompt.length)),
    fixed('heuristic scorer (no training)', (test) => test.map((e) => heuristicScore(e.prompt))),
    fixed('learned + length, standardised on the test set', (test) => sum(learnedLogits(test), lengthZ(test))),
    fixed('learned + heuristic, standardised on the test set', (test) => sum(learnedLogits(test), heuristicZ(test))),
  ];
  const result = runProtocol({ examples: heldOut.examples, routers, kind: 'all', resamples: RESAMPLES, seed: 1 });
  console.log(`\n${heldOut.name}, never trained on (n = ${heldOut.examples.length})`);
  for (const m of result.methods) {
    if (m.mode !== 'route') continue;
    const ci = m.uncertainty?.apgr95;
    rows.push({
      heldOut: heldOut.name,
      trainedOn: trainedOn.name,
      router: m.name,
      apgr: m.mean.apgr,
      cpt50: m.mean.cpt50,
      ...(ci ? { ci95: ci } : {}),
    });
    console.log(
      `  ${m.name.padEnd(70)} APGR ${m.mean.apgr.toFixed(3)}${ci ? ` (${ci[0].toFixed(3)}–${ci[1].toFixed(3)})` : ''}  CPT(50%) ${m.mean.cpt50.toFixed(2)}%`,
    );
  }
}
await mkdir(join('bench', 'results'), { recursive: true });
await writeFile(
  join('bench', 'results', 'routing-transfer.json'),
  `${JSON.stringify({ createdAt: new Date().toISOString(), resamples: RESAMPLES, rows, loadAverage: os.loadavg() }, null, 2)}\n`,
);
console.log('\nwrote bench/results/routing-transfer.json');
