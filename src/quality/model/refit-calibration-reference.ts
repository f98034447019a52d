/**
 * Calibration scores for a model refitted on every training prompt, on the refitted model's own scale,
 * without a held-out slice (issue 24). The inner cross-validation's fold models score each prompt out of
 * fold, but on their own scale: when every prompt shares a long constant prefix their scores and the
 * refitted model's sit in a band so narrow that an intercept shifted by sampling noise moves the share by
 * many points. So each out-of-fold score is carried over by rank: its position among its fold model's
 * scores of that model's own training prompts, read off the refitted model's scores of the same prompts
 * at the same position. Both sides of the map are in-sample, so it cancels the fold model's offset and
 * scale; the out-of-fold positions keep what unseen prompts do (they crowd towards the middle).
 */
import type { SparseFeatures } from '../features/feature-hasher.js';
import { logisticMargin, sigmoid, type LogisticModel } from './logistic-regression.js';

export interface RefitReferenceOptions {
  features: readonly SparseFeatures[];
  /** Fold of each training row (the fold whose model did not see it). */
  foldOf: Int32Array;
  /** One model per fold, fitted on the rows of every other fold. */
  foldModels: readonly LogisticModel[];
  /** Each row's probability under the fold model that did not see it. */
  outOfFold: readonly number[];
  /** The model that is served, fitted on every row. */
  final: LogisticModel;
}

/** Fractional index of `v` in ascending `sorted` (ties: their middle; between two values: linear). */
export function fractionalRank(sorted: readonly number[], v: number): number {
  const n = sorted.length;
  let lo = 0;
  let hi = n;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((sorted[mid] as number) < v) lo = mid + 1;
    else hi = mid;
  }
  let end = lo;
  while (end < n && sorted[end] === v) end++;
  if (end > lo) return (lo + end - 1) / 2;
  if (lo === 0) return 0;
  if (lo === n) return n - 1;
  const a = sorted[lo - 1] as number;
  const b = sorted[lo] as number;
  return lo - 1 + (v - a) / (b - a);
}

/** The value at fractional index `pos` of ascending `sorted` (linear between neighbours). */
function atFractionalIndex(sorted: readonly number[], pos: number): number {
  const lo = Math.floor(pos);
  const hi = Math.min(lo + 1, sorted.length - 1);
  const a = sorted[lo] as number;
  return a + ((sorted[hi] as number) - a) * (pos - lo);
}

/** One reference score per training row: its out-of-fold score mapped by rank onto the refitted model's scale. */
export function refitCalibrationReference(options: RefitReferenceOptions): number[] {
  const { features, foldOf, foldModels, outOfFold, final } = options;
  const reference = new Array<number>(features.length).fill(0.5);
  foldModels.forEach((model, fold) => {
    const seen: number[] = [];
    const unseen: number[] = [];
    for (let i = 0; i < features.length; i++) (foldOf[i] === fold ? unseen : seen).push(i);
    if (seen.length === 0) return;
    const foldScores = seen.map((i) => sigmoid(logisticMargin(model, features[i] as SparseFeatures))).sort((a, b) => a - b);
    const finalScores = seen.map((i) => sigmoid(logisticMargin(final, features[i] as SparseFeatures))).sort((a, b) => a - b);
    for (const i of unseen) reference[i] = atFractionalIndex(finalScores, fractionalRank(foldScores, outOfFold[i] as number));
  });
  return reference;
}
