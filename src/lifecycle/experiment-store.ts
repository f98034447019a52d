/**
 * Experiments in the store (migration 012): each experiment's arms' sufficient statistics and its decision,
 * so an experiment survives a restart and `tandem experiments` can read and stop it. One row per experiment;
 * every replica running it adds its observations to the same row (`add`), so all decide on the same totals.
 */

export type ExperimentStatus = 'running' | 'promoted' | 'rolled_back' | 'max_samples' | 'stopped';

export interface ArmState {
  /** Observations of the metric: count, sum and sum of squares (sequential-test.ts). */
  n: number;
  sum: number;
  sumSq: number;
  /** Requests the arm's model was asked to answer, and how many of them it failed (guardrails). */
  requests: number;
  errors: number;
  /** Summed latency (ms) of the arm's answered requests, for the latency guardrail. */
  latencyMs: number;
}

export interface ExperimentState {
  name: string;
  route: string;
  control: string;
  candidate: string;
  metric: string;
  status: ExperimentStatus;
  /** Why it stopped (the test's verdict, a guardrail, or who stopped it); null while running. */
  reason: string | null;
  arms: { control: ArmState; candidate: ArmState };
  startedAt: number;
  updatedAt: number;
  decidedAt: number | null;
}

export interface ArmDeltas {
  control: ArmState;
  candidate: ArmState;
}

export interface ExperimentStore {
  /** Stores a new experiment, or replaces one of the same name (a fresh start). */
  save(state: ExperimentState): Promise<void>;
  get(name: string): Promise<ExperimentState | undefined>;
  /** Every experiment, newest start first. */
  list(): Promise<ExperimentState[]>;
  /**
   * Adds one replica's new observations to the arms atomically (other replicas add theirs concurrently) and
   * returns the experiment with everyone's totals; undefined when there is no such experiment.
   */
  add(name: string, deltas: ArmDeltas, time: number): Promise<ExperimentState | undefined>;
  /**
   * Ends a running experiment with a decision or a stop (`tandem experiments stop`); false when it is
   * unknown or already ended (another replica decided first: read it back and adopt its decision).
   */
  decide(name: string, decision: { status: Exclude<ExperimentStatus, 'running'>; reason: string; time: number }): Promise<boolean>;
}

export const emptyArmState = (): ArmState => ({ n: 0, sum: 0, sumSq: 0, requests: 0, errors: 0, latencyMs: 0 });

export function addArm(into: ArmState, delta: ArmState): void {
  into.n += delta.n;
  into.sum += delta.sum;
  into.sumSq += delta.sumSq;
  into.requests += delta.requests;
  into.errors += delta.errors;
  into.latencyMs += delta.latencyMs;
}
