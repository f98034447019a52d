/** TaskExampleStore over `task_examples` and `task_students` (migration 009), as Kysely queries shared by every SQL backend. */
import { createHash } from 'node:crypto';
import type { Kysely, Selectable } from 'kysely';
import type { TandemDatabase, TaskStudentsTable } from './database.js';
import type { StudentStatus, StudentSummary, TaskExample, TaskExampleStore } from './task-examples.js';

/** Size of one stored part of an artifact. */
const PART_BYTES = 256 * 1024;

export function inputHash(input: string): string {
  return createHash('sha256').update(input).digest('hex');
}

export function sqlTaskExampleStore(db: Kysely<TandemDatabase>): TaskExampleStore {
  return {
    async capture(example) {
      await db
        .insertInto('task_examples')
        .values({
          route: example.route,
          input_hash: inputHash(example.input),
          input: example.input,
          teacher_label: example.label,
          corrected_label: null,
          weight: example.weight ?? 1,
          updated_at: example.time,
        })
        .onConflict((oc) =>
          oc.columns(['route', 'input_hash']).doUpdateSet({ teacher_label: example.label, weight: example.weight ?? 1, updated_at: example.time }),
        )
        .execute();
    },
    async correct(example) {
      await db
        .insertInto('task_examples')
        .values({
          route: example.route,
          input_hash: inputHash(example.input),
          input: example.input,
          teacher_label: null,
          corrected_label: example.label,
          weight: 1,
          updated_at: example.time,
        })
        .onConflict((oc) => oc.columns(['route', 'input_hash']).doUpdateSet({ corrected_label: example.label, updated_at: example.time }))
        .execute();
    },
    async list(route) {
      const rows = await db.selectFrom('task_examples').selectAll().where('route', '=', route).orderBy('updated_at').orderBy('input_hash').execute();
      return rows.map(
        (row): TaskExample => ({
          route: row.route,
          input: row.input,
          label: (row.corrected_label ?? row.teacher_label) as string,
          teacherLabel: row.teacher_label,
          correctedLabel: row.corrected_label,
          weight: Number(row.weight),
          updatedAt: Number(row.updated_at),
        }),
      );
    },
    async count(route) {
      const row = await db
        .selectFrom('task_examples')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('route', '=', route)
        .executeTakeFirstOrThrow();
      return Number(row.n);
    },
    async saveStudent(student) {
      await db
        .insertInto('task_students')
        .values({
          route: student.route,
          version: student.version,
          created_at: student.createdAt,
          status: student.status,
          metrics: JSON.stringify(student.metrics),
        })
        .execute();
      const artifact = student.artifact;
      if (artifact === null) return;
      for (let part = 0; part * PART_BYTES < artifact.length; part++) {
        // SQLite writes synchronously: one part per turn of the event loop keeps requests flowing meanwhile.
        if (part > 0) await new Promise<void>((resolve) => setImmediate(resolve));
        const bytes = artifact.subarray(part * PART_BYTES, (part + 1) * PART_BYTES);
        await db
          .insertInto('task_student_parts')
          .values({ route: student.route, version: student.version, part, bytes: Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length) })
          .execute();
      }
    },
    async setStudentStatus(route, version, status) {
      const result = await db.updateTable('task_students').set({ status }).where('route', '=', route).where('version', '=', version).executeTakeFirst();
      return Number(result.numUpdatedRows) > 0;
    },
    async dropArtifact(route, version) {
      await db.deleteFrom('task_student_parts').where('route', '=', route).where('version', '=', version).execute();
    },
    async students(route) {
      let query = db
        .selectFrom('task_students')
        .select((eb) => [
          'route',
          'version',
          'created_at',
          'status',
          'metrics',
          eb
            .exists(
              eb
                .selectFrom('task_student_parts as p')
                .select('p.part')
                .whereRef('p.route', '=', 'task_students.route')
                .whereRef('p.version', '=', 'task_students.version'),
            )
            .as('has_artifact'),
        ]);
      if (route !== undefined) query = query.where('route', '=', route);
      const rows = await query.orderBy('route').orderBy('version', 'desc').execute();
      return rows.map((row): StudentSummary => ({ ...summaryOf(row), hasArtifact: Boolean(row.has_artifact) }));
    },
    async student(route, version) {
      const row = await db.selectFrom('task_students').selectAll().where('route', '=', route).where('version', '=', version).executeTakeFirst();
      if (row === undefined) return undefined;
      const parts = await db
        .selectFrom('task_student_parts')
        .select('bytes')
        .where('route', '=', route)
        .where('version', '=', version)
        .orderBy('part')
        .execute();
      if (parts.length === 0) return { ...summaryOf(row), artifact: null };
      const artifact = new Uint8Array(parts.reduce((n, p) => n + p.bytes.length, 0));
      let offset = 0;
      for (const p of parts) {
        artifact.set(p.bytes, offset);
        offset += p.bytes.length;
      }
      return { ...summaryOf(row), artifact };
    },
  };
}

function summaryOf(row: Pick<Selectable<TaskStudentsTable>, 'route' | 'version' | 'created_at' | 'status' | 'metrics'>): Omit<StudentSummary, 'hasArtifact'> {
  return {
    route: row.route,
    version: Number(row.version),
    createdAt: Number(row.created_at),
    status: row.status as StudentStatus,
    metrics: JSON.parse(row.metrics) as Record<string, unknown>,
  };
}
