/** TaskExampleStore in memory (store type `memory` and tests). */
import type { StudentRecord, TaskExample, TaskExampleStore } from './task-examples.js';

export function memoryTaskExampleStore(): TaskExampleStore {
  const examples = new Map<string, Map<string, Omit<TaskExample, 'label'>>>();
  const students = new Map<string, StudentRecord>();
  const key = (route: string, version: number): string => `${route}\u0000${version}`;
  const upsert = (
    e: { route: string; input: string; time: number },
    set: (row: Omit<TaskExample, 'label'>) => void,
    fresh: Omit<TaskExample, 'label'>,
  ): void => {
    let routeExamples = examples.get(e.route);
    if (!routeExamples) examples.set(e.route, (routeExamples = new Map()));
    const row = routeExamples.get(e.input);
    if (row === undefined) {
      routeExamples.set(e.input, fresh);
      return;
    }
    set(row);
    row.updatedAt = e.time;
  };
  return {
    async capture(e) {
      upsert(
        e,
        (row) => {
          row.teacherLabel = e.label;
          row.weight = e.weight ?? 1;
        },
        { route: e.route, input: e.input, teacherLabel: e.label, correctedLabel: null, weight: e.weight ?? 1, updatedAt: e.time },
      );
    },
    async correct(e) {
      upsert(e, (row) => (row.correctedLabel = e.label), {
        route: e.route,
        input: e.input,
        teacherLabel: null,
        correctedLabel: e.label,
        weight: 1,
        updatedAt: e.time,
      });
    },
    async list(route) {
      const rows = [...(examples.get(route)?.values() ?? [])];
      return rows.map((row) => ({ ...row, label: (row.correctedLabel ?? row.teacherLabel) as string })).sort((a, b) => a.updatedAt - b.updatedAt);
    },
    async count(route) {
      return examples.get(route)?.size ?? 0;
    },
    async saveStudent(student) {
      const k = key(student.route, student.version);
      if (students.has(k)) throw new Error(`student ${student.route}@v${student.version} already exists`);
      students.set(k, { ...student, metrics: structuredClone(student.metrics), artifact: student.artifact && new Uint8Array(student.artifact) });
    },
    async setStudentStatus(route, version, status) {
      const student = students.get(key(route, version));
      if (!student) return false;
      student.status = status;
      return true;
    },
    async dropArtifact(route, version) {
      const student = students.get(key(route, version));
      if (student) student.artifact = null;
    },
    async students(route) {
      return [...students.values()]
        .filter((s) => route === undefined || s.route === route)
        .sort((a, b) => (a.route < b.route ? -1 : a.route > b.route ? 1 : b.version - a.version))
        .map(({ artifact, ...rest }) => ({ ...rest, metrics: structuredClone(rest.metrics), hasArtifact: artifact !== null }));
    },
    async student(route, version) {
      const student = students.get(key(route, version));
      return student && { ...student, metrics: structuredClone(student.metrics), artifact: student.artifact && new Uint8Array(student.artifact) };
    },
  };
}
