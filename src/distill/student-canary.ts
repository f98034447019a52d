/**
 * A task student canary (docs/lifecycle.md#student-canaries): a registry `canary` version of a route's
 * student answers a sticky share of the route's requests, the live student the rest. Each checked answer
 * (a shadow check against the teacher, or feedback `correct`) is one observation, 1 or 0, for its arm; the
 * lifecycle's always-valid sequential test (lifecycle/experiment-runtime.ts) decides, and its state is kept
 * in the experiment store like a model experiment's, so `tandem experiments` and /admin/experiments show it.
 * The decision goes back to the registry (promote or retire), and every replica follows through the watch.
 */
import { type Arm, ExperimentRuntime } from '../lifecycle/experiment-runtime.js';
import type { ExperimentStore } from '../lifecycle/experiment-store.js';
import type { ChatRequest } from '../spec/chat-request.js';
import type { StudentArtifact } from './student-artifact.js';
import { defaultStudentCanary, type StudentCanaryConfig } from './student-canary-schema.js';
import type { ServingStudent, TaskRoute } from './task-route.js';

/** What the registry is asked to do with the canary's version once the test decided. */
export type CanaryAction = 'promote' | 'retire';

export interface StudentCanaryOptions {
  route: TaskRoute;
  /** The canary version, decoded, and its bytes. */
  artifact: StudentArtifact;
  bytes: Uint8Array;
  store: ExperimentStore;
  log: (message: string) => void;
  onDecision: (route: string, version: number, action: CanaryAction, reason: string, experiment: string) => Promise<void>;
}

/** The experiment's name: one per route and canary version (a new live student starts it afresh). */
export function canaryExperimentName(route: string, version: number): string {
  return `student-canary:${route}@v${version}`;
}

export class StudentCanary {
  private constructor(
    readonly student: ServingStudent,
    /** The live student it is compared against. */
    readonly liveVersion: number,
    readonly config: StudentCanaryConfig,
    readonly runtime: ExperimentRuntime,
  ) {}

  /** Opens (or resumes, after a restart) the canary of `artifact` against the route's live student. */
  static async open(o: StudentCanaryOptions): Promise<StudentCanary> {
    const live = o.route.student;
    if (!live) throw new Error(`route ${o.route.name} has no live student to compare a canary with`);
    const config = o.route.task.canary ?? defaultStudentCanary();
    const student = o.route.servingStudent(o.artifact, o.bytes);
    const version = o.artifact.version;
    const runtime = await ExperimentRuntime.open({
      route: o.route.name,
      control: live.info.name,
      store: o.store,
      log: o.log,
      config: {
        name: canaryExperimentName(o.route.name, version),
        control: live.info.name,
        candidate: student.info.name,
        share: config.share,
        sticky: config.sticky,
        metric: 'agreement',
        mode: config.mode,
        margin: config.margin,
        minimum_effect: config.minimum_effect,
        alpha: config.alpha,
        min_samples: config.min_samples,
        max_samples: config.max_samples,
        // A student answers locally in microseconds and never fails: the guardrails are for models.
        guardrails: { min_samples: config.max_samples },
      },
      onDecision: async (experiment) => {
        const status = experiment.state.status;
        if (status === 'stopped' || status === 'running') return;
        await o.onDecision(o.route.name, version, status === 'promoted' ? 'promote' : 'retire', experiment.state.reason ?? status, experiment.name);
      },
    });
    return new StudentCanary(student, live.artifact.version, config, runtime);
  }

  get version(): number {
    return this.student.artifact.version;
  }

  /** Takes traffic: the test has not decided and nobody stopped it. */
  get running(): boolean {
    return this.runtime.running;
  }

  /** The arm of a request: sticky per key or user as configured (`unit` is the caller's key id), else drawn. */
  assign(request: ChatRequest, unit: string | null): Arm {
    const user = request.params.user ?? null;
    const sticky = this.config.sticky;
    return this.runtime.assign(sticky === 'request' ? null : sticky === 'user' ? (user ?? unit) : (unit ?? user));
  }

  /** A checked answer of one of the two students: 1 when it agreed with the teacher (or the user said correct). */
  record(arm: Arm, agree: boolean): void {
    if (arm === 'candidate') this.student.live.record(agree);
    this.runtime.observe(arm, agree ? 1 : 0);
  }

  flush(): Promise<void> {
    return this.runtime.flush();
  }
}
