/**
 * How sure an evaluation is, from the prompts themselves rather than from re-drawn folds:
 * - a bootstrap 95% interval (percentile method) of APGR and CPT(50%): prompts are drawn with replacement,
 *   and the weak and strong accuracies are recomputed on each draw;
 * - a one-sided permutation p-value against random: the router's scores are shuffled across prompts
 *   (which is exactly a router that knows nothing) and p = (1 + #{APGR of a shuffle >= observed}) / (1 + B).
 * And the random router's exact expectation: uniform scores send a share x of prompts at random, so the
 * expected accuracy is weak + x (strong - weak), CPT(x) = x and APGR = 0.5, with no seed noise.
 */
import type { LabelledExample } from '../datasets/labelled-dataset.js';
import { modelAccuracy } from '../datasets/labelled-dataset.js';
import { averagePgr, callPerformanceThreshold, routingCurve, seededRandom, summarizeCurve, type CurvePoint, type CurveSummary } from './routing-metrics.js';

export interface Uncertainty {
  /** Bootstrap percentile interval over prompts. */
  apgr95: [number, number];
  cpt50_95: [number, number];
  /** One-sided permutation p-value of "no better than random" (APGR). */
  pVsRandom: number;
  resamples: number;
  /** How many prompts were resampled (one split's test set, or one CV repetition's prompts). */
  prompts: number;
}

function percentile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  const pos = q * (sorted.length - 1);
  const lo = Math.floor(pos);
  const hi = Math.min(lo + 1, sorted.length - 1);
  return (sorted[lo] as number) + ((sorted[hi] as number) - (sorted[lo] as number)) * (pos - lo);
}

export function routerUncertainty(options: {
  examples: readonly LabelledExample[];
  scores: readonly number[];
  resamples?: number;
  seed?: number;
}): Uncertainty {
  const { examples, scores } = options;
  const n = examples.length;
  const resamples = options.resamples ?? 500;
  const rand = seededRandom(options.seed ?? 97);
  const weak = modelAccuracy(examples, 'weak');
  const strong = modelAccuracy(examples, 'strong');
  const observed = averagePgr(routingCurve({ examples, scores }), weak, strong);

  const apgrs: number[] = [];
  const cpts: number[] = [];
  const drawnExamples = new Array<LabelledExample>(n);
  const drawnScores = new Array<number>(n);
  for (let b = 0; b < resamples; b++) {
    for (let i = 0; i < n; i++) {
      const j = Math.floor(rand() * n);
      drawnExamples[i] = examples[j] as LabelledExample;
      drawnScores[i] = scores[j] as number;
    }
    const w = modelAccuracy(drawnExamples, 'weak');
    const s = modelAccuracy(drawnExamples, 'strong');
    if (!(s > w)) continue;
    const curve = routingCurve({ examples: drawnExamples, scores: drawnScores });
    apgrs.push(averagePgr(curve, w, s));
    cpts.push(callPerformanceThreshold(curve, w, s, 0.5));
  }

  let atLeast = 0;
  const shuffled = [...scores];
  for (let b = 0; b < resamples; b++) {
    for (let i = n - 1; i > 0; i--) {
      const j = Math.floor(rand() * (i + 1));
      [shuffled[i], shuffled[j]] = [shuffled[j] as number, shuffled[i] as number];
    }
    if (averagePgr(routingCurve({ examples, scores: shuffled }), weak, strong) >= observed) atLeast++;
  }

  apgrs.sort((a, b) => a - b);
  cpts.sort((a, b) => a - b);
  return {
    apgr95: [percentile(apgrs, 0.025), percentile(apgrs, 0.975)],
    cpt50_95: [percentile(cpts, 0.025), percentile(cpts, 0.975)],
    pVsRandom: (1 + atLeast) / (1 + resamples),
    resamples,
    prompts: n,
  };
}

/** The random router's exact expected curve: a straight line from (0%, weak) to (100%, strong). */
export function exactRandomCurve(weak: number, strong: number, steps = 10): { curve: CurvePoint[]; summary: CurveSummary } {
  const curve: CurvePoint[] = [];
  for (let i = 0; i <= steps; i++) curve.push({ strongPct: (100 * i) / steps, accuracy: weak + ((strong - weak) * i) / steps });
  return { curve, summary: summarizeCurve(curve, weak, strong) };
}
