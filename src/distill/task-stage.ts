/**
 * The task-distillation stage of the request journey (docs/distillation.md). On a route with a `task`, the
 * pipeline asks the stage first: the route's student answers in microseconds when it is confident and the
 * input is like what it learned from; otherwise the teacher answers and the stage captures that answer as
 * a labelled example. Every `retrain_every` new labels a new student trains on a worker thread, and serves
 * only if it beats the current one on held-out examples (with a `canary` block, it is tried on a share of the
 * traffic first: student-canary.ts). A share of student answers is checked against the teacher afterwards;
 * a student whose live agreement falls below target by the margin is demoted.
 */
import type { TandemConfig } from '../config/schema.js';
import type { ProviderAdapter } from '../providers/provider-adapter.js';
import type { ChatRequest } from '../spec/chat-request.js';
import type { ModelInfo } from '../spec/model-info.js';
import type { ChatResult } from '../spec/stream-part.js';
import type { TaskExampleStore } from '../store/task-examples.js';
import { passes } from './calibrate-thresholds.js';
import { runShadowCheck, type ShadowPrivacy } from './shadow-check.js';
import { StudentTrainer } from './student-trainer.js';
import { TaskRoute } from './task-route.js';
import type { TaskSpec } from './task-spec.js';
import { loadActiveStudent, trainRouteStudent, type DistillReport } from './train-route-student.js';
import type { TrainedStudent } from '../lifecycle/task-student-registry.js';
import type { ArtifactRegistry } from '../lifecycle/artifact-registry.js';
import type { Arm } from '../lifecycle/experiment-runtime.js';
import type { ExperimentStore } from '../lifecycle/experiment-store.js';
import { decodeArtifact } from './student-artifact.js';
import { type CanaryAction, StudentCanary } from './student-canary.js';
import type { ServingStudent } from './task-route.js';

export interface TaskStudentAnswer {
  model: ModelInfo;
  result: ChatResult;
}

export interface TaskStage {
  /**
   * Synchronous, microseconds: the student's answer when confident and the input is not novel, else null.
   * While a canary runs, `unit` (the caller's key id) keeps a caller on one student.
   */
  answer(route: string, request: ChatRequest, unit?: string | null): TaskStudentAnswer | null;
  /** After the teacher answered on a task route (non-stream, or a completed stream): capture the example; never throws, never blocks the caller. `cloudRequest` is the privacy-rewritten request when the route pseudonymised, null if the route's capture privacy says skip. */
  taught(route: string, request: ChatRequest, answerText: string, cloudRequest: ChatRequest | null | undefined, answeredBy?: string): void;
  /** After a student answered: maybe schedule a shadow check against the teacher (never delaying the client). */
  served(route: string, request: ChatRequest, answer: TaskStudentAnswer): void;
  /**
   * A person's verdict on an answer of `model` (feedback `correct`, lifecycle/feedback-use.ts): on the
   * serving student's answers it counts in the live agreement like a shadow check (and may demote it).
   * Returns whether it counted.
   */
  judged(route: string, model: string, correct: boolean): boolean;
  /** The compiled spec of a task route (its input and label rules), or undefined for other routes. */
  taskSpec(route: string): TaskSpec | undefined;
  /** The student canary per route (running, or decided until the registry moves on): student-canary.ts. */
  readonly canaries?: ReadonlyMap<string, StudentCanary>;
  /** The students serving a route now: the live one and the canary (the dashboard's Models panel). */
  serving?(route: string): { live: ServingStudent | null; canary: StudentCanary | null };
  close(): Promise<void>;
}

export interface TaskStageOptions {
  config: TandemConfig;
  store: TaskExampleStore;
  models: ReadonlyMap<string, ModelInfo>;
  adapters: ReadonlyMap<string, ProviderAdapter>;
  /** The route's privacy for shadow checks: what the teacher may see of a request (gateway wiring). */
  privacy?: ShadowPrivacy;
  /** Train by itself as labels arrive (default true); `tandem distill` trains only when told. */
  autoTrain?: boolean;
  /** Replaces Math.random for the shadow sample (tests). */
  random?: () => number;
  /** Every student trained, once stored (the model registry registers it: lifecycle/task-student-registry.ts). */
  onTrained?: (student: TrainedStudent) => Promise<void>;
  /** A student was demoted by its shadow checks (the model registry retires it on every replica). */
  onDemoted?: (route: string, version: number) => void;
  /** Where student canaries keep their statistics (the experiment store); without it no canary runs. */
  experiments?: ExperimentStore;
  /** A canary's sequential test decided: the registry promotes or retires its version (every replica follows). */
  onCanaryDecision?: (route: string, version: number, action: CanaryAction, reason: string, experiment: string) => Promise<void>;
  log?: (message: string) => void;
}

