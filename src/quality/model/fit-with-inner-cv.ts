/**
 * Model selection that never looks at test data: the L2 strength is chosen by k-fold cross-validation
 * inside the training set, by the metric we care about (APGR of the out-of-fold scores), then the model
 * is refitted on the whole training set. The out-of-fold probabilities double as the calibration
 * reference: they are distributed like scores of unseen prompts, unlike in-sample scores.
 */
import type { LabelledExample } from '../datasets/labelled-dataset.js';
import { modelAccuracy } from '../datasets/labelled-dataset.js';
import { averagePgr, routingCurve, seededRandom } from '../eval/routing-metrics.js';
import type { SparseFeatures } from '../features/feature-hasher.js';
import { logisticMargin, sigmoid, trainLogistic, type LogisticModel } from './logistic-regression.js';

export interface InnerCvOptions {
  features: readonly SparseFeatures[];
  targets: readonly number[];
  examples: readonly LabelledExample[];
  l2Grid: readonly number[];
  folds?: number;
  seed?: number;
  /** Turns a model probability into a routing score (1 - p for a verifier's P(accept)). */
  toRoutingScore?: (probability: number) => number;
  mode?: 'route' | 'cascade';
}

export interface InnerCvResult {
  model: LogisticModel;
  l2: number;
  innerValidation: Array<{ l2: number; apgr: number }>;
  /** Out-of-fold probabilities of the chosen l2, one per training example. */
  outOfFold: number[];
  /** The fold of each training example, and the chosen l2's fold models (model f never saw fold f). */
  foldOf: Int32Array;
  foldModels: LogisticModel[];
}

/** Shuffled indices 0..n-1 (Fisher-Yates with a seeded PRNG). */
export function shuffledIndices(n: number, seed: number): number[] {
  const rand = seededRandom(seed);
  const order = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [order[i], order[j]] = [order[j] as number, order[i] as number];
  }
  return order;
}

export function fitWithInnerCv(options: InnerCvOptions): InnerCvResult {
  const { features, targets, examples, l2Grid } = options;
  const folds = Math.max(2, Math.min(options.folds ?? 3, examples.length));
  const orient = options.toRoutingScore ?? ((p: number) => p);
  const order = shuffledIndices(examples.length, options.seed ?? 17);
  const foldOf = new Int32Array(examples.length);
  order.forEach((row, k) => {
    foldOf[row] = k % folds;
  });
  const weak = modelAccuracy(examples, 'weak');
  const strong = modelAccuracy(examples, 'strong');

  let best: { l2: number; apgr: number; oof: number[]; models: LogisticModel[] } | undefined;
  const innerValidation: Array<{ l2: number; apgr: number }> = [];
  for (const l2 of l2Grid) {
    const oof = new Array<number>(examples.length).fill(0.5);
    const models: LogisticModel[] = [];
    for (let f = 0; f < folds; f++) {
      const train: number[] = [];
      const test: number[] = [];
      for (let i = 0; i < examples.length; i++) (foldOf[i] === f ? test : train).push(i);
      const model = trainLogistic(
        train.map((i) => features[i] as SparseFeatures),
        train.map((i) => targets[i] as number),
        { l2 },
      );
      models.push(model);
      for (const i of test) oof[i] = sigmoid(logisticMargin(model, features[i] as SparseFeatures));
    }
    const curve = routingCurve({ examples, scores: oof.map(orient), mode: options.mode ?? 'route' });
    const apgr = strong > weak ? averagePgr(curve, weak, strong) : 0;
    innerValidation.push({ l2, apgr });
    if (!best || apgr > best.apgr) best = { l2, apgr, oof, models };
  }
  if (!best) throw new Error('l2Grid must not be empty');
  const model = trainLogistic(features, targets, { l2: best.l2 });
  return { model, l2: best.l2, innerValidation, outOfFold: best.oof, foldOf, foldModels: best.models };
}
