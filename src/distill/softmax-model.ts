/**
 * A multinomial logistic regression over hashed sparse features, in typed arrays. Only the buckets seen in
 * training get weight rows (a 2^20-entry index maps a bucket to its row), so a model of 10,000 short
 * texts holds ~60k rows rather than a million. Trained by plain SGD with a linearly decaying step, as
 * fastText does; a pass over 10,000 examples takes well under a second.
 *
 * Beside the weights the model keeps each label's centroid (the mean of its training vectors,
 * normalised): the novelty signal is how far an input lies from the centroid of the label it predicts,
 * which a confident softmax cannot tell (a softmax is often most confident far from its data). Only the
 * predicted label's centroid is compared: one dot product instead of one per label, which halves the
 * work of a prediction, and an input that lies near some other label's examples but is given this label
 * is as suspect as one near none.
 */
import { HASH_BUCKETS, type SparseVector } from './hashed-features.js';
import { seededRandom } from '../testing/seeded-random.js';

export interface LabelledVector {
  x: SparseVector;
  /** Index into the label list. */
  y: number;
}

export interface TrainOptions {
  labelCount: number;
  epochs?: number;
  learningRate?: number;
  /** L2 penalty per step, applied to the rows an example touches. */
  l2?: number;
  seed?: number;
}

/** The trained parameters, as plain typed arrays (they cross to and from the training worker as they are). */
export interface SoftmaxParams {
  labelCount: number;
  /** The hash bucket of each weight row. */
  buckets: Int32Array;
  /** rows × labelCount, row-major. */
  weights: Float32Array;
  bias: Float32Array;
  /** rows × labelCount, row-major: column c is label c's normalised centroid. */
  centroids: Float32Array;
}

export interface Prediction {
  label: number;
  /** Softmax probability of `label`. */
  probability: number;
  /** 1 − the cosine similarity to the predicted label's centroid: 0 on its data, 1 sharing nothing with it. */
  novelty: number;
}

/** Per-label steps smaller than this are skipped (they would move a weight by less than float32 resolution matters). */
const GRADIENT_FLOOR = 1e-5;

export function trainSoftmax(examples: readonly LabelledVector[], options: TrainOptions): SoftmaxParams {
  const C = options.labelCount;
  const epochs = options.epochs ?? 12;
  const lr0 = options.learningRate ?? 0.8;
  const l2 = options.l2 ?? 1e-6;
  const random = seededRandom(options.seed ?? 1);

  const rowOf = new Int32Array(HASH_BUCKETS).fill(-1);
  const buckets: number[] = [];
  const rowsOf: Int32Array[] = [];
  for (const { x } of examples) {
    const rows = new Int32Array(x.indices.length);
    for (let i = 0; i < x.indices.length; i++) {
      const bucket = x.indices[i] as number;
      let row = rowOf[bucket] as number;
      if (row < 0) {
        row = buckets.length;
        rowOf[bucket] = row;
        buckets.push(bucket);
      }
      rows[i] = row;
    }
    rowsOf.push(rows);
  }
  const R = buckets.length;
  const weights = new Float32Array(R * C);
  const bias = new Float32Array(C);
  const scores = new Float64Array(C);
  const activeLabels = new Int32Array(C);

  const order = Array.from({ length: examples.length }, (_, i) => i);
  const total = Math.max(1, epochs * examples.length);
  let step = 0;
  for (let epoch = 0; epoch < epochs; epoch++) {
    shuffle(order, random);
    for (const e of order) {
      const { x, y } = examples[e] as LabelledVector;
      const rows = rowsOf[e] as Int32Array;
      const lr = lr0 * (1 - step / total);
      step++;
      scoresOf(rows, x.values, weights, bias, C, scores);
      softmaxInPlace(scores);
      for (let c = 0; c < C; c++) {
        const g = (scores[c] as number) - (c === y ? 1 : 0);
        scores[c] = lr * g;
        bias[c] = (bias[c] as number) - lr * g;
      }
      // Most labels have a negligible gradient once the model has seen a few passes: update only the others.
      let active = 0;
      for (let c = 0; c < C; c++) {
        if (Math.abs(scores[c] as number) > GRADIENT_FLOOR) activeLabels[active++] = c;
      }
      const decay = 1 - lr * l2;
      for (let i = 0; i < rows.length; i++) {
        const base = (rows[i] as number) * C;
        const v = x.values[i] as number;
        for (let a = 0; a < active; a++) {
          const c = activeLabels[a] as number;
          weights[base + c] = (weights[base + c] as number) * decay - v * (scores[c] as number);
        }
      }
    }
  }
  return { labelCount: C, buckets: Int32Array.from(buckets), weights, bias, centroids: centroidsOf(examples, rowsOf, R, C) };
}

