/**
 * The task students' Prometheus gauges, read at scrape time from the stage (nothing on the request path):
 * live agreement from shadow checks, the serving version, and counts of shadow checks and demotions.
 * Registered on every gateway (no series without task routes), so the metric list does not depend on config.
 */
import { Gauge, type Registry } from 'prom-client';
import type { TaskRoute } from './task-route.js';

/** What the gauges read: the stage's routes (DistillingTaskStage), when the gateway has one. */
export interface TaskMetricsSource {
  readonly tasks?: unknown;
}

function routesOf(source: TaskMetricsSource): ReadonlyMap<string, TaskRoute> {
  const tasks = source.tasks as { routes?: ReadonlyMap<string, TaskRoute> } | null | undefined;
  return tasks?.routes ?? new Map();
}

export function registerTaskMetrics(registers: Registry[], source: TaskMetricsSource): void {
  new Gauge({
    name: 'tandem_task_student_live_agreement',
    help: 'Share of the latest shadow checks (demotion.window) where the serving student agreed with the teacher; no series before the first check.',
    labelNames: ['route'],
    registers,
    collect() {
      this.reset();
      for (const [route, task] of routesOf(source)) {
        const agreement = task.student?.live.agreement;
        if (agreement !== null && agreement !== undefined) this.set({ route }, agreement);
      }
    },
  });
  new Gauge({
    name: 'tandem_task_student_version',
    help: 'Version of the student serving on a task route; 0 while the teacher answers everything (none trained, or demoted).',
    labelNames: ['route'],
    registers,
    collect() {
      for (const [route, task] of routesOf(source)) this.set({ route }, task.student?.artifact.version ?? 0);
    },
  });
  new Gauge({
    name: 'tandem_task_shadow_checks',
    help: 'Shadow checks completed on a task route since start (a student answer also sent to the teacher).',
    labelNames: ['route'],
    registers,
    collect() {
      for (const [route, task] of routesOf(source)) this.set({ route }, task.shadowChecks);
    },
  });
  new Gauge({
    name: 'tandem_task_student_demotions',
    help: 'Students demoted on a task route since start because live agreement fell below target minus the margin.',
    labelNames: ['route'],
    registers,
    collect() {
      for (const [route, task] of routesOf(source)) this.set({ route }, task.demotions);
    },
  });
}
