/**
 * GET /admin/dashboard/models: what the dashboard's "Models" panel shows (admin-dashboard-models-types.ts),
 * gathered from the registry and experiment store (every replica's totals) and this process's running
 * experiments, student canaries, drift monitors and task students (their live state).
 */
import type { Gateway } from '../gateway/gateway.js';
import type { ArtifactEntry } from '../lifecycle/artifact-registry.js';
import type { ExperimentRuntime } from '../lifecycle/experiment-runtime.js';
import type { ExperimentState } from '../lifecycle/experiment-store.js';
import { runningExperiment } from './admin-experiments.js';
import type { DashboardModels, DriftSummary, ExperimentSummary, RegistryVersionSummary, RouteModels, StudentSummary } from './admin-dashboard-models-types.js';

/** Decided experiments shown per route after the running ones (newest first). */
const DECIDED_PER_ROUTE = 5;
/** Scalar metrics kept per registry version: these first when present (students', then scorers'), then the others in order. */
const METRICS_PER_VERSION = 8;
const FIRST_METRICS = ['agreement', 'coverage', 'accuracy', 'apgr', 'threshold', 'evalExamples', 'trainExamples'];

export async function dashboardModels(gateway: Gateway): Promise<DashboardModels> {
  const [entries, experiments] = await Promise.all([gateway.store.registry.list(), gateway.store.experiments.list()]);
  const routes = new Map<string, RouteModels>();
  const routeOf = (name: string): RouteModels => {
    let r = routes.get(name);
    if (!r) routes.set(name, (r = { route: name, registry: [], otherVersions: 0, experiments: [], drift: null, students: null }));
    return r;
  };
  for (const [name, route] of Object.entries(gateway.config.routes)) {
    if (route.task || route.experiment || route.drift || route.router?.type === 'learned' || route.router?.type === 'cascade') routeOf(name);
  }
  const models: RegistryVersionSummary[] = [];
  for (const entry of entries) {
    const shown = entry.status === 'live' || entry.status === 'canary';
    if (entry.kind === 'model') {
      if (shown) models.push(versionSummary(entry));
      continue;
    }
    const r = routeOf(entry.name);
    if (shown) r.registry.push(versionSummary(entry));
    else r.otherVersions++;
  }
  for (const state of experiments) {
    const r = routeOf(state.route);
    const running = runningExperiment(gateway, state.name);
    if (state.status !== 'running' && r.experiments.filter((e) => e.status !== 'running').length >= DECIDED_PER_ROUTE) continue;
    r.experiments.push(experimentSummary(running?.state ?? state, running));
  }
  for (const r of routes.values()) {
    r.registry.sort((a, b) => a.kind.localeCompare(b.kind) || b.version - a.version);
    r.experiments.sort((a, b) => Number(b.status === 'running') - Number(a.status === 'running') || b.startedAt - a.startedAt);
    const monitor = gateway.lifecycle?.drift.get(r.route);
    if (monitor) r.drift = driftSummary(monitor);
    const serving = gateway.config.routes[r.route]?.task ? gateway.tasks?.serving?.(r.route) : undefined;
    if (serving) {
      const canary = serving.canary;
      r.students = {
        live: serving.live ? studentSummary(serving.live) : null,
        canary: canary ? { ...studentSummary(canary.student), share: canary.config.share, running: canary.running } : null,
      };
    }
  }
  return { routes: [...routes.values()].sort((a, b) => a.route.localeCompare(b.route)), models };
}

function versionSummary(e: ArtifactEntry): RegistryVersionSummary {
  const metrics: Record<string, number | string | boolean> = {};
  const keys = Object.keys(e.metrics).sort((a, b) => rank(a) - rank(b));
  for (const [key, value] of keys.map((k) => [k, e.metrics[k]] as const)) {
    if (Object.keys(metrics).length >= METRICS_PER_VERSION) break;
    if ((typeof value === 'number' && Number.isFinite(value)) || typeof value === 'string' || typeof value === 'boolean') metrics[key] = value;
  }
  return {
    kind: e.kind,
    name: e.name,
    version: e.version,
    status: e.status,
    sha256: e.sha256.slice(0, 12),
    createdAt: e.createdAt,
    updatedAt: e.updatedAt,
    metrics,
  };
}

function rank(key: string): number {
  const i = FIRST_METRICS.indexOf(key);
  return i === -1 ? FIRST_METRICS.length : i;
}

function experimentSummary(state: ExperimentState, running: ExperimentRuntime | undefined): ExperimentSummary {
  const arm = (which: 'control' | 'candidate') => {
    const a = state.arms[which];
    return { model: state[which], n: a.n, mean: a.n === 0 ? null : a.sum / a.n, requests: a.requests, errors: a.errors };
  };
  return {
    name: state.name,
    kind: state.metric === 'agreement' ? 'student' : 'model',
    metric: state.metric,
    status: state.status,
    reason: state.reason,
    share: running ? running.config.share : null,
    startedAt: state.startedAt,
    decidedAt: state.decidedAt,
    control: arm('control'),
    candidate: arm('candidate'),
    estimate: running?.verdict.estimate ?? null,
    lower: running?.verdict.lower ?? null,
    upper: running?.verdict.upper ?? null,
  };
}

function driftSummary(m: {
  config: { measure: 'psi' | 'js'; window: number; retrain: 'off' | 'suggest' | 'automatic' };
  threshold: number;
  psi: number | null;
  js: number | null;
  requests: number;
  inputDrift: boolean;
  qualityDrift: boolean;
  alerts: { input: number; quality: number };
  quality: { current: number; reference: number } | null;
}): DriftSummary {
  return {
    measure: m.config.measure,
    psi: m.psi,
    js: m.js,
    threshold: m.threshold,
    window: m.config.window,
    requests: m.requests,
    inputAlert: m.inputDrift,
    qualityAlert: m.qualityDrift,
    alerts: { ...m.alerts },
    quality: m.quality,
    retrain: m.config.retrain,
  };
}

function studentSummary(s: {
  artifact: { version: number; metrics: { agreement: number } };
  live: { agreement: number | null; checks: number };
}): StudentSummary {
  return {
    version: s.artifact.version,
    agreement: s.live.agreement,
    checks: s.live.checks,
    trainedAgreement: Number.isFinite(s.artifact.metrics.agreement) ? s.artifact.metrics.agreement : null,
  };
}
