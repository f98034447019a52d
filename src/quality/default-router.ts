/**
 * The zero-shot default router: the recipe `npm run train:default-router` (scripts/train-default-router.ts)
 * trains models/router-default.json with, and that bench/routing-transfer.ts re-runs with one benchmark
 * left out to measure how it transfers. Kept in one place so the shipped file and its figures describe the
 * same training. Nothing here reads data: the caller loads the labelled sets.
 *
 * The recipe: the learned prompt router on its 42 prompt statistics only (length, numbers, options,
 * negations, math, code and multi-step cues; the hashed n-grams, which learn a benchmark's vocabulary, are
 * left out) fitted on every prompt, then blended with prompt length, each standardised on the held-out
 * calibration prompts and given equal weight (fixed a priori, not fitted). Length is the one signal that
 * held on both benchmarks when the router had never seen them. The calibration quantiles are recomputed on the
 * blended scores of the same held-out prompts, so `llm_share` means the same thing as for any artifact.
 */
import { referenceQuantiles, thresholdForShare } from './calibration.js';
import type { LabelledDataset, LabelledExample } from './datasets/labelled-dataset.js';
import { blendedScore, LearnedScorer } from './learned-scorer.js';
import type { PromptRouterArtifact, ScoreBlend } from './scorer-artifact.js';
import { BLEND_CALIBRATION_HOLDOUT, calibrationSplit, trainRouterArtifact, type TrainRouterOptions } from './train-learned-scorer.js';

export { DEFAULT_ROUTER_ARTIFACT_PATH } from './default-router-path.js';

/** The fixed `createdAt` of the shipped artifact, so that re-training gives the same bytes. */
export const DEFAULT_ROUTER_CREATED_AT = '2026-12-05T00:00:00.000Z';

/** Share of reference prompts the artifact's default threshold sends to the large model. */
export const DEFAULT_ROUTER_LLM_SHARE = 0.5;

/** Training options for a default router learned from `datasets` (all of their examples, ids kept apart). */
export function defaultRouterTrainingOptions(datasets: readonly LabelledDataset[]): TrainRouterOptions {
  if (datasets.length === 0) throw new Error('the default router needs at least one labelled dataset');
  const examples: LabelledExample[] = datasets.flatMap((d) => d.examples.map((e) => ({ ...e, id: `${d.name}:${e.id}` })));
  const first = datasets[0] as LabelledDataset;
  return {
    examples,
    name: 'tandem-default',
    dataset: datasets.map((d) => d.name).join('+'),
    weakModel: first.weakModel,
    strongModel: first.strongModel,
    llmShare: DEFAULT_ROUTER_LLM_SHARE,
    // A user's route has its own system prompt; a prefix learned from benchmarks would only cut theirs wrongly.
    stripCommonPrefix: false,
    // The prompt statistics only: the hashed n-grams learn each benchmark's vocabulary and transferred worse
    // (docs/routing-quality.md, "A zero-shot default").
    features: { wordWeight: 0, charWeight: 0 },
    // The length blend is standardised and calibrated on held-out prompts, so this recipe keeps the slice.
    calibrationHoldout: BLEND_CALIBRATION_HOLDOUT,
    seed: 17,
  };
}

/** Trains the default router on `datasets`: the learned router, then the length blend and its calibration. */
export function trainDefaultRouter(datasets: readonly LabelledDataset[]): PromptRouterArtifact {
  const options = defaultRouterTrainingOptions(datasets);
  return withLengthBlend(trainRouterArtifact(options), options);
}

/** Adds the equal-weight length blend to `artifact`, standardised and calibrated on its held-out prompts. */
export function withLengthBlend(artifact: PromptRouterArtifact, options: TrainRouterOptions): PromptRouterArtifact {
  const { calibrationRows } = calibrationSplit(options.examples.length, options.calibrationHoldout ?? BLEND_CALIBRATION_HOLDOUT, options.seed ?? 17);
  if (calibrationRows.length === 0) throw new Error('the length blend needs a held-out calibration slice');
  const scorer = new LearnedScorer(artifact);
  const prompts = calibrationRows.map((i) => (options.examples[i] as LabelledExample).prompt);
  const probabilities = prompts.map((p) => scorer.scoreText(p));
  const logits = probabilities.map((p) => {
    const q = Math.min(1 - 1e-12, Math.max(1e-12, p));
    return Math.log(q / (1 - q));
  });
  const blend: ScoreBlend = {
    learned: { ...meanSd(logits), weight: 1 },
    logLength: { ...meanSd(prompts.map((p) => Math.log1p(p.length))), weight: 1 },
  };
  const quantiles = referenceQuantiles(prompts.map((p, k) => blendedScore(blend, probabilities[k] as number, p.length)));
  return {
    ...artifact,
    blend,
    calibration: {
      ...artifact.calibration,
      quantiles,
      threshold: thresholdForShare(quantiles, artifact.calibration.llmShare),
      referenceSize: prompts.length,
      reference: `blended scores (learned + length) of ${prompts.length} held-out prompts (not trained on)`,
    },
  };
}

function meanSd(xs: readonly number[]): { mean: number; sd: number } {
  const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
  const sd = Math.sqrt(xs.reduce((a, b) => a + (b - mean) ** 2, 0) / xs.length);
  return { mean, sd: sd > 0 ? sd : 1 };
}