/** How often running canaries add their observations to the store and adopt a stop made elsewhere. */
const CANARY_SYNC_MS = 5_000;

/** Shadow calls in flight per route at most; more are skipped rather than queued. */
const MAX_SHADOW_IN_FLIGHT = 4;

/** The stage when a route declares a task, else null. Loads each route's serving student from the store. */
export async function createTaskStage(options: TaskStageOptions): Promise<DistillingTaskStage | null> {
  const routes = new Map<string, TaskRoute>();
  for (const [name, route] of Object.entries(options.config.routes)) {
    if (!route.task) continue;
    const teacherName = route.task.teacher ?? route.baseline_model ?? mostExpensive(route.models, options.models);
    const teacher = options.models.get(teacherName);
    if (!teacher) throw new Error(`route "${name}": task teacher "${teacherName}" is not a configured model`);
    routes.set(name, new TaskRoute(name, route.task, route, teacher));
  }
  if (routes.size === 0) return null;
  const stage = new DistillingTaskStage(routes, options);
  for (const route of routes.values()) {
    await loadActiveStudent(route, options.store);
    route.examples = await options.store.count(route.name);
    stage.trainIfDue(route);
  }
  return stage;
}

function mostExpensive(models: readonly string[], infos: ReadonlyMap<string, ModelInfo>): string {
  let best = models[0] as string;
  let price = -1;
  for (const name of models) {
    const info = infos.get(name);
    const p = info ? info.pricing.inputPer1M + info.pricing.outputPer1M : -1;
    if (p > price) [best, price] = [name, p];
  }
  return best;
}

export class DistillingTaskStage implements TaskStage {
  private readonly trainer = new StudentTrainer();
  private readonly random: () => number;
  private readonly log: (message: string) => void;
  private closed = false;
  private answers = 0;
  /** The running (or decided, until the registry moves on) canary per route. */
  readonly canaries = new Map<string, StudentCanary>();
  private readonly canaryTimer: NodeJS.Timeout;

  constructor(
    readonly routes: ReadonlyMap<string, TaskRoute>,
    private readonly options: TaskStageOptions,
  ) {
    this.random = options.random ?? Math.random;
    this.log = options.log ?? ((message) => console.error(message));
    this.canaryTimer = setInterval(() => void Promise.all([...this.canaries.values()].filter((c) => c.running).map((c) => c.flush())), CANARY_SYNC_MS);
    this.canaryTimer.unref();
  }

  answer(route: string, request: ChatRequest, unit: string | null = null): TaskStudentAnswer | null {
    const task = this.routes.get(route);
    let student = task?.student;
    if (!task || !student) return null;
    const canary = this.canaries.get(route);
    if (canary?.running && canary.liveVersion === student.artifact.version && canary.assign(request, unit) === 'candidate') student = canary.student;
    // A request that asks for tools or images is not the classification the student learned.
    if (request.params.tools?.length || (request.params.n ?? 1) > 1) return null;
    const input = task.spec.input(request);
    if (input.length === 0) return null;
    const prediction = student.classifier.predict(input);
    if (!passes(student.artifact.thresholds, prediction)) return null;
    const label = student.artifact.labels[prediction.label] as string;
    return {
      model: student.info,
      result: {
        id: `student-${++this.answers}`,
        model: student.info.name,
        text: task.spec.answer(label),
        toolCalls: [],
        finishReason: { unified: 'stop', raw: 'stop' },
      },
    };
  }

