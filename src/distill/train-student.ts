/**
 * Trains one task student from captured examples (runs inside the training worker, train-student-worker.ts;
 * pure, so tests call it directly).
 *
 * 1. Split by a hash of the input: ~15% of inputs form the evaluation set, never trained on by any student of
 *    the route, so every version is measured on examples it never saw and two versions on the same set.
 * 2. K-fold on the rest: each fold's model predicts the examples it did not train on; the thresholds are
 *    calibrated on those out-of-fold predictions (calibrate-thresholds.ts).
 *    With `trust: true` the confidence is a logistic combination of the top probability and a trust score (the
 *    nearest training input of the predicted label vs of any other: trust-index.ts, confidence-combiner.ts),
 *    fitted on those out-of-fold predictions; an out-of-fold example's trust leaves only the example itself
 *    out of the index.
 * 3. The served model trains on the whole training part, is quantised as it will be stored, and is measured
 *    on the evaluation set, as is the current student: the new one is promoted only if it does better there.
 */
import { calibrateThresholds, passes, type OutOfFold } from './calibrate-thresholds.js';
import { combinedConfidence, fitCombiner, type CombinerSample } from './confidence-combiner.js';
import { featurize } from './hashed-features.js';
import { SoftmaxClassifier, trainSoftmax, type LabelledVector } from './softmax-model.js';
import { decodeArtifact, quantizeInPlace, type StudentArtifact, type StudentMetrics, type StudentThresholds } from './student-artifact.js';
import { StudentModel } from './student-model.js';
import { buildTrustIndex, TrustIndex } from './trust-index.js';

export interface TrainingExample {
  input: string;
  label: string;
  /** Requests of the traffic it stands for (TaskExample.weight); 1 when absent. */
  weight?: number;
}

export interface TrainStudentJob {
  route: string;
  version: number;
  targetAgreement: number;
  examples: TrainingExample[];
  /**
   * The route's student now serving, encoded (student-artifact.ts), re-measured on this job's evaluation set.
   * Bytes rather than the decoded arrays: a copy of them to the worker is one memcpy, not a structured clone.
   */
  current?: Uint8Array | undefined;
  folds?: number;
  epochs?: number;
  /**
   * Combine the top probability with the trust score (format-2 artifacts; the task's `confidence: trust`).
   * Off by default: offline, on i.i.d.
   * labels, it answers ~3.7 points more of Banking77 at the same agreement, but through the gateway, where
   * the captured labels are the inputs the student escalated, three runs gave 55–68% against 63.5% without
   * it (docs/distillation.md, "Third round").
   */
  trust?: boolean;
  now?: number;
}

export interface TrainStudentResult {
  artifact: StudentArtifact;
  /** The current student's metrics on the same evaluation set; null without one. */
  currentMetrics: StudentMetrics | null;
  /** The new student did better than the current one (or than answering nothing). */
  promote: boolean;
}

/**
 * Largest weight an example counts with (TaskExample.weight): a shadow check stands for 1/shadow_fraction
 * requests (50 at 2%), and at full weight one of them swung a held-out agreement by several points
 * (docs/decisions/task-distillation.md).
 */
export const MAX_WEIGHT = 5;

/** Share of inputs (by hash) held out for evaluation. */
export const EVAL_SHARE = 0.15;

