/**
 * One training of a task route's student: read its examples from the store, train on the worker, record
 * the version with its metrics, and serve it if it beat the current student on the same held-out set.
 */
import type { StudentStatus, TaskExampleStore } from '../store/task-examples.js';
import { decodeArtifact, type StudentMetrics, type StudentThresholds } from './student-artifact.js';
import type { StudentTrainer } from './student-trainer.js';
import type { TaskRoute } from './task-route.js';

export interface DistillReport {
  route: string;
  version: number;
  promoted: boolean;
  /** Examples read from the store (training and evaluation together). */
  examples: number;
  labels: number;
  thresholds: StudentThresholds;
  metrics: StudentMetrics;
  /** The student serving before, measured on the same evaluation set; null when none served. */
  previous: { version: number; metrics: StudentMetrics } | null;
}

export async function trainRouteStudent(o: { route: TaskRoute; store: TaskExampleStore; trainer: StudentTrainer; now?: number }): Promise<DistillReport> {
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
    current: current?.bytes,
    now: o.now ?? Date.now(),
  });
  const { artifact } = result;
  const status: StudentStatus = result.promote ? 'active' : 'candidate';
  const previous = current && result.currentMetrics ? { version: current.artifact.version, metrics: result.currentMetrics } : null;
  await store.saveStudent({
    route: route.name,
    version,
    createdAt: artifact.createdAt,
    status,
    metrics: { ...artifact.metrics, thresholds: artifact.thresholds, labels: artifact.labels.length, targetAgreement: artifact.targetAgreement, previous },
    artifact: result.bytes,
  });
  if (result.promote && result.bytes) {
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
    promoted: result.promote,
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
