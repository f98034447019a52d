/**
 * Trains a prompt router artifact in-process: prompt features -> logistic regression on the expected
 * quality gap ((strong - weak + 1) / 2, a soft label), L2 chosen by inner cross-validation, threshold
 * calibrated to `llmShare` on the out-of-fold scores.
 */
import type { LabelledExample } from './datasets/labelled-dataset.js';
import { referenceQuantiles, thresholdForShare } from './calibration.js';
import { FeatureBuffer, type SparseFeatures } from './features/feature-hasher.js';
import {
  DEFAULT_PROMPT_FEATURES,
  extractPromptFeatures,
  type PromptFeatureOptions,
} from './features/prompt-features.js';
import { fitWithInnerCv } from './model/fit-with-inner-cv.js';
import { SCORER_FORMAT, SCORER_VERSION, type PromptRouterArtifact } from './scorer-artifact.js';

export type RouterTarget = 'quality-gap' | 'weak-fails';

export interface TrainRouterOptions {
  examples: readonly LabelledExample[];
  name?: string;
  dataset?: string;
  weakModel?: string;
  strongModel?: string;
  /** Share of reference traffic the default threshold sends to the large model (default 0.5). */
  llmShare?: number;
  features?: Partial<PromptFeatureOptions>;
  target?: RouterTarget;
  l2Grid?: readonly number[];
  innerFolds?: number;
  seed?: number;
}

/** Defaults picked by inner cross-validation on MMLU training prompts (docs/routing-quality.md). */
export const DEFAULT_ROUTER_FEATURES: PromptFeatureOptions = { ...DEFAULT_PROMPT_FEATURES, charNgrams: [4, 4] };
export const DEFAULT_L2_GRID = [0.01, 0.03, 0.1] as const;

export function routerTarget(example: LabelledExample, target: RouterTarget): number {
  return target === 'weak-fails' ? 1 - example.weak : (example.strong - example.weak + 1) / 2;
}

export function promptFeaturesOf(prompts: readonly string[], options: PromptFeatureOptions): SparseFeatures[] {
  const buffer = new FeatureBuffer();
  return prompts.map((p) => {
    buffer.clear();
    extractPromptFeatures(p, options, buffer);
    return buffer.snapshot();
  });
}

export function trainRouterArtifact(options: TrainRouterOptions): PromptRouterArtifact {
  const started = performance.now();
  const { examples } = options;
  if (examples.length < 10) throw new Error(`training needs at least 10 labelled prompts, got ${examples.length}`);
  const features = { ...DEFAULT_ROUTER_FEATURES, ...options.features };
  const target = options.target ?? 'quality-gap';
  const xs = promptFeaturesOf(
    examples.map((e) => e.prompt),
    features,
  );
  const fit = fitWithInnerCv({
    features: xs,
    targets: examples.map((e) => routerTarget(e, target)),
    examples,
    l2Grid: options.l2Grid ?? DEFAULT_L2_GRID,
    folds: options.innerFolds ?? 3,
    seed: options.seed ?? 17,
  });
  const quantiles = referenceQuantiles(fit.outOfFold);
  const llmShare = options.llmShare ?? 0.5;
  const indices = [...fit.model.weights.keys()].sort((a, b) => a - b);
  return {
    format: SCORER_FORMAT,
    version: SCORER_VERSION,
    kind: 'prompt-router',
    name: options.name ?? options.dataset ?? 'custom',
    createdAt: new Date().toISOString(),
    features,
    model: {
      type: 'logistic',
      intercept: fit.model.intercept,
      indices,
      weights: indices.map((i) => fit.model.weights.get(i) as number),
    },
    calibration: {
      quantiles,
      llmShare,
      threshold: thresholdForShare(quantiles, llmShare),
      referenceSize: examples.length,
      reference: 'out-of-fold scores of the training prompts',
    },
    training: {
      dataset: options.dataset ?? 'custom',
      examples: examples.length,
      weakModel: options.weakModel ?? 'weak',
      strongModel: options.strongModel ?? 'strong',
      l2: fit.l2,
      target,
      trainMs: performance.now() - started,
      innerValidation: fit.innerValidation,
    },
  };
}
