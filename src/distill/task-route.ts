/**
 * One task route's distillation state: its compiled spec, the student serving now (if any), how many labels
 * arrived since the last training, and the serving student's live agreement.
 */
import type { RouteConfig } from '../config/schema.js';
import type { ModelInfo } from '../spec/model-info.js';
import { LiveAgreement } from './live-agreement.js';
import { StudentModel } from './student-model.js';
import type { StudentArtifact } from './student-artifact.js';
import type { TaskConfig } from './task-schema.js';
import { compileTaskSpec, type TaskSpec } from './task-spec.js';

export interface ServingStudent {
  artifact: StudentArtifact;
  /** The artifact encoded, as stored (sent to the training worker to compare the next student against). */
  bytes: Uint8Array;
  classifier: StudentModel;
  info: ModelInfo;
  live: LiveAgreement;
}

export class TaskRoute {
  readonly spec: TaskSpec;
  student: ServingStudent | null = null;
  /** Labels captured since the last training started. */
  newLabels = 0;
  /** Examples in the store (approximate between trainings: a repeated input counts again). */
  examples = 0;
  training: Promise<unknown> | null = null;
  shadowInFlight = 0;
  /** Counters for metrics and `tandem students`: shadow checks run, demotions, answers the label could not be read from. */
  shadowChecks = 0;
  demotions = 0;
  unreadable = 0;

  constructor(
    readonly name: string,
    readonly task: TaskConfig,
    readonly route: RouteConfig,
    /** The model whose answers are the labels (shadow checks call it). */
    readonly teacher: ModelInfo,
  ) {
    this.spec = compileTaskSpec(task);
  }

  serve(artifact: StudentArtifact, bytes: Uint8Array): void {
    this.student = this.servingStudent(artifact, bytes);
  }

  /** A student ready to answer on this route (the live one, or a canary: student-canary.ts). */
  servingStudent(artifact: StudentArtifact, bytes: Uint8Array): ServingStudent {
    return {
      artifact,
      bytes,
      classifier: new StudentModel(artifact),
      info: studentModelInfo(this.name, artifact.version, this.teacher),
      live: new LiveAgreement(this.task.demotion.window),
    };
  }

  /** A training has run since start-up (the first waits for `min_examples`, later ones for `retrain_every` new labels). */
  trainedOnce = false;

  /** Whether enough new labels arrived for a (re)training. */
  due(): boolean {
    if (this.training) return false;
    if (!this.trainedOnce && this.student === null) return this.examples >= this.task.min_examples;
    return this.newLabels >= this.task.retrain_every;
  }
}

/** What x-tandem-model and the request log name: `student:<route>@v<version>`, local and free. */
export function studentModelInfo(route: string, version: number, teacher: ModelInfo): ModelInfo {
  const name = `student:${route}@v${version}`;
  return {
    name,
    upstreamModel: name,
    provider: 'embedded',
    locality: 'local',
    contextWindow: teacher.contextWindow,
    defaultMaxOutputTokens: teacher.defaultMaxOutputTokens,
    pricing: { inputPer1M: 0, outputPer1M: 0, cachedInputPer1M: 0 },
    capabilities: { stream: true, tools: false, json: true, vision: false, embeddings: false },
    upstreamKey: `student:${route}`,
    timeoutMs: teacher.timeoutMs,
  };
}
