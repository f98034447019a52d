/**
 * One training of a task route's student: read its examples from the store, train on the worker, record
 * the version with its metrics, and serve it if it beat the current student on the same held-out set.
 */
import type { StudentStatus, TaskExampleStore } from '../store/task-examples.js';
import { decodeArtifact, encodeArtifact, type StudentMetrics, type StudentThresholds } from './student-artifact.js';
import type { StudentTrainer } from './student-trainer.js';
import type { TaskRoute } from './task-route.js';
import type { TrainedStudent } from '../lifecycle/task-student-registry.js';

export interface DistillReport {
  route: string;
  version: number;
  promoted: boolean;
  /** It beat the live student on held-out examples and was registered as a canary instead of replacing it. */
  canary: boolean;
  /** Examples read from the store (training and evaluation together). */
  examples: number;
  labels: number;
  thresholds: StudentThresholds;
  metrics: StudentMetrics;
  /** The student serving before, measured on the same evaluation set; null when none served. */
  previous: { version: number; metrics: StudentMetrics } | null;
}

export async function trainRouteStudent(o: {
  route: TaskRoute;
  store: TaskExampleStore;
  trainer: StudentTrainer;
  now?: number;
  /** Called with every student trained, once it is stored (the gateway registers it in the model registry). */
  onTrained?: (student: TrainedStudent) => Promise<void>;
  /** A winner becomes a canary (tried on live traffic: student-canary.ts) rather than the live student, when one serves. */
  canary?: boolean;
}): Promise<DistillReport> {
  const { route, store } = o;
  const fixed = route.task.labels ? new Set(route.task.labels) : null;
  const examples = (await store.list(route.name))
    .filter((e) => fixed === null || fixed.has(e.label))
    .map((e) => ({ input: e.input, label: e.label, weight: e.weight }));
  const version = ((await store.students(route.name))[0]?.version ?? 0) + 1;
  route.newLabels = 0;
  route.examples = examples.length;
  route.trainedOnce = true;
  const current = route.student;
  const result = await o.trainer.train({
    route: route.name,
    version,
    targetAgreement: route.task.target_agreement,
    examples,
    trust: route.task.confidence === 'trust',
    current: current?.bytes,
    now: o.now ?? Date.now(),
  });
  const { artifact } = result;
  // Never a blind swap: with a live student to compare against, the winner is tried on live traffic first.
  const canary = o.canary === true && result.promote && current !== null;
  const promote = result.promote && !canary;
  const status: StudentStatus = promote ? 'active' : 'candidate';
  const previous = current && result.currentMetrics ? { version: current.artifact.version, metrics: result.currentMetrics } : null;
  await store.saveStudent({
    route: route.name,
    version,
    createdAt: artifact.createdAt,
    status,
    metrics: { ...artifact.metrics, thresholds: artifact.thresholds, labels: artifact.labels.length, targetAgreement: artifact.targetAgreement, previous },
    artifact: result.bytes,
  });
  if (o.onTrained) {
    const { metrics } = artifact;
    await o.onTrained({
      route: route.name,
      version,
      createdAt: artifact.createdAt,
      // The worker encodes only a promoted student; the registry keeps candidates too, to promote later.
      bytes: result.bytes ?? encodeArtifact(artifact),
      metrics: { ...metrics, thresholds: artifact.thresholds, labels: artifact.labels.length, targetAgreement: artifact.targetAgreement, previous },
      promoted: promote,
      canary,
      examples: examples.length,
    });
  }
  if (promote && result.bytes) {
    // The one serving now: the student compared against may have been demoted while this one trained.
    const displaced = route.student;
    route.serve(artifact, result.bytes);
    if (displaced) await store.setStudentStatus(route.name, displaced.artifact.version, 'retired');
    // Artifacts are large: keep the new student's and the one it replaced (to roll back to), drop older ones.
    for (const s of await store.students(route.name)) {
      if (s.hasArtifact && s.version !== version && s.version !== current?.artifact.version) await store.dropArtifact(route.name, s.version);
    }
  }
  return {
    route: route.name,
    version,
    promoted: promote,
    canary,
    examples: examples.length,
    labels: artifact.labels.length,
    thresholds: artifact.thresholds,
    metrics: artifact.metrics,
    previous,
  };
}

/** The route's active student from the store, if it has one with its artifact. */
export async function loadActiveStudent(route: TaskRoute, store: TaskExampleStore): Promise<void> {
  const active = (await store.students(route.name)).find((s) => s.status === 'active' && s.hasArtifact);
  if (!active) return;
  const record = await store.student(route.name, active.version);
  if (record?.artifact) route.serve(decodeArtifact(record.artifact), record.artifact);
}
