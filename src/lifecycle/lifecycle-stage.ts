/**
 * The gateway's lifecycle stage (docs/lifecycle.md): the experiments and drift monitors of the routes that
 * configure them. On the request path it does two cheap things after planning: sends a request of an
 * experiment's candidate arm to the candidate model (the rest of the plan, fallbacks and policies, stays),
 * and adds the request's input to the route's drift window. Its request observer gives each finished
 * request's outcome to its experiment; POST /v1/feedback gives it scores.
 */
import type { TandemConfig } from '../config/schema.js';
import type { RequestObserver } from '../gateway/request-observer.js';
import { applyPolicies } from '../policy/compose-policies.js';
import type { PolicyContext } from '../policy/policy.js';
import type { RoutePlan } from '../routing/plan-route.js';
import { lastUserText, type ChatRequest } from '../spec/chat-request.js';
import type { ModelInfo } from '../spec/model-info.js';
import type { RequestRecord } from '../spec/request-record.js';
import type { TaskExampleStore } from '../store/task-examples.js';
import type { RegistryService } from './registry-service.js';
import { DriftMonitor } from './drift-monitor.js';
import type { ExperimentStore } from './experiment-store.js';
import { ExperimentRuntime, type Arm } from './experiment-runtime.js';

/** Requests whose arm is remembered until they finish; beyond this the oldest are forgotten. */
const MAX_PENDING = 10_000;
/** How often the stage writes changed experiment states and reads states changed elsewhere (`experiments stop`). */
const SYNC_MS = 5_000;

/** What the stage reads of the task stage (distill/task-stage.ts), when the gateway has one. */
interface TaskView {
  routes?: ReadonlyMap<
    string,
    {
      spec: { input(request: Pick<ChatRequest, 'messages'>): string };
      student: { live: { agreement: number | null; checks: number }; artifact: { metrics: { agreement: number } } } | null;
    }
  >;
  train?(route: string, options?: { canary?: boolean }): Promise<unknown>;
}

export interface LifecycleStageOptions {
  config: TandemConfig;
  experiments: ExperimentStore;
  taskExamples: TaskExampleStore;
  /** The gateway's registry service (audited changes), once it exists. */
  registry?: () => RegistryService | undefined;
  models: ReadonlyMap<string, ModelInfo>;
  tasks?: unknown;
  log?: (message: string) => void;
}

export class LifecycleStage {
  /** Experiment per route. */
  readonly experiments = new Map<string, ExperimentRuntime>();
  readonly drift = new Map<string, DriftMonitor>();
  private readonly pending = new Map<string, { experiment: ExperimentRuntime; arm: Arm }>();
  private readonly timer: NodeJS.Timeout;
  private readonly log: (message: string) => void;

  private constructor(private readonly options: LifecycleStageOptions) {
    this.log = options.log ?? ((m) => console.error(m));
    this.timer = setInterval(() => void this.sync(), SYNC_MS);
    this.timer.unref();
  }

  /** The stage when a route has an experiment or drift block, else null. */
  static async create(options: LifecycleStageOptions): Promise<LifecycleStage | null> {
    const routes = Object.entries(options.config.routes).filter(([, r]) => r.experiment !== undefined || r.drift !== undefined);
    if (routes.length === 0) return null;
    const stage = new LifecycleStage(options);
    for (const [name, route] of routes) {
      if (route.experiment) {
        const experiment = await ExperimentRuntime.open({
          route: name,
          config: route.experiment,
          control: route.experiment.control ?? (route.models[0] as string),
          store: options.experiments,
          log: stage.log,
          onDecision: (e) => stage.decided(e),
        });
        stage.experiments.set(name, experiment);
      }
      if (route.drift) {
        const monitor = new DriftMonitor({ route: name, config: route.drift, log: stage.log, onDrift: (kind, m) => stage.drifted(kind, m) });
        const fromExamples = (route.drift.reference ?? (route.task ? 'task_examples' : 'first_requests')) === 'task_examples';
        if (fromExamples) {
          const examples = await options.taskExamples.list(name);
          if (!monitor.setReference(examples.map((e) => e.input))) {
            stage.log(
              `tandem: drift on route ${name}: ${examples.length} training examples are too few for a reference; using the first ${route.drift.reference_size} requests`,
            );
          }
        }
        stage.drift.set(name, monitor);
      }
    }
    return stage;
  }

  /**
   * After planning: the candidate arm of a running experiment gets the candidate model first (when its
   * policies allow it), and the request joins the route's drift window. Returns the plan to execute.
   */
  plan(plan: RoutePlan, request: ChatRequest, requestId: string, unit: { keyId: string | null }, ctx: PolicyContext): RoutePlan {
    const name = plan.route.name;
    if (name === null) return plan;
    const monitor = this.drift.get(name);
    if (monitor) this.observeDrift(name, monitor, request);
    const experiment = this.experiments.get(name);
    if (!experiment?.running || plan.order[0]?.name !== experiment.state.control) return plan;
    const sticky = experiment.config.sticky;
    const user = request.params.user;
    const arm = experiment.assign(sticky === 'request' ? null : sticky === 'user' ? (user ?? unit.keyId ?? requestId) : (unit.keyId ?? user ?? requestId));
    if (arm === 'candidate') {
      const candidate = this.options.models.get(experiment.state.candidate);
      if (!candidate) return plan;
      const { allowed } = applyPolicies({ policies: plan.route.policies, request, candidates: [candidate], ctx });
      if (allowed.length === 0) return plan;
      plan = {
        ...plan,
        order: [candidate, ...plan.order.filter((m) => m.name !== candidate.name)],
        reason: `${plan.reason}; experiment ${experiment.name}: candidate ${candidate.name}`,
      };
    }
    if (this.pending.size >= MAX_PENDING) this.pending.delete(this.pending.keys().next().value as string);
    this.pending.set(requestId, { experiment, arm });
    return plan;
  }

