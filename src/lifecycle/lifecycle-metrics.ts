/**
 * The experiments' and drift monitors' Prometheus gauges, read at scrape time from the lifecycle stage
 * (nothing on the request path). Registered on every gateway (no series without experiments or drift
 * blocks), so the metric list does not depend on config. Labels come from config (route, experiment
 * name, a fixed arm and kind set), plus a task route's current student canary (`student-canary:<route>@v<N>`,
 * one at a time per route: series of ended canaries go at the next scrape).
 */
import { Gauge, type Registry } from 'prom-client';
import type { ExperimentRuntime } from './experiment-runtime.js';
import type { LifecycleStage } from './lifecycle-stage.js';

export interface LifecycleMetricsSource {
  readonly lifecycle?: unknown;
  /** The task stage: its student canaries (distill/student-canary.ts) are experiments too. */
  readonly tasks?: unknown;
}

const STATUS_CODE = { running: 0, promoted: 1, rolled_back: 2, max_samples: 3, stopped: 4 } as const;

function stageOf(source: LifecycleMetricsSource): LifecycleStage | null {
  return (source.lifecycle as LifecycleStage | null | undefined) ?? null;
}

export function registerLifecycleMetrics(registers: Registry[], source: LifecycleMetricsSource): void {
  const canaries = () => (source.tasks as { canaries?: ReadonlyMap<string, { runtime: ExperimentRuntime }> } | null | undefined)?.canaries?.values() ?? [];
  const experiments = () => [...(stageOf(source)?.experiments.values() ?? []), ...[...canaries()].map((c) => c.runtime)];
  const monitors = () => [...(stageOf(source)?.drift.values() ?? [])];
  const perArm = (name: string, help: string, read: (arm: { n: number; sum: number; requests: number; errors: number }) => number | null): void => {
    new Gauge({
      name,
      help,
      labelNames: ['experiment', 'route', 'arm'],
      registers,
      collect() {
        this.reset();
        for (const e of experiments()) {
          for (const arm of ['control', 'candidate'] as const) {
            const value = read(e.state.arms[arm]);
            if (value !== null) this.set({ experiment: e.name, route: e.state.route, arm }, value);
          }
        }
      },
    });
  };
  perArm('tandem_experiment_requests', 'Requests of an experiment arm whose model was asked to answer.', (a) => a.requests);
  perArm('tandem_experiment_errors', 'Requests of an experiment arm that its model failed.', (a) => a.errors);
  perArm('tandem_experiment_observations', "Observations of the experiment's metric in an arm (the sequential test's sample size).", (a) => a.n);
  perArm('tandem_experiment_metric_mean', "Mean of the experiment's metric in an arm; no series before its first observation.", (a) =>
    a.n === 0 ? null : a.sum / a.n,
  );
  new Gauge({
    name: 'tandem_experiment_status',
    help: 'Experiment status: 0 running, 1 promoted, 2 rolled back, 3 stopped at the maximum sample size, 4 stopped by hand.',
    labelNames: ['experiment', 'route'],
    registers,
    collect() {
      this.reset();
      for (const e of experiments()) this.set({ experiment: e.name, route: e.state.route }, STATUS_CODE[e.state.status]);
    },
  });
  new Gauge({
    name: 'tandem_experiment_effect_bound',
    help: "The always-valid confidence sequence's bounds on the candidate's advantage (positive: better), in the metric's units.",
    labelNames: ['experiment', 'route', 'bound'],
    registers,
    collect() {
      this.reset();
      for (const e of experiments()) {
        const { lower, upper } = e.verdict;
        if (lower !== null) this.set({ experiment: e.name, route: e.state.route, bound: 'lower' }, lower);
        if (upper !== null) this.set({ experiment: e.name, route: e.state.route, bound: 'upper' }, upper);
      }
    },
  });
  new Gauge({
    name: 'tandem_drift_input_score',
    help: "Input drift of a route: the sliding window's divergence from the reference (`measure`: psi or js); no series before the first check.",
    labelNames: ['route', 'measure'],
    registers,
    collect() {
      this.reset();
      for (const m of monitors()) {
        if (m.psi !== null) this.set({ route: m.route, measure: 'psi' }, m.psi);
        if (m.js !== null) this.set({ route: m.route, measure: 'js' }, m.js);
      }
    },
  });
  new Gauge({
    name: 'tandem_drift_threshold',
    help: "The input drift threshold of a route, in its configured measure's units.",
    labelNames: ['route', 'measure'],
    registers,
    collect() {
      this.reset();
      for (const m of monitors()) this.set({ route: m.route, measure: m.config.measure }, m.threshold);
    },
  });
  new Gauge({
    name: 'tandem_drift_detected',
    help: 'Whether drift is flagged on a route now (1) or not (0), by kind (input, quality).',
    labelNames: ['route', 'kind'],
    registers,
    collect() {
      this.reset();
      for (const m of monitors()) {
        this.set({ route: m.route, kind: 'input' }, m.inputDrift ? 1 : 0);
        this.set({ route: m.route, kind: 'quality' }, m.qualityDrift ? 1 : 0);
      }
    },
  });
  new Gauge({
    name: 'tandem_drift_alerts',
    help: 'Times drift was newly flagged on a route since start, by kind (input, quality).',
    labelNames: ['route', 'kind'],
    registers,
    collect() {
      this.reset();
      for (const m of monitors()) {
        this.set({ route: m.route, kind: 'input' }, m.alerts.input);
        this.set({ route: m.route, kind: 'quality' }, m.alerts.quality);
      }
    },
  });
}
