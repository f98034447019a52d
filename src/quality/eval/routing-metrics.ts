/**
 * RouteLLM's evaluation metrics (Ong et al., arXiv 2406.18665; lm-sys/RouteLLM routellm/evals), reproduced
 * exactly as ../shared/README.md spells them out:
 * - thresholds are the 11 decile edges of the scores (pandas `qcut(scores, 10, retbins=True)`, i.e. linear
 *   quantiles); for edges 0..9 a prompt goes strong when s >= edge, for the last edge when s > edge;
 * - each threshold gives (strong-call %, accuracy); points with equal strong-call % are averaged;
 * - PGR, CPT(x) by linear interpolation over points sorted by strong-call %, APGR from the trapezoid AUC.
 */
import type { LabelledExample } from '../datasets/labelled-dataset.js';

export interface CurvePoint {
  /** Share of prompts sent to the strong model, in percent. */
  strongPct: number;
  /** Mean quality of the chosen answers, in percent. */
  accuracy: number;
  /** Mean cost per prompt at this point, when costs are known. */
  cost?: number;
}

export interface CurveSummary {
  cpt20: number;
  cpt50: number;
  cpt80: number;
  apgr: number;
  auc: number;
}

/** Linear-interpolated quantile of sorted values (numpy's default, which pandas' qcut uses). */
export function quantileSorted(sorted: readonly number[], q: number): number {
  const n = sorted.length;
  if (n === 0) throw new Error('quantile of an empty list');
  const pos = q * (n - 1);
  const lo = Math.floor(pos);
  const hi = Math.min(lo + 1, n - 1);
  const a = sorted[lo] as number;
  const b = sorted[hi] as number;
  return a + (b - a) * (pos - lo);
}

/** The bins+1 edges `pd.qcut(scores, bins, retbins=True)` returns (duplicates kept). */
export function qcutEdges(scores: readonly number[], bins = 10): number[] {
  const sorted = Float64Array.from(scores).sort();
  const values = Array.from(sorted);
  const edges: number[] = [];
  for (let i = 0; i <= bins; i++) edges.push(quantileSorted(values, i / bins));
  return edges;
}

/** Sorts points by strong-call % and averages those with the same %. */
export function mergeEqualPoints(points: readonly CurvePoint[]): CurvePoint[] {
  const groups = new Map<number, CurvePoint[]>();
  for (const p of points) {
    const list = groups.get(p.strongPct);
    if (list) list.push(p);
    else groups.set(p.strongPct, [p]);
  }
  const merged: CurvePoint[] = [];
  for (const [strongPct, list] of groups) {
    const point: CurvePoint = { strongPct, accuracy: mean(list.map((p) => p.accuracy)) };
    if (list.every((p) => p.cost !== undefined)) point.cost = mean(list.map((p) => p.cost as number));
    merged.push(point);
  }
  return merged.sort((a, b) => a.strongPct - b.strongPct);
}

export interface CostModel {
  weak(example: LabelledExample): number;
  strong(example: LabelledExample): number;
}

export interface RoutingCurveOptions {
  examples: readonly LabelledExample[];
  /** One score per example, higher = more in need of the strong model (for a cascade: 1 - P(accept)). */
  scores: readonly number[];
  bins?: number;
  /** A cascade always pays for the small call; a router pays for the one model it picks. */
  mode?: 'route' | 'cascade';
  costs?: CostModel;
  /** Keep points with equal strong-call % apart (random runs are averaged point by point before merging). */
  keepDuplicates?: boolean;
}

/** The decile-threshold points of one router's scores. */
export function routingCurve(options: RoutingCurveOptions): CurvePoint[] {
  const { examples, scores, bins = 10, mode = 'route', costs } = options;
  if (scores.length !== examples.length) throw new Error('one score per example is needed');
  const n = examples.length;
  const edges = qcutEdges(scores, bins);
  const points: CurvePoint[] = [];
  edges.forEach((edge, i) => {
    const last = i === edges.length - 1;
    let strongCount = 0;
    let quality = 0;
    let cost = 0;
    for (let j = 0; j < n; j++) {
      const s = scores[j] as number;
      const e = examples[j] as LabelledExample;
      const toStrong = last ? s > edge : s >= edge;
      if (toStrong) strongCount++;
      quality += toStrong ? e.strong : e.weak;
      if (costs) {
        if (toStrong) cost += costs.strong(e) + (mode === 'cascade' ? costs.weak(e) : 0);
        else cost += costs.weak(e);
      }
    }
    const point: CurvePoint = { strongPct: (100 * strongCount) / n, accuracy: (100 * quality) / n };
    if (costs) point.cost = cost / n;
    points.push(point);
  });
  return options.keepDuplicates ? points : mergeEqualPoints(points);
}

/**
 * CPT(x): the strong-call % at which accuracy first reaches weak + x (strong - weak), interpolating
 * linearly between neighbouring points; the largest % when it is never reached.
 */
