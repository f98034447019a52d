/**
 * One running experiment on a route (docs/lifecycle.md#experiments): assigns callers to the control or the
 * candidate arm (sticky by a hash of the key or user), takes each arm's outcomes, checks the guardrails and
 * the sequential test after every observation, and keeps its state in the store so it survives a restart.
 *
 * Several replicas may run the same experiment: each adds its observations to the stored row atomically
 * (ExperimentStore.add) at most every 2 s and decides on everyone's totals; the first to write a decision
 * wins and the others adopt it.
 *
 * On a decision the experiment stops taking traffic, its row records the verdict, and the `onDecision`
 * hook runs (the lifecycle stage records a `promote` or `rollback` event for the candidate model in the
 * model registry). Promotion does not rewrite the config: the route keeps its live model until its config
 * names the candidate.
 */
import type { ExperimentConfig, ExperimentMetric } from './experiment-schema.js';
import { HIGHER_IS_BETTER } from './experiment-schema.js';
import { addArm, emptyArmState, type ArmDeltas, type ArmState, type ExperimentState, type ExperimentStatus, type ExperimentStore } from './experiment-store.js';
import { addObservation, evaluate, type SequentialTestOptions, type SequentialVerdict } from './sequential-test.js';

export type Arm = 'control' | 'candidate';

/** State writes happen at most this often while running (plus at once on a decision and at close). */
const SAVE_INTERVAL_MS = 2_000;

/**
 * What the runtime decides on: a model experiment's config, or a task student canary's (distill/student-canary.ts)
 * whose metric, `agreement`, is each checked answer's agreement with the teacher (1 or 0), higher better.
 */
export type ExperimentRuntimeConfig = Omit<ExperimentConfig, 'metric'> & { metric: ExperimentMetric | 'agreement' };

export interface ExperimentRuntimeOptions {
  route: string;
  config: ExperimentRuntimeConfig;
  /** The live model (config.control or the route's first model). */
  control: string;
  store: ExperimentStore;
  log?: (message: string) => void;
  onDecision?: (experiment: ExperimentRuntime) => void | Promise<void>;
  now?: () => number;
}

/** FNV-1a of a string into [0, 1): the sticky assignment. */
export function unitHash(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  // A final avalanche so that nearby keys spread over the whole range.
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  return (h >>> 0) / 4294967296;
}

export class ExperimentRuntime {
  readonly name: string;
  readonly test: SequentialTestOptions;
  /** The totals of every replica as last read, plus this replica's observations since. */
  state: ExperimentState;
  verdict: SequentialVerdict = { decision: 'continue', estimate: null, lower: null, upper: null };
  /** This replica's observations not yet added to the stored row. */
  private pending: ArmDeltas = { control: emptyArmState(), candidate: emptyArmState() };
  private pendingCount = 0;
  /** A decision made here, not yet written. */
  private decision: { status: Exclude<ExperimentStatus, 'running'>; reason: string; time: number } | null = null;
  private lastSave = 0;
  private saving: Promise<unknown> = Promise.resolve();

  private constructor(
    private readonly options: ExperimentRuntimeOptions,
    state: ExperimentState,
  ) {
    this.name = state.name;
    this.state = state;
    const c = options.config;
    this.test = {
      alpha: c.alpha,
      margin: c.mode === 'non_inferiority' ? c.margin : 0,
      tau: c.minimum_effect,
      minSamples: c.min_samples,
      maxSamples: c.max_samples,
      higherIsBetter: c.metric === 'agreement' ? true : HIGHER_IS_BETTER[c.metric],
    };
    this.verdict = evaluate(this.state.arms.control, this.state.arms.candidate, this.test);
  }

