/**
 * The confidence a student's threshold applies to: a logistic combination of the top probability and the
 * trust score (trust-index.ts), fitted on out-of-fold predictions to predict agreement with the teacher.
 * Four weights: bias, logit(p1), similarity to the nearest example of the predicted label, and to the
 * nearest example of any other label. Students without weights (artifacts before it) use p1 alone.
 */
import type { Trust } from './trust-index.js';

export interface CombinerSample {
  probability: number;
  trust: Trust;
  correct: boolean;
  weight: number;
}

/** Fewer wrong (or right) out-of-fold answers than this and the top probability alone is used. */
export const MIN_CLASS_SAMPLES = 10;

const logit = (p: number): number => Math.log(Math.max(p, 1e-9) / Math.max(1 - p, 1e-9));
const sigmoid = (z: number): number => 1 / (1 + Math.exp(-z));

function features(probability: number, trust: Trust): [number, number, number, number] {
  return [1, logit(probability), trust.same, trust.other];
}

/** The combined confidence, in (0, 1). */
export function combinedConfidence(weights: readonly number[], probability: number, trust: Trust): number {
  const x = features(probability, trust);
  let z = 0;
  for (let i = 0; i < x.length; i++) z += (weights[i] ?? 0) * (x[i] as number);
  return sigmoid(z);
}

/**
 * Weighted logistic regression by Newton's method with a small ridge; null when the samples hold too few
 * wrong or right answers to fit (the top probability alone then decides).
 */
export function fitCombiner(samples: readonly CombinerSample[]): number[] | null {
  const wrong = samples.filter((s) => !s.correct).length;
  if (wrong < MIN_CLASS_SAMPLES || samples.length - wrong < MIN_CLASS_SAMPLES) return null;
  const X = samples.map((s) => features(s.probability, s.trust));
  const d = 4;
  const w = [0, 0, 0, 0];
  const ridge = 1e-3;
  for (let iteration = 0; iteration < 30; iteration++) {
    const g = [0, 0, 0, 0];
    const H = [0, 0, 0, 0].map(() => [0, 0, 0, 0]);
    for (let i = 0; i < samples.length; i++) {
      const x = X[i] as number[];
      const { correct, weight } = samples[i] as CombinerSample;
      let z = 0;
      for (let a = 0; a < d; a++) z += (w[a] as number) * (x[a] as number);
      const p = sigmoid(z);
      const r = weight * (p - (correct ? 1 : 0));
      const s = weight * p * (1 - p);
      for (let a = 0; a < d; a++) {
        g[a] = (g[a] as number) + r * (x[a] as number);
        const row = H[a] as number[];
        for (let b = 0; b < d; b++) row[b] = (row[b] as number) + s * (x[a] as number) * (x[b] as number);
      }
    }
    for (let a = 0; a < d; a++) {
      (H[a] as number[])[a] = ((H[a] as number[])[a] as number) + ridge;
      g[a] = (g[a] as number) + ridge * (w[a] as number);
    }
    const step = solve(H, g);
    let moved = 0;
    for (let a = 0; a < d; a++) {
      w[a] = (w[a] as number) - (step[a] as number);
      moved = Math.max(moved, Math.abs(step[a] as number));
    }
    if (moved < 1e-8) break;
  }
  return w.every(Number.isFinite) ? w : null;
}

/** Gaussian elimination with partial pivoting (a 4×4 system). */
export function solve(A: number[][], b: number[]): number[] {
  const n = b.length;
  const M = A.map((row, i) => [...row, b[i] as number]);
  for (let c = 0; c < n; c++) {
    let pivot = c;
    for (let r = c + 1; r < n; r++) if (Math.abs((M[r] as number[])[c] as number) > Math.abs((M[pivot] as number[])[c] as number)) pivot = r;
    const top = M[pivot] as number[];
    M[pivot] = M[c] as number[];
    M[c] = top;
    for (let r = 0; r < n; r++) {
      if (r === c) continue;
      const row = M[r] as number[];
      const f = (row[c] as number) / (top[c] as number);
      for (let k = c; k <= n; k++) row[k] = (row[k] as number) - f * (top[k] as number);
    }
  }
  return M.map((row, i) => (row[n] as number) / (row[i] as number));
}
