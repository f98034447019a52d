import type { NameThresholds } from './name-tagger.js';

/** The trained name model as stored in src/privacy/data/name-model.ts (written by scripts/names/train-name-model.ts). */
export interface NameModelArtifact {
  featureVersion: number;
  featureBits: number;
  thresholds: NameThresholds;
  calibration: { a: number };
  scale: number;
  weights: string;
}
