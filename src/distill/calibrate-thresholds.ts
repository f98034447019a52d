/**
 * Chooses a student's thresholds from out-of-fold predictions on captured examples (each predicted by a
 * model that did not train on it), never from anything the benchmark tests on.
 *
 * Novelty first: inputs farther from every label centroid than all but `noveltyQuantile` of the captured
 * inputs are treated as unlike the training data. Then confidence: the lowest top probability at which
 * the answers at or above it agree with the teacher at `target` or better.
 */
import type { StudentThresholds } from './student-artifact.js';

export interface OutOfFold {
  probability: number;
  novelty: number;
  correct: boolean;
  /** Requests of the traffic this example stands for (TaskExample.weight). */
  weight: number;
}

/** Share of in-distribution inputs the novelty gate lets through (1% of captured inputs count as novel). */
export const NOVELTY_QUANTILE = 0.99;

/** A threshold no probability reaches: the student answers nothing. */
export const NEVER = 1.01;

export function calibrateThresholds(predictions: readonly OutOfFold[], target: number, noveltyQuantile = NOVELTY_QUANTILE): StudentThresholds {
  if (predictions.length === 0) return { confidence: NEVER, novelty: 0 };
  const byNovelty = [...predictions].sort((a, b) => a.novelty - b.novelty);
  const total = byNovelty.reduce((sum, p) => sum + p.weight, 0);
  let novelty = (byNovelty.at(-1) as OutOfFold).novelty;
  let mass = 0;
  for (const p of byNovelty) {
    mass += p.weight;
    if (mass >= noveltyQuantile * total) {
      novelty = p.novelty;
      break;
    }
  }
  const familiar = predictions.filter((p) => p.novelty <= novelty).sort((a, b) => b.probability - a.probability);
  let correct = 0;
  let answered = 0;
  let confidence = NEVER;
  for (let i = 0; i < familiar.length; i++) {
    const p = familiar[i] as OutOfFold;
    answered += p.weight;
    if (p.correct) correct += p.weight;
    // Only where the next prediction is strictly less confident can a threshold separate them.
    const next = familiar[i + 1];
    if (next !== undefined && next.probability === p.probability) continue;
    if (correct / answered >= target) confidence = p.probability;
  }
  return { confidence, novelty };
}

/** Whether a prediction clears both thresholds. */
export function passes(thresholds: StudentThresholds, prediction: { probability: number; novelty: number }): boolean {
  return prediction.probability >= thresholds.confidence && prediction.novelty <= thresholds.novelty;
}
