/**
 * Task students in the model registry (docs/decisions/model-registry.md). Every student `tandem distill` or
 * the gateway trains is registered as kind `task-student`, name = the route, under the student's own
 * version number, live when it won its comparison. From then on the registry decides which student serves:
 * a promotion or rollback there reaches the serving route (syncLiveStudents, run by the registry watch on
 * every replica) and is mirrored into `task_students` so `tandem students` tells the same story.
 */
import { decodeArtifact } from '../distill/student-artifact.js';
import type { TaskRoute } from '../distill/task-route.js';
import type { TaskExampleStore } from '../store/task-examples.js';
import type { ArtifactEntry, ArtifactRegistry } from './artifact-registry.js';
import type { RegistryService } from './registry-service.js';

/** A student just trained (distill/train-route-student.ts hands this over). */
export interface TrainedStudent {
  route: string;
  version: number;
  createdAt: number;
  bytes: Uint8Array;
  metrics: Record<string, unknown>;
  /** It beat the student serving before on the same held-out examples, and now serves. */
  promoted: boolean;
  /** It beat the live student on held-out examples and is to be tried on live traffic (a canary: distill/student-canary.ts). */
  canary?: boolean;
  examples: number;
}

export async function registerTrainedStudent(service: RegistryService, student: TrainedStudent, actor = 'distill'): Promise<ArtifactEntry> {
  const registered = await service.register(
    {
      kind: 'task-student',
      name: student.route,
      version: student.version,
      bytes: student.bytes,
      createdAt: student.createdAt,
      provenance: { dataset: `task_examples:${student.route}`, examples: student.examples, until: student.createdAt },
      metrics: student.metrics,
    },
    {
      actor,
      reason: student.promoted
        ? 'beat the serving student on the held-out examples'
        : student.canary
          ? 'beat the serving student on the held-out examples; to be tried in a canary'
          : 'did not beat the serving student; kept as a candidate',
      live: student.promoted,
    },
  );
  if (!student.canary) return registered.entry;
  // One canary per route: a newer winner supersedes a canary still running.
  for (const old of await service.registry.list({ kind: 'task-student', name: student.route })) {
    if (old.status === 'canary' && old.version !== student.version) {
      await service.retire(old, { actor, reason: `superseded by the canary v${student.version}` });
    }
  }
  const { entry } = await service.canary({ kind: 'task-student', name: student.route, version: student.version }, { actor, reason: 'automatic retraining' });
  return entry;
}

/**
 * Mirrors a registry change of a task student into `task_students`: the new live version `active`, the one
 * it displaced `retired`, a retired one `retired` (`demoted` when the gateway demoted it).
 */
export async function mirrorStudentStatus(
  store: TaskExampleStore,
  change: { entry: ArtifactEntry; previous: ArtifactEntry | undefined; action: string },
): Promise<void> {
  const { entry, previous } = change;
  if (entry.kind !== 'task-student') return;
  if (previous !== undefined) await store.setStudentStatus(previous.name, previous.version, 'retired');
  const status = entry.status === 'live' ? 'active' : entry.status === 'retired' ? (change.action === 'demote' ? 'demoted' : 'retired') : 'candidate';
  await store.setStudentStatus(entry.name, entry.version, status);
}

/**
 * Makes every task route serve its registry's live student. A route whose students the registry knows but
 * none of which is live stops serving (the teacher answers); a route the registry knows nothing of keeps
 * the student it loaded from `task_students` (trained before the registry existed). Returns what changed.
 */
export async function syncLiveStudents(routes: ReadonlyMap<string, TaskRoute>, registry: ArtifactRegistry): Promise<string[]> {
  const changed: string[] = [];
  const live = new Map((await registry.liveAll('task-student')).map((e) => [e.name, e]));
  for (const route of routes.values()) {
    const entry = live.get(route.name);
    const serving = route.student?.artifact.version;
    if (entry === undefined) {
      if (serving === undefined) continue;
      if ((await registry.get('task-student', route.name, serving)) === undefined) continue;
      route.student = null;
      changed.push(`${route.name}: v${serving} -> none`);
      continue;
    }
    if (serving === entry.version) continue;
    const bytes = await registry.bytes('task-student', route.name, entry.version);
    if (bytes === undefined) continue;
    route.serve(decodeArtifact(bytes), bytes);
    changed.push(`${route.name}: ${serving === undefined ? 'none' : `v${serving}`} -> v${entry.version}`);
  }
  return changed;
}