  readonly observer: RequestObserver = {
    name: 'lifecycle',
    onRequestFinished: (record: RequestRecord) => {
      const entry = this.pending.get(record.id);
      if (!entry) return;
      this.pending.delete(record.id);
      const model = entry.experiment.modelOf(entry.arm);
      // Only requests its model was asked to answer count (a governance rule may have removed it).
      if (!record.attempts.some((a) => a.model === model)) return;
      const answered = record.model === model && record.status < 400;
      entry.experiment.observeRequest(entry.arm, { answered, latencyMs: record.totalMs, cost: record.cost });
    },
  };

  /** A rating of a logged request (POST /v1/feedback): counts for the arm whose model answered it. */
  feedback(request: Pick<RequestRecord, 'route' | 'model' | 'time'>, rating: { score: number | null; correct: boolean | null }): void {
    const experiment = request.route === null ? undefined : this.experiments.get(request.route);
    if (!experiment?.running || request.time < experiment.state.startedAt) return;
    const score = rating.score ?? (rating.correct === null ? null : rating.correct ? 1 : 0);
    if (score === null) return;
    const arm: Arm | null = request.model === experiment.state.candidate ? 'candidate' : request.model === experiment.state.control ? 'control' : null;
    if (arm) experiment.observeFeedback(arm, score);
  }

  /** Every experiment the stage runs, by name. */
  byName(name: string): ExperimentRuntime | undefined {
    for (const e of this.experiments.values()) if (e.name === name) return e;
    return undefined;
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    await Promise.all([...this.experiments.values()].map((e) => e.flush()));
  }

  /** Adds this replica's observations to the store and reads everyone's back; adopts a decision or stop made elsewhere. */
  async sync(): Promise<void> {
    await Promise.all([...this.experiments.values()].filter((e) => e.running).map((e) => e.flush()));
  }

  private observeDrift(route: string, monitor: DriftMonitor, request: ChatRequest): void {
    const task = (this.options.tasks as TaskView | null | undefined)?.routes?.get(route);
    monitor.observe(task ? task.spec.input(request) : lastUserText(request));
    if (task?.student && monitor.requests % monitor.config.check_every === 0) {
      const live = task.student.live;
      // The student's measured agreement when it was trained and started serving is the reference.
      monitor.observeQuality(live.checks >= 20 ? live.agreement : null, task.student.artifact.metrics.agreement);
    }
  }

  private drifted(kind: 'input' | 'quality', monitor: DriftMonitor): void {
    const retrain = monitor.config.retrain;
    if (retrain === 'off') return;
    const tasks = this.options.tasks as TaskView | null | undefined;
    const hasTask = tasks?.routes?.has(monitor.route) === true;
    if (retrain === 'suggest' || !hasTask || !tasks?.train) {
      this.log(
        `tandem: drift on route ${monitor.route} (${kind}): retraining suggested${hasTask ? ` (tandem distill --route ${monitor.route})` : ' (retrain its router from recent traffic: tandem train-router)'}`,
      );
      return;
    }
    this.log(`tandem: drift on route ${monitor.route} (${kind}): training a candidate student for a canary`);
    // Never a blind swap: a winner on held-out examples is registered as a canary and tried on live traffic.
    void tasks.train(monitor.route, { canary: true }).then(
      (report) =>
        this.log(
          `tandem: drift retraining of route ${monitor.route} finished: ${JSON.stringify(report && typeof report === 'object' && 'promoted' in report && 'canary' in report ? { promoted: report.promoted, canary: report.canary } : {})}`,
        ),
      (error: unknown) => this.log(`tandem: drift retraining of route ${monitor.route} failed: ${error instanceof Error ? error.message : String(error)}`),
    );
  }

  /** A decision: the candidate model's newest registry version (when it has one) is promoted or rolled back. */
  private async decided(experiment: ExperimentRuntime): Promise<void> {
    const status = experiment.state.status;
    if (status !== 'promoted' && status !== 'rolled_back') return;
    const service = this.options.registry?.();
    const name = experiment.state.candidate;
    const entry = service && (await service.registry.list({ kind: 'model', name }))[0];
    if (!service || !entry) {
      this.log(`tandem: experiment ${experiment.name}: model ${name} has no registry version; the decision is recorded in the experiment only`);
      return;
    }
    const by = { actor: `experiment:${experiment.name}`, reason: experiment.state.reason };
    if (status === 'promoted') await service.promote({ kind: 'model', name, version: entry.version }, by);
    else if (entry.status !== 'live') await service.retire({ kind: 'model', name, version: entry.version }, { ...by, action: 'rollback' });
  }
}