  /** Loads the experiment's stored state (same name, models and metric) or starts a fresh one. */
  static async open(options: ExperimentRuntimeOptions): Promise<ExperimentRuntime> {
    const { config, route, control } = options;
    const name = config.name ?? `${route}:${config.candidate}`;
    const stored = await options.store.get(name);
    const now = (options.now ?? Date.now)();
    const same = stored && stored.route === route && stored.control === control && stored.candidate === config.candidate && stored.metric === config.metric;
    const state: ExperimentState = same
      ? stored
      : {
          name,
          route,
          control,
          candidate: config.candidate,
          metric: config.metric,
          status: 'running',
          reason: null,
          arms: { control: emptyArmState(), candidate: emptyArmState() },
          startedAt: now,
          updatedAt: now,
          decidedAt: null,
        };
    const runtime = new ExperimentRuntime(options, state);
    if (!same) await options.store.save(state);
    return runtime;
  }

  get running(): boolean {
    return this.state.status === 'running';
  }

  get config(): ExperimentRuntimeConfig {
    return this.options.config;
  }

  /** The arm for a caller: `unit` is the key id or user (sticky), or null to draw at random. */
  assign(unit: string | null): Arm {
    const u = unit === null ? Math.random() : unitHash(`${this.name}\u0000${unit}`);
    return u < this.options.config.share ? 'candidate' : 'control';
  }

  modelOf(arm: Arm): string {
    return arm === 'candidate' ? this.state.candidate : this.state.control;
  }

  /**
   * A finished request of an arm: whether its model answered, in how long, at what cost. Feeds the
   * guardrails, and the test unless the metric is feedback.
   */
  observeRequest(arm: Arm, outcome: { answered: boolean; latencyMs: number; cost: number }): void {
    if (!this.running) return;
    const delta = emptyArmState();
    delta.requests = 1;
    if (!outcome.answered) delta.errors = 1;
    else delta.latencyMs = outcome.latencyMs;
    const metric = this.options.config.metric;
    if (metric === 'error_rate') addObservation(delta, outcome.answered ? 0 : 1);
    else if (metric === 'latency_ms' && outcome.answered) addObservation(delta, outcome.latencyMs);
    else if (metric === 'cost' && outcome.answered) addObservation(delta, outcome.cost);
    this.add(arm, delta);
  }

  /** A feedback score (0–1) on a request one of the arms answered. */
  observeFeedback(arm: Arm, score: number): void {
    if (!this.running || this.options.config.metric !== 'feedback_score') return;
    const delta = emptyArmState();
    addObservation(delta, score);
    this.add(arm, delta);
  }

  /** One observation of the metric for an arm, whatever the metric (a student canary's agreement: 1 or 0). */
  observe(arm: Arm, value: number): void {
    if (!this.running) return;
    const delta = emptyArmState();
    addObservation(delta, value);
    this.add(arm, delta);
  }

  /** Ends the experiment by hand (`tandem experiments stop`, admin API); false when it was not running. */
  async stop(reason: string): Promise<boolean> {
    if (!this.running) return false;
    this.end('stopped', reason);
    await this.flush();
    return this.state.status === 'stopped' && this.state.reason === reason;
  }

  /**
   * Adds this replica's new observations to the stored row, reads back every replica's totals (and decides
   * on them), writes a decision made here, and adopts one made elsewhere (another replica, `experiments stop`).
   */
  flush(): Promise<void> {
    const run = this.saving.then(() => this.push());
    this.saving = run.catch((error: unknown) =>
      this.log(`tandem: saving experiment ${this.name} failed: ${error instanceof Error ? error.message : String(error)}`),
    );
    return this.saving as Promise<void>;
  }