  taught(route: string, request: ChatRequest, answerText: string, cloudRequest: ChatRequest | null | undefined, answeredBy?: string): void {
    try {
      const task = this.routes.get(route);
      if (!task || this.closed || cloudRequest === null) return;
      // Only the teacher's answers are labels: a fallback model's are not what the student should learn.
      if (answeredBy !== undefined && answeredBy !== task.teacher.name) return;
      if (cloudRequest !== undefined && task.task.capture === 'skip') return;
      this.capture(task, task.spec.input(cloudRequest ?? request), answerText);
    } catch (error) {
      this.log(`tandem: capturing a task example on ${route} failed: ${message(error)}`);
    }
  }

  /** `weight`: the requests this example stands for (1/shadow_fraction for a shadow check; see TaskExample.weight). */
  private capture(task: TaskRoute, input: string, answerText: string, weight = 1): void {
    const label = task.spec.label(answerText);
    if (input.length === 0 || label === null) {
      task.unreadable++;
      return;
    }
    this.options.store.capture({ route: task.name, input, label, time: Date.now(), weight }).then(
      () => {
        task.newLabels++;
        task.examples++;
        this.trainIfDue(task);
      },
      (error: unknown) => this.log(`tandem: storing a task example on ${task.name} failed: ${message(error)}`),
    );
  }

  served(route: string, request: ChatRequest, answer: TaskStudentAnswer): void {
    try {
      const task = this.routes.get(route);
      if (!task || this.closed || this.arm(task, answer.model.name) === null) return;
      const canary = this.canaries.get(route);
      const fraction = canary?.running ? canary.config.shadow_fraction : task.task.shadow_fraction;
      if (task.shadowInFlight >= MAX_SHADOW_IN_FLIGHT || this.random() >= fraction) return;
      const adapter = this.options.adapters.get(task.teacher.name);
      if (!adapter) return;
      task.shadowInFlight++;
      runShadowCheck({ adapter, request, privacy: this.options.privacy?.(route, request, task.teacher) })
        .then((shadow) => {
          if (shadow === null) return;
          // The teacher's answer is a label like any other (the privacy view decides what may be kept).
          if (shadow.cloudRequest === undefined || task.task.capture !== 'skip') {
            this.capture(task, task.spec.input(shadow.cloudRequest ?? request), shadow.text, 1 / fraction);
          }
          const teacherLabel = task.spec.label(shadow.text);
          if (teacherLabel === null) return;
          this.recordShadow(task, answer.model.name, teacherLabel === task.spec.label(answer.result.text));
        })
        .catch((error: unknown) => this.log(`tandem: shadow check on ${route} failed: ${message(error)}`))
        .finally(() => task.shadowInFlight--);
    } catch (error) {
      this.log(`tandem: scheduling a shadow check on ${route} failed: ${message(error)}`);
    }
  }

  judged(route: string, model: string, correct: boolean): boolean {
    const task = this.routes.get(route);
    if (!task || this.closed || this.arm(task, model) === null) return false;
    this.recordShadow(task, model, correct);
    return true;
  }

  /**
   * Which student a model name is on the route: the live one (`control`), the running canary
   * (`candidate`), or null (replaced meanwhile, or not a student of this route).
   */
  private arm(task: TaskRoute, model: string): Arm | null {
    const canary = this.canaries.get(task.name);
    if (canary?.running && canary.student.info.name === model) return 'candidate';
    return task.student?.info.name === model ? 'control' : null;
  }

  taskSpec(route: string): TaskSpec | undefined {
    return this.routes.get(route)?.spec;
  }

  private recordShadow(task: TaskRoute, studentName: string, agree: boolean): void {
    const canary = this.canaries.get(task.name);
    if (canary?.running) {
      const arm = this.arm(task, studentName);
      if (arm === 'candidate') {
        // The canary's checks decide its test; its own demotion is the test's rollback.
        canary.record('candidate', agree);
        return;
      }
      if (arm === 'control' && canary.liveVersion === task.student?.artifact.version) canary.record('control', agree);
    }
    const student = task.student;
    // The student may have been replaced while the teacher answered: the check was about the old one.
    if (!student || student.info.name !== studentName) return;
    task.shadowChecks++;
    student.live.record(agree);
    const { target_agreement: target, demotion } = task.task;
    if (!student.live.below(target - demotion.margin, demotion.min_checks)) return;
    task.student = null;
    task.demotions++;
    const version = student.artifact.version;
    this.log(
      `tandem: student ${studentName} demoted: live agreement ${((student.live.agreement ?? 0) * 100).toFixed(1)}% over ${student.live.checks} shadow checks, below ${((target - demotion.margin) * 100).toFixed(1)}%; the teacher answers until a new student passes`,
    );
    this.options.store
      .setStudentStatus(task.name, version, 'demoted')
      .catch((error: unknown) => this.log(`tandem: recording the demotion of ${studentName} failed: ${message(error)}`));
    this.options.onDemoted?.(task.name, version);
  }

