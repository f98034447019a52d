/**
 * A student as it serves: the softmax over hashed features, and, in artifacts that carry them (format 2),
 * the trust index and combiner weights. `predict` returns the confidence the student's threshold applies
 * to: the combined one where the artifact has combiner weights, the top probability otherwise (older
 * artifacts decide as they always did).
 */
import { combinedConfidence } from './confidence-combiner.js';
import { featurize } from './hashed-features.js';
import { type Prediction, SoftmaxClassifier } from './softmax-model.js';
import type { StudentArtifact } from './student-artifact.js';
import { TrustIndex } from './trust-index.js';

export class StudentModel {
  readonly softmax: SoftmaxClassifier;
  private readonly trustIndex: TrustIndex | null;
  private readonly combiner: readonly number[] | null;

  constructor(artifact: Pick<StudentArtifact, 'params' | 'thresholds' | 'trust'>) {
    this.softmax = new SoftmaxClassifier(artifact.params);
    this.combiner = artifact.thresholds.combiner ?? null;
    this.trustIndex = artifact.trust && this.combiner ? new TrustIndex(artifact.trust) : null;
  }

  /** The predicted label, its confidence (`probability`: see the header) and novelty. */
  predict(text: string): Prediction {
    const p = this.softmax.predict(featurize(text));
    if (this.trustIndex === null || this.combiner === null) return p;
    return { ...p, probability: combinedConfidence(this.combiner, p.probability, this.trustIndex.trust(text, p.label)) };
  }
}