  private async push(): Promise<void> {
    const store = this.options.store;
    this.lastSave = this.now();
    const deltas = this.pending;
    const count = this.pendingCount;
    this.pending = { control: emptyArmState(), candidate: emptyArmState() };
    this.pendingCount = 0;
    let stored: ExperimentState | undefined;
    try {
      stored = count > 0 ? await store.add(this.name, deltas, this.now()) : await store.get(this.name);
    } catch (error) {
      // Not saved (the store is down): the observations go back into the next save, not lost.
      addArm(this.pending.control, deltas.control);
      addArm(this.pending.candidate, deltas.candidate);
      this.pendingCount += count;
      throw error;
    }
    if (stored === undefined) return;
    if (this.decision !== null) {
      const decision = this.decision;
      this.decision = null;
      if (await store.decide(this.name, decision)) {
        if (decision.status !== 'stopped') this.acted();
        return;
      }
      // Another replica decided first, or the experiment was stopped: its word stands.
      const winner = await store.get(this.name);
      if (winner) this.state = winner;
      return;
    }
    if (!this.running) return;
    if (stored.status !== 'running') {
      this.state = stored;
      this.log(`tandem: experiment ${this.name} ${stored.status}${stored.reason ? ` (${stored.reason})` : ''}`);
      return;
    }
    // Everyone's totals, plus what arrived here while the write was in flight.
    addArm(stored.arms.control, this.pending.control);
    addArm(stored.arms.candidate, this.pending.candidate);
    this.state.arms = stored.arms;
    this.decide();
    if (this.decision !== null) await this.push();
  }

  private add(arm: Arm, delta: ArmState): void {
    addArm(this.state.arms[arm], delta);
    addArm(this.pending[arm], delta);
    this.pendingCount++;
    this.state.updatedAt = this.now();
    this.decide();
    if (this.decision !== null || this.now() - this.lastSave >= SAVE_INTERVAL_MS) void this.flush();
  }

  private decide(): void {
    if (!this.running) return;
    const g = this.options.config.guardrails;
    const cand = this.state.arms.candidate;
    if (cand.requests >= g.min_samples) {
      const errorRate = cand.errors / cand.requests;
      if (g.max_error_rate !== undefined && errorRate > g.max_error_rate) {
        this.end('rolled_back', `guardrail: candidate error rate ${errorRate.toFixed(3)} > ${g.max_error_rate} over ${cand.requests} requests`);
        return;
      }
      const answered = cand.requests - cand.errors;
      const meanLatency = answered === 0 ? 0 : cand.latencyMs / answered;
      if (g.max_latency_ms !== undefined && answered >= g.min_samples && meanLatency > g.max_latency_ms) {
        this.end('rolled_back', `guardrail: candidate mean latency ${Math.round(meanLatency)} ms > ${g.max_latency_ms} ms`);
        return;
      }
    }
    this.verdict = evaluate(this.state.arms.control, cand, this.test);
    const v = this.verdict;
    const ci = `difference ${fmt(v.estimate)} in [${fmt(v.lower)}, ${fmt(v.upper)}]`;
    if (v.decision === 'promote')
      this.end('promoted', `sequential test: candidate ${this.test.margin > 0 ? `non-inferior (margin ${this.test.margin})` : 'better'}, ${ci}`);
    else if (v.decision === 'rollback') this.end('rolled_back', `sequential test: candidate worse, ${ci}`);
    else if (v.decision === 'max_samples') this.end('max_samples', `no decision within ${this.test.maxSamples} observations per arm, ${ci}`);
  }

  /** Stops traffic to the candidate at once; the decision is written by the next flush. */
  private end(status: Exclude<ExperimentStatus, 'running'>, reason: string): void {
    const now = this.now();
    Object.assign(this.state, { status, reason, decidedAt: now, updatedAt: now });
    this.decision = { status, reason, time: now };
    this.log(`tandem: experiment ${this.name} on route ${this.state.route}: ${status} (${reason})`);
  }

  /** The decision is ours (written first): run the hook (the registry follows it). */
  private acted(): void {
    void Promise.resolve()
      .then(() => this.options.onDecision?.(this))
      .catch((error: unknown) =>
        this.log(`tandem: acting on experiment ${this.name}'s decision failed: ${error instanceof Error ? error.message : String(error)}`),
      );
  }

  private now(): number {
    return (this.options.now ?? Date.now)();
  }

  private log(message: string): void {
    (this.options.log ?? console.error)(message);
  }
}

function fmt(value: number | null): string {
  return value === null ? '?' : value.toFixed(4);
}

export type { ArmState };
