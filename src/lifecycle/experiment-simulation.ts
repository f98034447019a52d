/**
 * Simulated experiments for the sequential test (sequential-test.ts): Bernoulli outcomes (a feedback
 * score of 0/1, an error or not) split between two arms, checked after every observation exactly as the
 * gateway checks them. Used by the simulation test (error rate and power) and by `npm run bench:experiments`
 * (the sample-size table in docs/lifecycle.md). Seeded, so every figure reproduces.
 */
import { seededRandom } from '../quality/eval/routing-metrics.js';
import { addObservation, emptyArm, evaluate, type Decision, type SequentialTestOptions } from './sequential-test.js';

export interface SimulationSpec {
  /** Success probability of the control arm. */
  control: number;
  /** Success probability of the candidate arm. */
  candidate: number;
  /** Share of traffic the candidate gets (0–1). */
  share: number;
  experiments: number;
  seed: number;
  test: SequentialTestOptions;
}

export interface SimulationResult {
  experiments: number;
  promoted: number;
  rolledBack: number;
  maxSamples: number;
  /** Mean observations (both arms) per experiment until its decision. */
  meanObservations: number;
}

export function simulate(spec: SimulationSpec): SimulationResult {
  const counts: Record<Exclude<Decision, 'continue'>, number> = { promote: 0, rollback: 0, max_samples: 0 };
  let observations = 0;
  const random = seededRandom(spec.seed);
  for (let e = 0; e < spec.experiments; e++) {
    const control = emptyArm();
    const candidate = emptyArm();
    for (;;) {
      const toCandidate = random() < spec.share;
      const p = toCandidate ? spec.candidate : spec.control;
      addObservation(toCandidate ? candidate : control, random() < p ? 1 : 0);
      observations++;
      // The verdict can only change once both arms are past the minimum.
      if (control.n < spec.test.minSamples || candidate.n < spec.test.minSamples) continue;
      const { decision } = evaluate(control, candidate, spec.test);
      if (decision !== 'continue') {
        counts[decision]++;
        break;
      }
    }
  }
  return {
    experiments: spec.experiments,
    promoted: counts.promote,
    rolledBack: counts.rollback,
    maxSamples: counts.max_samples,
    meanObservations: observations / spec.experiments,
  };
}