export function callPerformanceThreshold(points: readonly CurvePoint[], weak: number, strong: number, x: number): number {
  const target = weak + x * (strong - weak);
  const first = points[0];
  if (!first) return Number.NaN;
  if (first.accuracy >= target) return first.strongPct;
  for (let i = 1; i < points.length; i++) {
    const a = points[i - 1] as CurvePoint;
    const b = points[i] as CurvePoint;
    if (b.accuracy >= target) {
      const t = b.accuracy === a.accuracy ? 0 : (target - a.accuracy) / (b.accuracy - a.accuracy);
      return a.strongPct + t * (b.strongPct - a.strongPct);
    }
  }
  return (points[points.length - 1] as CurvePoint).strongPct;
}

/** Trapezoid integral of accuracy over strong-call fraction. */
export function curveAuc(points: readonly CurvePoint[]): number {
  let auc = 0;
  for (let i = 1; i < points.length; i++) {
    const a = points[i - 1] as CurvePoint;
    const b = points[i] as CurvePoint;
    auc += ((b.strongPct - a.strongPct) / 100) * ((a.accuracy + b.accuracy) / 2);
  }
  return auc;
}

/** APGR = (AUC - weak x span) / (strong x span - weak x span). */
export function averagePgr(points: readonly CurvePoint[], weak: number, strong: number): number {
  const first = points[0];
  const last = points[points.length - 1];
  if (!first || !last) return Number.NaN;
  const span = (last.strongPct - first.strongPct) / 100;
  return (curveAuc(points) - weak * span) / (strong * span - weak * span);
}

export function summarizeCurve(points: readonly CurvePoint[], weak: number, strong: number): CurveSummary {
  return {
    cpt20: callPerformanceThreshold(points, weak, strong, 0.2),
    cpt50: callPerformanceThreshold(points, weak, strong, 0.5),
    cpt80: callPerformanceThreshold(points, weak, strong, 0.8),
    apgr: averagePgr(points, weak, strong),
    auc: curveAuc(points),
  };
}

/** PGR of one accuracy. */
export function performanceGapRecovered(accuracy: number, weak: number, strong: number): number {
  return (accuracy - weak) / (strong - weak);
}

/** A small seeded PRNG (mulberry32) so random baselines and splits reproduce. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Random router: uniform scores under `seeds` seeds, averaged point by point, then equal % merged. */
export function randomCurve(options: Omit<RoutingCurveOptions, 'scores' | 'keepDuplicates'> & { seeds?: number }): CurvePoint[] {
  const seeds = options.seeds ?? 10;
  const runs: CurvePoint[][] = [];
  for (let s = 0; s < seeds; s++) {
    const rand = seededRandom(s + 1);
    const scores = options.examples.map(() => rand());
    runs.push(routingCurve({ ...options, scores, keepDuplicates: true }));
  }
  const first = runs[0] ?? [];
  const averaged = first.map((_, i) => {
    const at = runs.map((r) => r[i] as CurvePoint);
    const point: CurvePoint = {
      strongPct: mean(at.map((p) => p.strongPct)),
      accuracy: mean(at.map((p) => p.accuracy)),
    };
    if (at.every((p) => p.cost !== undefined)) point.cost = mean(at.map((p) => p.cost as number));
    return point;
  });
  return mergeEqualPoints(averaged);
}

/**
 * The oracle: at each strong-call budget (0%, 10%, ..., 100%) it sends the prompts where the strong model
 * gains most, and only those with a positive gain (RouteLLM's `get_optimal_accuracy`).
 */
export function oracleCurve(options: { examples: readonly LabelledExample[]; steps?: number; costs?: CostModel }): CurvePoint[] {
  const { examples, steps = 10, costs } = options;
  const n = examples.length;
  const order = examples.map((e, i) => ({ i, gain: e.strong - e.weak })).sort((a, b) => b.gain - a.gain);
  const baseQuality = examples.reduce((s, e) => s + e.weak, 0);
  const baseCost = costs ? examples.reduce((s, e) => s + costs.weak(e), 0) : 0;
  const points: CurvePoint[] = [];
  for (let k = 0; k <= steps; k++) {
    const budget = (n * k) / steps;
    let quality = baseQuality;
    let cost = baseCost;
    let remaining = budget;
    for (const { i, gain } of order) {
      if (remaining <= 0 || gain <= 0) break;
      // A fractional call at the budget's edge, as RouteLLM's min(strong_calls, gainers) counts it.
      const take = Math.min(1, remaining);
      const e = examples[i] as LabelledExample;
      quality += take * gain;
      if (costs) cost += take * (costs.strong(e) - costs.weak(e));
      remaining -= take;
    }
    // RouteLLM plots the oracle against the budget, not the calls it actually used.
    const point: CurvePoint = { strongPct: (100 * k) / steps, accuracy: (100 * quality) / n };
    if (costs) point.cost = cost / n;
    points.push(point);
  }
  return points;
}

function mean(values: readonly number[]): number {
  let s = 0;
  for (const v of values) s += v;
  return values.length ? s / values.length : Number.NaN;
}
