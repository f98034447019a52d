/**
 * The shipped name model: weights and calibration from data/name-model.ts (trained by
 * scripts/names/train-name-model.ts), decoded once on first use. Refuses an artifact trained with other
 * features, which would otherwise score every token with the wrong weights.
 */
import { NAME_MODEL } from '../data/name-model.js';
import { FEATURE_BITS, FEATURE_VERSION } from './name-features.js';
import type { NameWeights } from './name-tagger.js';
import { decodeWeights } from './weights-codec.js';
import type { NameModelArtifact } from './name-model-artifact.js';

export type { NameModelArtifact } from './name-model-artifact.js';

export function loadNameModel(artifact: NameModelArtifact): NameWeights {
  if (artifact.featureVersion !== FEATURE_VERSION || artifact.featureBits !== FEATURE_BITS) {
    throw new Error(`name model trained for features v${artifact.featureVersion}/${artifact.featureBits} bits, code has v${FEATURE_VERSION}/${FEATURE_BITS}`);
  }
  return {
    weights: decodeWeights(artifact.weights, artifact.scale, 1 << artifact.featureBits),
    calibration: artifact.calibration,
    thresholds: artifact.thresholds,
  };
}

let shipped: NameWeights | undefined;
export function shippedNameModel(): NameWeights {
  shipped ??= loadNameModel(NAME_MODEL);
  return shipped;
}