function centroidsOf(examples: readonly LabelledVector[], rowsOf: readonly Int32Array[], R: number, C: number): Float32Array {
  const sums = new Float32Array(R * C);
  for (let e = 0; e < examples.length; e++) {
    const { x, y } = examples[e] as LabelledVector;
    const rows = rowsOf[e] as Int32Array;
    for (let i = 0; i < rows.length; i++) sums[(rows[i] as number) * C + y] = (sums[(rows[i] as number) * C + y] as number) + (x.values[i] as number);
  }
  const norms = new Float64Array(C);
  for (let r = 0; r < R; r++) for (let c = 0; c < C; c++) norms[c] = (norms[c] as number) + (sums[r * C + c] as number) ** 2;
  for (let c = 0; c < C; c++) norms[c] = (norms[c] as number) > 0 ? 1 / Math.sqrt(norms[c] as number) : 0;
  for (let r = 0; r < R; r++) for (let c = 0; c < C; c++) sums[r * C + c] = (sums[r * C + c] as number) * (norms[c] as number);
  return sums;
}

function scoresOf(rows: Int32Array, values: Float32Array, weights: Float32Array, bias: Float32Array, C: number, out: Float64Array): void {
  for (let c = 0; c < C; c++) out[c] = bias[c] as number;
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i] as number;
    if (row < 0) continue;
    const base = row * C;
    const v = values[i] as number;
    for (let c = 0; c < C; c++) out[c] = (out[c] as number) + v * (weights[base + c] as number);
  }
}

function softmaxInPlace(scores: Float64Array): void {
  let max = -Infinity;
  for (let c = 0; c < scores.length; c++) if ((scores[c] as number) > max) max = scores[c] as number;
  let sum = 0;
  for (let c = 0; c < scores.length; c++) {
    const e = Math.exp((scores[c] as number) - max);
    scores[c] = e;
    sum += e;
  }
  for (let c = 0; c < scores.length; c++) scores[c] = (scores[c] as number) / sum;
}

function shuffle(order: number[], random: () => number): void {
  for (let i = order.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    const t = order[i] as number;
    order[i] = order[j] as number;
    order[j] = t;
  }
}

/** A trained model ready to predict: its bucket index built once, scratch arrays reused (not re-entrant). */
export class SoftmaxClassifier {
  private readonly rowOf: Int32Array;
  private readonly rows = new Int32Array(4096);
  private readonly scores: Float64Array;

  constructor(readonly params: SoftmaxParams) {
    this.rowOf = new Int32Array(HASH_BUCKETS).fill(-1);
    for (let r = 0; r < params.buckets.length; r++) this.rowOf[params.buckets[r] as number] = r;
    this.scores = new Float64Array(params.labelCount);
  }

  predict(x: SparseVector): Prediction {
    const C = this.params.labelCount;
    const n = Math.min(x.indices.length, this.rows.length);
    const rows = this.rows.subarray(0, n);
    for (let i = 0; i < n; i++) rows[i] = this.rowOf[x.indices[i] as number] as number;
    const { weights, bias, centroids } = this.params;
    const scores = this.scores;
    for (let c = 0; c < C; c++) scores[c] = bias[c] as number;
    for (let i = 0; i < n; i++) {
      const row = rows[i] as number;
      if (row < 0) continue;
      const base = row * C;
      const v = x.values[i] as number;
      for (let c = 0; c < C; c++) scores[c] = (scores[c] as number) + v * (weights[base + c] as number);
    }
    softmaxInPlace(scores);
    let label = 0;
    for (let c = 1; c < C; c++) if ((scores[c] as number) > (scores[label] as number)) label = c;
    // Novelty against the predicted label's centroid only (see the header).
    let similarity = 0;
    for (let i = 0; i < n; i++) {
      const row = rows[i] as number;
      if (row >= 0) similarity += (x.values[i] as number) * (centroids[row * C + label] as number);
    }
    return { label, probability: scores[label] as number, novelty: 1 - Math.max(0, similarity) };
  }
}
