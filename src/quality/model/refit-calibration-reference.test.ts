import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { LabelledExample } from '../datasets/labelled-dataset.js';
import type { SparseFeatures } from '../features/feature-hasher.js';
import { trainRouterArtifact } from '../train-learned-scorer.js';
import { logisticMargin, sigmoid, type LogisticModel } from './logistic-regression.js';
import { fractionalRank, refitCalibrationReference } from './refit-calibration-reference.js';

/** One feature (index 0) with value x: the margin is intercept + w x. */
const row = (x: number): SparseFeatures => ({ indices: Int32Array.from([0]), values: Float64Array.from([x]) });
const model = (intercept: number, w: number): LogisticModel => ({ intercept, weights: new Map([[0, w]]) });

describe('calibration scores of a refitted model from its fold models', () => {
  test('fractional rank: exact values, ties, values between two scores and outside them', () => {
    const sorted = [0.1, 0.2, 0.2, 0.2, 0.5];
    assert.equal(fractionalRank(sorted, 0.1), 0);
    assert.equal(fractionalRank(sorted, 0.2), 2);
    assert.equal(fractionalRank(sorted, 0.35), 3.5);
    assert.equal(fractionalRank(sorted, 0.05), 0);
    assert.equal(fractionalRank(sorted, 0.9), 4);
  });

  test("fold models on another scale (shifted intercept, other slope) are mapped onto the final model's scores", () => {
    // Scores crowd into a narrow band (slope 0.05), and each fold model is off by an intercept shift the size
    // of that band: its raw out-of-fold scores would put the threshold for any share in the wrong place.
    const xs = Array.from({ length: 300 }, (_, i) => Math.sin(i * 12.9898) * 2);
    const features = xs.map(row);
    const foldOf = Int32Array.from(xs.map((_, i) => i % 3));
    const final = model(0.2, 0.05);
    const foldModels = [model(0.3, 0.04), model(0.1, 0.07), model(0.25, 0.05)];
    const outOfFold = features.map((x, i) => sigmoid(logisticMargin(foldModels[foldOf[i] as number] as LogisticModel, x)));
    const reference = refitCalibrationReference({ features, foldOf, foldModels, outOfFold, final });
    const truth = features.map((x) => sigmoid(logisticMargin(final, x)));
    const worst = (scores: readonly number[]): number => Math.max(...scores.map((s, i) => Math.abs(s - (truth[i] as number))));
    assert.ok(worst(reference) < 0.002, `mapped: off by up to ${worst(reference)}`);
    assert.ok(worst(outOfFold) > 0.02, `raw out-of-fold: off by up to ${worst(outOfFold)}`);
  });

  test('the trainer fits every prompt and names its calibration; a held-out slice stays available', () => {
    const examples: LabelledExample[] = Array.from({ length: 80 }, (_, i) => {
      const hard = i % 2 === 0;
      return { id: String(i), prompt: hard ? `Solve step by step: ${i}x + 3 = ${2 * i}` : `Say hello to friend ${i}`, weak: hard ? 0 : 1, strong: 1 };
    });
    const refit = trainRouterArtifact({ examples, innerFolds: 2 });
    assert.equal(refit.training.examples, 80);
    assert.equal(refit.calibration.referenceSize, 80);
    assert.match(refit.calibration.reference, /out-of-fold scores of all 80 training prompts, mapped by rank onto the final model's scale \(2-fold cross-fit/);
    const sliced = trainRouterArtifact({ examples, innerFolds: 2, calibrationHoldout: 0.25 });
    assert.equal(sliced.training.examples, 60);
    assert.match(sliced.calibration.reference, /final model's scores of 20 held-out prompts/);
  });
});
