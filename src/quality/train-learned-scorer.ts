/**
 * Trains a prompt router artifact in-process: prompt features -> logistic regression on the expected
 * quality gap ((strong - weak + 1) / 2, a soft label), L2 chosen by inner cross-validation, the final
 * model refitted on every training prompt, and the threshold calibrated to `llmShare` on that final
 * model's scale (model/refit-calibration-reference.ts).
 *
 * Why not the inner-CV out-of-fold scores as they are: those come from other models (the fold models),
 * whose scores can sit on another scale than the final model's. When every prompt shares a long constant
 * prefix the final model's scores span a narrow band, and a threshold taken from the fold models then sends
 * the wrong share (up to 50 points off before issue 24). Each out-of-fold score is therefore mapped by its
 * rank among its fold model's training-prompt scores onto the final model's scores of the same prompts.
 * The alternative, a held-out calibration slice (`calibrationHoldout`, 0.25 by default until 2026-12-05), holds the
 * share as well but fits on 25% fewer prompts and cost about 0.01 APGR (docs/routing-quality.md).
 */
import type { LabelledExample } from './datasets/labelled-dataset.js';
import { referenceQuantiles, thresholdForShare } from './calibration.js';
import { FeatureBuffer, type SparseFeatures } from './features/feature-hasher.js';
import { DEFAULT_PROMPT_FEATURES, extractPromptFeatures, type PromptFeatureOptions } from './features/prompt-features.js';
import { DEFAULT_WINDOW, learnCommonPrefix, promptView, type PromptViewOptions } from './features/prompt-view.js';
import { fitWithInnerCv, shuffledIndices } from './model/fit-with-inner-cv.js';
import { refitCalibrationReference } from './model/refit-calibration-reference.js';
import { logisticMargin, sigmoid } from './model/logistic-regression.js';
import { promptHash, SCORER_FORMAT, SCORER_VERSION, type PromptRouterArtifact } from './scorer-artifact.js';

export type RouterTarget = 'quality-gap' | 'weak-fails';

export interface TrainRouterOptions {
  examples: readonly LabelledExample[];
  name?: string;
  dataset?: string;
  weakModel?: string;
  strongModel?: string;
  /** Share of reference traffic the default threshold sends to the large model (default 0.5). */
  llmShare?: number;
  features?: Partial<RouterFeatureOptions>;
  target?: RouterTarget;
  l2Grid?: readonly number[];
  innerFolds?: number;
  seed?: number;
  /** Learn the prefix most prompts share and cut it before featurising (default true; prompt-view.ts). */
  stripCommonPrefix?: boolean;
  /**
   * Share of the examples kept out of training to calibrate the final model on (default 0: fit on all of
   * them and calibrate on rank-mapped out-of-fold scores, see above).
   */
  calibrationHoldout?: number;
}

/** The trainer's default: no held-out slice (the refit's calibration holds the share without one). */
export const DEFAULT_CALIBRATION_HOLDOUT = 0;
/** The slice the zero-shot default router standardises its length blend on (default-router.ts). */
export const BLEND_CALIBRATION_HOLDOUT = 0.25;
/** Fewer calibration prompts than this and the holdout is skipped (the quantiles would be meaningless). */
const MIN_CALIBRATION_PROMPTS = 10;

/** Defaults picked by inner cross-validation on MMLU training prompts (docs/routing-quality.md). */
export const DEFAULT_ROUTER_FEATURES: PromptFeatureOptions = { ...DEFAULT_PROMPT_FEATURES, charNgrams: [4, 4] };
/** Hashed-feature settings plus what part of the prompt they see (prompt-view.ts). */
export type RouterFeatureOptions = PromptFeatureOptions & PromptViewOptions;

export const DEFAULT_L2_GRID = [0.01, 0.03, 0.1] as const;

export function routerTarget(example: LabelledExample, target: RouterTarget): number {
  return target === 'weak-fails' ? 1 - example.weak : (example.strong - example.weak + 1) / 2;
}

/**
 * Which rows calibrate (held out of the fit) and which are fitted: a seeded shuffle (not the first rows)
 * so a dataset sorted by topic still calibrates on a fair sample; no holdout when it would be too small.
 */
export function calibrationSplit(n: number, holdoutShare: number, seed: number): { calibrationRows: number[]; fitRows: number[] } {
  let holdoutSize = Math.round(n * holdoutShare);
  if (holdoutSize < MIN_CALIBRATION_PROMPTS || n - holdoutSize < 10) holdoutSize = 0;
  const order = shuffledIndices(n, seed + 1);
  return { calibrationRows: order.slice(0, holdoutSize), fitRows: order.slice(holdoutSize).sort((a, b) => a - b) };
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
  const base = { ...DEFAULT_ROUTER_FEATURES, window: DEFAULT_WINDOW, ...options.features };
  // Learned from the prompts only (no labels), so the calibration slice may take part.
  const commonPrefix = base.commonPrefix ?? (options.stripCommonPrefix === false ? undefined : learnCommonPrefix(examples.map((e) => e.prompt)));
  const features: RouterFeatureOptions = { ...base, ...(commonPrefix !== undefined ? { commonPrefix } : {}) };
  const target = options.target ?? 'quality-gap';
  const seed = options.seed ?? 17;
  const holdoutShare = options.calibrationHoldout ?? DEFAULT_CALIBRATION_HOLDOUT;
  if (!(holdoutShare >= 0 && holdoutShare < 1)) throw new Error(`calibrationHoldout must be in [0, 1), got ${holdoutShare}`);
  const { calibrationRows, fitRows } = calibrationSplit(examples.length, holdoutShare, seed);
  const holdoutSize = calibrationRows.length;
  const fitExamples = fitRows.map((i) => examples[i] as LabelledExample);
  const allFeatures = promptFeaturesOf(
    examples.map((e) => promptView(e.prompt, features)),
    features,
  );
  const fit = fitWithInnerCv({
    features: fitRows.map((i) => allFeatures[i] as SparseFeatures),
    targets: fitExamples.map((e) => routerTarget(e, target)),
    examples: fitExamples,
    l2Grid: options.l2Grid ?? DEFAULT_L2_GRID,
    folds: options.innerFolds ?? 3,
    seed,
  });
  const reference =
    holdoutSize > 0
      ? calibrationRows.map((i) => sigmoid(logisticMargin(fit.model, allFeatures[i] as SparseFeatures)))
      : refitCalibrationReference({
          features: fitRows.map((i) => allFeatures[i] as SparseFeatures),
          foldOf: fit.foldOf,
          foldModels: fit.foldModels,
          outOfFold: fit.outOfFold,
          final: fit.model,
        });
  const quantiles = referenceQuantiles(reference);
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
      referenceSize: reference.length,
      reference:
        holdoutSize > 0
          ? `final model's scores of ${holdoutSize} held-out prompts (not trained on)`
          : `out-of-fold scores of all ${fitExamples.length} training prompts, mapped by rank onto the final model's scale (${fit.foldModels.length}-fold cross-fit; the final model fits every prompt)`,
    },
    training: {
      dataset: options.dataset ?? 'custom',
      examples: fitExamples.length,
      weakModel: options.weakModel ?? 'weak',
      strongModel: options.strongModel ?? 'strong',
      l2: fit.l2,
      target,
      trainMs: performance.now() - started,
      innerValidation: fit.innerValidation,
      promptHashes: [...new Set(examples.map((e) => promptHash(e.prompt)))].sort((a, b) => a - b),
    },
  };
}
