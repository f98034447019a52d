/**
 * L2-regularised logistic regression on sparse hashed features, fitted full-batch with L-BFGS.
 * Targets may be soft (any y in [0,1]), so the same code fits "P(weak fails)" and a mapped quality gap.
 * Only indices seen in training get a weight, so the saved model is as small as the training data.
 */
import type { SparseFeatures } from '../features/feature-hasher.js';

export interface LogisticModel {
  intercept: number;
  /** Feature index -> weight (only non-zero weights). */
  weights: Map<number, number>;
}

export interface LogisticTrainOptions {
  /** L2 strength on the mean log-loss. */
  l2: number;
  maxIterations?: number;
  /** Drop features present in fewer training rows than this (default 2). */
  minCount?: number;
  /** Per-example weights (default 1). */
  sampleWeights?: readonly number[];
}

export function sigmoid(z: number): number {
  if (z >= 0) return 1 / (1 + Math.exp(-z));
  const e = Math.exp(z);
  return e / (1 + e);
}

interface CompactData {
  rows: Array<{ idx: Int32Array; val: Float64Array }>;
  dim: number;
  original: number[];
}

function compact(xs: readonly SparseFeatures[], minCount: number): CompactData {
  // Features seen in fewer than minCount training rows get no weight: they cannot generalise and
  // dropping them keeps L-BFGS fast. Typed arrays over the (bounded) hashed space beat Maps here.
  let maxIndex = 0;
  for (const x of xs) for (let k = 0; k < x.indices.length; k++) maxIndex = Math.max(maxIndex, x.indices[k] as number);
  const rowCount = new Int32Array(maxIndex + 1);
  const stamp = new Int32Array(maxIndex + 1).fill(-1);
  xs.forEach((x, r) => {
    for (let k = 0; k < x.indices.length; k++) {
      const i = x.indices[k] as number;
      if (stamp[i] !== r) {
        stamp[i] = r;
        rowCount[i] = (rowCount[i] as number) + 1;
      }
    }
  });
  const compactOf = new Int32Array(maxIndex + 1).fill(-1);
  const original: number[] = [];
  for (let i = 0; i <= maxIndex; i++) {
    if ((rowCount[i] as number) >= minCount) {
      compactOf[i] = original.length;
      original.push(i);
    }
  }
  const slot = new Int32Array(original.length).fill(-1);
  const rows = xs.map((x) => {
    const idx: number[] = [];
    const val: number[] = [];
    for (let k = 0; k < x.indices.length; k++) {
      const c = compactOf[x.indices[k] as number] as number;
      if (c < 0) continue;
      const at = slot[c] as number;
      if (at >= 0) val[at] = (val[at] as number) + (x.values[k] as number);
      else {
        slot[c] = idx.length;
        idx.push(c);
        val.push(x.values[k] as number);
      }
    }
    for (const c of idx) slot[c] = -1;
    return { idx: Int32Array.from(idx), val: Float64Array.from(val) };
  });
  return { rows, dim: original.length, original };
}

/** Fits the model; `ys` are targets in [0,1]. */
export function trainLogistic(xs: readonly SparseFeatures[], ys: readonly number[], options: LogisticTrainOptions): LogisticModel {
  const data = compact(xs, options.minCount ?? 2);
  const n = xs.length;
  const sw = options.sampleWeights ?? ys.map(() => 1);
  const swSum = sw.reduce((a, b) => a + b, 0) || 1;
  const d = data.dim + 1; // last slot: unregularised intercept
  const l2 = options.l2;

  const objective = (theta: Float64Array, grad: Float64Array): number => {
    grad.fill(0);
    let loss = 0;
    const b = theta[d - 1] as number;
    for (let r = 0; r < n; r++) {
      const row = data.rows[r] as CompactData['rows'][number];
      let z = b;
      for (let k = 0; k < row.idx.length; k++) z += (theta[row.idx[k] as number] as number) * (row.val[k] as number);
      const y = ys[r] as number;
      const w = (sw[r] as number) / swSum;
      // log(1 + e^z) - y z, computed stably.
      loss += w * ((z > 0 ? z + Math.log1p(Math.exp(-z)) : Math.log1p(Math.exp(z))) - y * z);
      const g = w * (sigmoid(z) - y);
      for (let k = 0; k < row.idx.length; k++) {
        const i = row.idx[k] as number;
        grad[i] = (grad[i] as number) + g * (row.val[k] as number);
      }
      grad[d - 1] = (grad[d - 1] as number) + g;
    }
    for (let i = 0; i < d - 1; i++) {
      const t = theta[i] as number;
      loss += 0.5 * l2 * t * t;
      grad[i] = (grad[i] as number) + l2 * t;
    }
    return loss;
  };

  const theta = lbfgs(objective, new Float64Array(d), options.maxIterations ?? 100);
  const weights = new Map<number, number>();
  for (let i = 0; i < data.dim; i++) {
    const w = theta[i] as number;
    if (Math.abs(w) > 1e-7) weights.set(data.original[i] as number, w);
  }
  return { intercept: theta[d - 1] as number, weights };
}

