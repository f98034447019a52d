/**
 * What `tandem experiments` and GET /admin/experiments show of an experiment: its stored state with each
 * arm's means and the sequential test's current verdict and confidence-sequence bounds.
 */
import type { ExperimentState } from './experiment-store.js';
import { HIGHER_IS_BETTER, type ExperimentMetric } from './experiment-schema.js';
import type { SequentialVerdict } from './sequential-test.js';

export interface ArmView {
  model: string;
  requests: number;
  errors: number;
  observations: number;
  mean: number | null;
}

export interface ExperimentView {
  name: string;
  route: string;
  metric: string;
  higherIsBetter: boolean | null;
  status: ExperimentState['status'];
  reason: string | null;
  startedAt: string;
  decidedAt: string | null;
  control: ArmView;
  candidate: ArmView;
  /** The candidate's advantage (positive: better) and its always-valid bounds; null when this process does not run it or too few observations. */
  estimate: number | null;
  lower: number | null;
  upper: number | null;
}

export function experimentView(state: ExperimentState, verdict?: SequentialVerdict): ExperimentView {
  const arm = (which: 'control' | 'candidate'): ArmView => {
    const a = state.arms[which];
    return { model: state[which], requests: a.requests, errors: a.errors, observations: a.n, mean: a.n === 0 ? null : a.sum / a.n };
  };
  return {
    name: state.name,
    route: state.route,
    metric: state.metric,
    higherIsBetter: state.metric === 'agreement' ? true : state.metric in HIGHER_IS_BETTER ? HIGHER_IS_BETTER[state.metric as ExperimentMetric] : null,
    status: state.status,
    reason: state.reason,
    startedAt: new Date(state.startedAt).toISOString(),
    decidedAt: state.decidedAt === null ? null : new Date(state.decidedAt).toISOString(),
    control: arm('control'),
    candidate: arm('candidate'),
    estimate: verdict?.estimate ?? null,
    lower: verdict?.lower ?? null,
    upper: verdict?.upper ?? null,
  };
}
