/**
 * RouteLLM's calibration: to send a share s of traffic to the large model, the threshold is the (1 - s)
 * quantile of the scores of a reference set. The artifact keeps a grid of reference quantiles, so the
 * gateway can recalibrate to any share without the reference prompts.
 */
import { quantileSorted } from './eval/routing-metrics.js';

/** Number of intervals in the stored quantile grid (0.1% resolution). */
export const QUANTILE_STEPS = 1000;

/** Quantiles of `scores` at 0, 1/steps, ..., 1. */
export function referenceQuantiles(scores: readonly number[], steps = QUANTILE_STEPS): number[] {
  if (scores.length === 0) throw new Error('calibration needs at least one reference score');
  const sorted = Array.from(Float64Array.from(scores).sort());
  const grid: number[] = [];
  for (let i = 0; i <= steps; i++) grid.push(quantileSorted(sorted, i / steps));
  return grid;
}

/**
 * The threshold that sends about `llmShare` of the reference set to the large model (score >= threshold).
 * 0 sends nothing (a threshold above every score), 1 sends everything.
 */
export function thresholdForShare(quantiles: readonly number[], llmShare: number): number {
  if (!(llmShare >= 0 && llmShare <= 1)) throw new Error(`llm_share must be in [0, 1], got ${llmShare}`);
  const steps = quantiles.length - 1;
  if (steps < 1) throw new Error('the quantile grid needs at least two points');
  // Just above the largest reference score (slightly above 1 when that score is 1), so nothing is sent.
  if (llmShare <= 0) return (quantiles[steps] as number) + 1e-9;
  const pos = (1 - llmShare) * steps;
  const lo = Math.floor(pos);
  const hi = Math.min(lo + 1, steps);
  const a = quantiles[lo] as number;
  const b = quantiles[hi] as number;
  return a + (b - a) * (pos - lo);
}