/** The linear score z = b + w.x (before the sigmoid). */
export function logisticMargin(model: LogisticModel, x: SparseFeatures): number {
  let z = model.intercept;
  for (let k = 0; k < x.indices.length; k++) {
    const w = model.weights.get(x.indices[k] as number);
    if (w !== undefined) z += w * (x.values[k] as number);
  }
  return z;
}

type Objective = (theta: Float64Array, grad: Float64Array) => number;

function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += (a[i] as number) * (b[i] as number);
  return s;
}

/** Limited-memory BFGS (m = 8) with a backtracking Armijo line search. */
function lbfgs(f: Objective, x0: Float64Array, maxIterations: number): Float64Array {
  const m = 8;
  const d = x0.length;
  let x = x0;
  let g = new Float64Array(d);
  let fx = f(x, g);
  const ss: Float64Array[] = [];
  const ys: Float64Array[] = [];
  const rhos: number[] = [];
  const dir = new Float64Array(d);
  const alphas = new Float64Array(m);
  for (let iter = 0; iter < maxIterations; iter++) {
    // Two-loop recursion: dir = -H g.
    dir.set(g);
    for (let j = ss.length - 1; j >= 0; j--) {
      const a = (rhos[j] as number) * dot(ss[j] as Float64Array, dir);
      alphas[j] = a;
      const y = ys[j] as Float64Array;
      for (let i = 0; i < d; i++) dir[i] = (dir[i] as number) - a * (y[i] as number);
    }
    if (ss.length > 0) {
      const last = ss.length - 1;
      const gamma = dot(ss[last] as Float64Array, ys[last] as Float64Array) / dot(ys[last] as Float64Array, ys[last] as Float64Array);
      for (let i = 0; i < d; i++) dir[i] = (dir[i] as number) * gamma;
    }
    for (let j = 0; j < ss.length; j++) {
      const b = (rhos[j] as number) * dot(ys[j] as Float64Array, dir);
      const s = ss[j] as Float64Array;
      const a = alphas[j] as number;
      for (let i = 0; i < d; i++) dir[i] = (dir[i] as number) + (a - b) * (s[i] as number);
    }
    for (let i = 0; i < d; i++) dir[i] = -(dir[i] as number);
    let slope = dot(g, dir);
    if (slope >= 0) {
      // Not a descent direction: restart from steepest descent.
      ss.length = ys.length = rhos.length = 0;
      for (let i = 0; i < d; i++) dir[i] = -(g[i] as number);
      slope = dot(g, dir);
    }
    let step = iter === 0 ? 1 / Math.max(1e-12, Math.sqrt(-slope)) : 1;
    const xNew = new Float64Array(d);
    const gNew = new Float64Array(d);
    let fNew = Number.POSITIVE_INFINITY;
    for (let tries = 0; tries < 30; tries++) {
      for (let i = 0; i < d; i++) xNew[i] = (x[i] as number) + step * (dir[i] as number);
      fNew = f(xNew, gNew);
      if (fNew <= fx + 1e-4 * step * slope) break;
      step *= 0.5;
    }
    if (!(fNew < fx)) break;
    const s = new Float64Array(d);
    const y = new Float64Array(d);
    for (let i = 0; i < d; i++) {
      s[i] = (xNew[i] as number) - (x[i] as number);
      y[i] = (gNew[i] as number) - (g[i] as number);
    }
    const sy = dot(s, y);
    if (sy > 1e-12) {
      if (ss.length === m) {
        ss.shift();
        ys.shift();
        rhos.shift();
      }
      ss.push(s);
      ys.push(y);
      rhos.push(1 / sy);
    }
    const improvement = fx - fNew;
    x = xNew;
    g = gNew;
    fx = fNew;
    if (improvement < 1e-9 * Math.max(1, Math.abs(fx))) break;
  }
  return x;
}
