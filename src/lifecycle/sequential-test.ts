/**
 * The always-valid sequential test behind experiments (docs/decisions/experiment-statistics.md): a
 * confidence sequence for the difference of two arms' means, from the mixture sequential probability
 * ratio test (mSPRT) with a normal mixture over the effect (Johari, Pekelis, Walsh 2017; Howard et al.
 * 2021). It may be evaluated after every observation ("peeking") without raising the error rate: with
 * probability at least 1 - alpha the true difference stays inside the sequence at every sample size.
 *
 * The sufficient statistics per arm are n, the sum and the sum of squares, so the whole state of an
 * experiment is six numbers (and survives a restart as such). The difference is oriented so that a positive
 * value means the candidate is better (for a lower-is-better metric, control minus candidate).
 */

/** One arm's sufficient statistics. */
export interface ArmStats {
  n: number;
  sum: number;
  sumSq: number;
}

export interface SequentialTestOptions {
  /** Error rate of the whole sequence (default 0.05): the chance of ever promoting a candidate that is not better (or not non-inferior). */
  alpha: number;
  /**
   * Promote when the candidate is better than control minus this margin (0: superiority; > 0: non-inferiority),
   * in the metric's own units.
   */
  margin: number;
  /** The mixture's standard deviation: the size of effect the test is tuned to detect soonest, in metric units. */
  tau: number;
  /** No decision before each arm has this many observations (variance estimates are poor before). */
  minSamples: number;
  /** Stop without a decision once each arm has this many. */
  maxSamples: number;
  /** True for feedback score and agreement; false for error rate, latency and cost. */
  higherIsBetter: boolean;
}

export type Decision = 'continue' | 'promote' | 'rollback' | 'max_samples';

export interface SequentialVerdict {
  decision: Decision;
  /** Candidate minus control, oriented so that positive is better; null before both arms have two observations. */
  estimate: number | null;
  /** The always-valid (1 - alpha) confidence sequence's bounds at this sample size, same orientation. */
  lower: number | null;
  upper: number | null;
}

export const emptyArm = (): ArmStats => ({ n: 0, sum: 0, sumSq: 0 });

export function addObservation(arm: ArmStats, value: number): void {
  arm.n += 1;
  arm.sum += value;
  arm.sumSq += value * value;
}

export function mean(arm: ArmStats): number {
  return arm.n === 0 ? 0 : arm.sum / arm.n;
}

/** Unbiased sample variance, floored so a run of identical values does not make the test certain. */
export function variance(arm: ArmStats): number {
  if (arm.n < 2) return Number.NaN;
  const v = (arm.sumSq - (arm.sum * arm.sum) / arm.n) / (arm.n - 1);
  return Math.max(v, 1e-9);
}

/**
 * Half-width of the normal-mixture confidence sequence for an estimate with variance `s2`: the set of
 * effects θ whose mixture likelihood ratio stays under 1/alpha,
 *   |estimate - θ| < sqrt( 2 s2 (s2 + τ²) / τ² · ( ln(1/alpha) + ½ ln((s2 + τ²) / s2) ) ).
 */
export function mixtureHalfWidth(s2: number, tau: number, alpha: number): number {
  const t2 = tau * tau;
  return Math.sqrt(((2 * s2 * (s2 + t2)) / t2) * (Math.log(1 / alpha) + 0.5 * Math.log((s2 + t2) / s2)));
}

export function evaluate(control: ArmStats, candidate: ArmStats, options: SequentialTestOptions): SequentialVerdict {
  if (control.n < 2 || candidate.n < 2) {
    return { decision: 'continue', estimate: null, lower: null, upper: null };
  }
  const sign = options.higherIsBetter ? 1 : -1;
  const estimate = sign * (mean(candidate) - mean(control));
  const s2 = variance(control) / control.n + variance(candidate) / candidate.n;
  const half = mixtureHalfWidth(s2, options.tau, options.alpha);
  const lower = estimate - half;
  const upper = estimate + half;
  let decision: Decision = 'continue';
  if (control.n >= options.minSamples && candidate.n >= options.minSamples) {
    if (lower > -options.margin) decision = 'promote';
    // Worse than control by more than the margin (for superiority, margin 0: simply worse).
    else if (upper < -options.margin) decision = 'rollback';
    else if (control.n >= options.maxSamples && candidate.n >= options.maxSamples) decision = 'max_samples';
  }
  return { decision, estimate, lower, upper };
}