export function isEvalInput(input: string): boolean {
  let h = 0x811c9dc5;
  for (let i = 0; i < input.length; i++) {
    h ^= input.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  // A second mix: FNV's low bits alone are poorly spread for short, similar strings.
  h ^= h >>> 16;
  h = Math.imul(h, 0x45d9f3b);
  h ^= h >>> 16;
  return (h >>> 0) % 1000 < EVAL_SHARE * 1000;
}

export function trainStudent(job: TrainStudentJob): TrainStudentResult {
  const started = performance.now();
  const folds = job.folds ?? 3;
  const epochs = job.epochs ?? 8;
  const labels = [...new Set(job.examples.map((e) => e.label))].sort();
  const labelIndex = new Map(labels.map((label, i) => [label, i]));
  const train: LabelledVector[] = [];
  const trainTexts: string[] = [];
  const trainWeights: number[] = [];
  const evaluation: Evaluated[] = [];
  for (const example of job.examples) {
    const weight = Math.min(example.weight ?? 1, MAX_WEIGHT);
    if (isEvalInput(example.input)) evaluation.push({ input: example.input, label: example.label, weight });
    else {
      train.push({ x: featurize(example.input), y: labelIndex.get(example.label) as number });
      trainTexts.push(example.input);
      trainWeights.push(weight);
    }
  }

  const trustData =
    job.trust === true
      ? buildTrustIndex(
          trainTexts,
          train.map((e) => e.y),
        )
      : null;
  const trustIndex = trustData ? new TrustIndex(trustData) : null;
  const samples: Array<CombinerSample & { novelty: number }> = [];
  if (train.length >= folds * 2) {
    for (let k = 0; k < folds; k++) {
      const fit = train.filter((_, i) => i % folds !== k);
      const model = new SoftmaxClassifier(trainSoftmax(fit, { labelCount: labels.length, epochs, seed: k + 1 }));
      for (let i = k; i < train.length; i += folds) {
        const example = train[i] as LabelledVector;
        const p = model.predict(example.x);
        const trust = trustIndex ? trustIndex.trust(trainTexts[i] as string, p.label, i) : { same: 0, other: 0 };
        samples.push({ probability: p.probability, trust, novelty: p.novelty, correct: p.label === example.y, weight: trainWeights[i] as number });
      }
    }
  }
  const combiner = trustIndex ? fitCombiner(samples) : null;
  const outOfFold: OutOfFold[] = samples.map((s) => ({
    probability: combiner ? combinedConfidence(combiner, s.probability, s.trust) : s.probability,
    novelty: s.novelty,
    correct: s.correct,
    weight: s.weight,
  }));
  const fromOutOfFold = calibrateThresholds(outOfFold, job.targetAgreement);
  const thresholds: StudentThresholds = combiner ? { ...fromOutOfFold, combiner } : fromOutOfFold;
  const params = trainSoftmax(train, { labelCount: labels.length, epochs, seed: 99 });
  quantizeInPlace(params);
  const trust = combiner && trustData ? trustData : undefined;
  const calibrated = outOfFold.filter((p) => passes(thresholds, p));
  const trainingMs = performance.now() - started;
  const base = {
    trainExamples: train.length,
    calibrationExamples: outOfFold.length,
    calibrationAgreement: share(
      calibrated.filter((p) => p.correct),
      calibrated,
    ),
    trainingMs,
  };
  const metrics = { ...base, ...evaluate(new StudentModel({ params, thresholds, trust }), labels, thresholds, evaluation) };
  const artifact: StudentArtifact = {
    route: job.route,
    version: job.version,
    createdAt: job.now ?? Date.now(),
    labels,
    targetAgreement: job.targetAgreement,
    thresholds,
    metrics,
    params,
    ...(trust ? { trust } : {}),
  };
  let currentMetrics: StudentMetrics | null = null;
  if (job.current) {
    const c = decodeArtifact(job.current);
    currentMetrics = { ...c.metrics, ...evaluate(new StudentModel(c), c.labels, c.thresholds, evaluation) };
  }
  const promote = beats(metrics, currentMetrics, job.targetAgreement);
  return { artifact, currentMetrics, promote };
}

/**
 * On the same evaluation set: the new student's answers agree with the labels at the target or better, and
 * it answers more of the traffic than the current one (or the current one no longer reaches the target).
 * Coverage is what the target is spent on: a student that answers more at the target is the better one.
 */
export function beats(candidate: EvaluationMetrics, current: EvaluationMetrics | null, target: number): boolean {
  if (candidate.coverage === 0 || !reaches(candidate, target)) return false;
  if (current === null || current.coverage === 0 || !reaches(current, target)) return true;
  return candidate.coverage > current.coverage;
}

/**
 * Agreement on the held-out set is not significantly below the target: the one-sided 95% Wilson upper
 * bound reaches it. Thresholds are calibrated to the target, so held-out agreement lands on either side of
 * it by chance; demanding the point estimate rejected about half of the good students.
 */
export function reaches(m: EvaluationMetrics, target: number): boolean {
  const n = m.answered;
  if (n === 0) return false;
  const z = 1.645;
  const p = m.agreement;
  const upper = (p + (z * z) / (2 * n) + z * Math.sqrt((p * (1 - p)) / n + (z * z) / (4 * n * n))) / (1 + (z * z) / n);
  return upper >= target;
}

type EvaluationMetrics = Pick<StudentMetrics, 'evalExamples' | 'accuracy' | 'coverage' | 'agreement' | 'answered'>;

interface Evaluated {
  input: string;
  label: string;
  weight: number;
}

function share(part: ReadonlyArray<{ weight: number }>, whole: ReadonlyArray<{ weight: number }>): number {
  const w = whole.reduce((s, e) => s + e.weight, 0);
  return w === 0 ? 0 : part.reduce((s, e) => s + e.weight, 0) / w;
}

/** Metrics on the evaluation set, each example counted by its weight (the traffic it stands for). */
export function evaluate(model: StudentModel, labels: readonly string[], thresholds: StudentThresholds, evaluation: readonly Evaluated[]): EvaluationMetrics {
  let total = 0;
  let top = 0;
  let answered = 0;
  let agreed = 0;
  let answeredCount = 0;
  for (const example of evaluation) {
    const p = model.predict(example.input);
    const right = labels[p.label] === example.label;
    total += example.weight;
    if (right) top += example.weight;
    if (passes(thresholds, p)) {
      answeredCount++;
      answered += example.weight;
      if (right) agreed += example.weight;
    }
  }
  return {
    evalExamples: evaluation.length,
    accuracy: total === 0 ? 0 : top / total,
    coverage: total === 0 ? 0 : answered / total,
    agreement: answered === 0 ? 0 : agreed / answered,
    answered: answeredCount,
  };
}
