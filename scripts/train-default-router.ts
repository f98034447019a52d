/**
 * `npm run train:default-router`: trains the zero-shot prompt router shipped in models/router-default.json,
 * the learned route `tandem init` writes, so a new user routes by difficulty before training anything.
 *
 * It learns from every labelled prompt in RouteLLM's public data (Apache-2.0; ../shared/data/routellm or
 * ROUTELLM_DIR): MMLU and GSM8K, Mixtral-8x7B as the small model, GPT-4 as the large one, blended with
 * prompt length (src/quality/default-router.ts says why). No common prefix is
 * learned (a user's route has its own), and the output is deterministic: the same data gives the same bytes
 * (fixed seed, fixed `createdAt`, no timing), so a re-run shows in `git diff` only when something changed.
 * The product never reads ../shared: the artifact is a committed file. Its transfer figures (trained
 * without a benchmark, tested on it) are in docs/routing-quality.md ("A zero-shot default").
 */
import { mkdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import { DEFAULT_ROUTELLM_DIR } from '../src/quality/datasets/load-eval-dataset.js';
import { loadRouteLlmGsm8k, loadRouteLlmMmlu } from '../src/quality/datasets/routellm-dataset.js';
import { DEFAULT_ROUTER_ARTIFACT_PATH, DEFAULT_ROUTER_CREATED_AT, trainDefaultRouter } from '../src/quality/default-router.js';
import { writeScorerArtifact } from '../src/quality/scorer-artifact.js';

const { values } = parseArgs({
  options: {
    'data-dir': { type: 'string', default: process.env.ROUTELLM_DIR ?? DEFAULT_ROUTELLM_DIR },
    out: { type: 'string', default: join(process.cwd(), DEFAULT_ROUTER_ARTIFACT_PATH) },
  },
});
const dataDir = values['data-dir'] as string;
const out = values.out as string;

const started = performance.now();
const datasets = [await loadRouteLlmMmlu(dataDir), await loadRouteLlmGsm8k(dataDir)];
const artifact = trainDefaultRouter(datasets);
// Deterministic bytes: no wall-clock values in the file.
artifact.createdAt = DEFAULT_ROUTER_CREATED_AT;
artifact.training.trainMs = 0;
await mkdir(dirname(out), { recursive: true });
await writeScorerArtifact(out, artifact);
console.log(
  `wrote ${out}: ${artifact.training.examples} prompts fitted (${datasets.map((d) => `${d.name} ${d.examples.length}`).join(', ')}), ` +
    `${artifact.model.indices.length} weights, l2 ${artifact.training.l2}, in ${((performance.now() - started) / 1000).toFixed(1)} s`,
);