  /** Starts a training in the background when the route has enough new labels. */
  trainIfDue(task: TaskRoute): void {
    if (this.closed || this.options.autoTrain === false || !task.due()) return;
    // With a `canary` block a retrained student is tried on live traffic before it replaces the live one.
    void this.train(task.name).catch((error: unknown) => this.log(`tandem: training the student of ${task.name} failed: ${message(error)}`));
  }

  /**
   * Trains the route's student now (`tandem distill`), after any training already running. With `canary`
   * (default: when the route has a `canary` block), a student that beats the live one on held-out examples
   * is registered as a canary instead of replacing it (drift's `retrain: automatic` always asks for one).
   */
  async train(route: string, options: { canary?: boolean } = {}): Promise<DistillReport> {
    const task = this.routes.get(route);
    if (!task) throw new Error(`route "${route}" has no task (routes with one: ${[...this.routes.keys()].join(', ') || 'none'})`);
    while (task.training) await task.training.catch(() => undefined);
    const training = trainRouteStudent({
      route: task,
      store: this.options.store,
      trainer: this.trainer,
      canary: options.canary ?? task.task.canary !== undefined,
      ...(this.options.onTrained ? { onTrained: this.options.onTrained } : {}),
    });
    task.training = training;
    try {
      return await training;
    } finally {
      task.training = null;
      // Labels that arrived during the training may already make the next one due.
      this.trainIfDue(task);
    }
  }

  /**
   * Makes every task route run its registry's newest `canary` student against its live one (the registry
   * watch calls this on every replica after syncLiveStudents). A canary whose version left `canary` status,
   * or whose live student changed, is closed (a new live student starts a fresh experiment). Returns what changed.
   */
  async syncCanaries(registry: ArtifactRegistry): Promise<string[]> {
    const changed: string[] = [];
    for (const route of this.routes.values()) {
      const entry = (await registry.list({ kind: 'task-student', name: route.name }))
        .filter((e) => e.status === 'canary')
        .sort((a, b) => b.version - a.version)[0];
      const current = this.canaries.get(route.name);
      const live = route.student;
      if (current && current.version === entry?.version && current.liveVersion === live?.artifact.version) continue;
      if (current) {
        this.canaries.delete(route.name);
        await current.flush();
        changed.push(`${route.name}: canary v${current.version} ended`);
      }
      if (!entry || !live || this.closed) continue;
      if (!this.options.experiments) {
        this.log(`tandem: student canary v${entry.version} on ${route.name} cannot run: no experiment store`);
        continue;
      }
      const bytes = await registry.bytes('task-student', route.name, entry.version);
      if (bytes === undefined) continue;
      const canary = await StudentCanary.open({
        route,
        artifact: decodeArtifact(bytes),
        bytes,
        store: this.options.experiments,
        log: this.log,
        onDecision: (name, version, action, reason, experiment) =>
          this.options.onCanaryDecision?.(name, version, action, reason, experiment) ?? Promise.resolve(),
      });
      this.canaries.set(route.name, canary);
      changed.push(
        `${route.name}: canary v${entry.version} against live v${live.artifact.version} on ${Math.round(canary.config.share * 100)}% of traffic${canary.running ? '' : ` (already ${canary.runtime.state.status})`}`,
      );
    }
    return changed;
  }

  /** The students serving a route now: the live one and a running canary's (dashboards, metrics). */
  serving(route: string): { live: ServingStudent | null; canary: StudentCanary | null } {
    return { live: this.routes.get(route)?.student ?? null, canary: this.canaries.get(route) ?? null };
  }

  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.canaryTimer);
    await Promise.allSettled([...this.canaries.values()].map((c) => c.flush()));
    // Terminating the worker fails a training in progress at once rather than waiting it out.
    await this.trainer.close();
    await Promise.allSettled([...this.routes.values()].map((r) => r.training));
  }
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
