/**
 * Migration 009: task distillation (docs/distillation.md). `task_examples` holds one labelled example per
 * route and input (keyed by the input's SHA-256, so long inputs stay out of the index); `task_students`
 * the versioned students with their metrics; `task_student_parts` their encoded artifacts (while they may
 * serve again) in 256 KiB parts, so that storing a 5 MB student never holds the event loop for one long write.
 */
import { SqliteAdapter, type Kysely, type Migration } from 'kysely';

export const taskDistillation009: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    const sqlite = db.getExecutor().adapter instanceof SqliteAdapter;
    await db.schema
      .createTable('task_examples')
      .ifNotExists()
      .addColumn('route', 'text', (col) => col.notNull())
      .addColumn('input_hash', 'text', (col) => col.notNull())
      .addColumn('input', 'text', (col) => col.notNull())
      .addColumn('teacher_label', 'text')
      .addColumn('corrected_label', 'text')
      .addColumn('weight', 'double precision', (col) => col.notNull().defaultTo(1))
      .addColumn('updated_at', 'bigint', (col) => col.notNull())
      .addPrimaryKeyConstraint('task_examples_pk', ['route', 'input_hash'])
      .execute();
    await db.schema.createIndex('task_examples_route_updated_idx').ifNotExists().on('task_examples').columns(['route', 'updated_at']).execute();
    await db.schema
      .createTable('task_students')
      .ifNotExists()
      .addColumn('route', 'text', (col) => col.notNull())
      .addColumn('version', 'integer', (col) => col.notNull())
      .addColumn('created_at', 'bigint', (col) => col.notNull())
      .addColumn('status', 'text', (col) => col.notNull())
      .addColumn('metrics', 'text', (col) => col.notNull())
      .addPrimaryKeyConstraint('task_students_pk', ['route', 'version'])
      .execute();
    await db.schema
      .createTable('task_student_parts')
      .ifNotExists()
      .addColumn('route', 'text', (col) => col.notNull())
      .addColumn('version', 'integer', (col) => col.notNull())
      .addColumn('part', 'integer', (col) => col.notNull())
      .addColumn('bytes', sqlite ? 'blob' : 'bytea', (col) => col.notNull())
      .addPrimaryKeyConstraint('task_student_parts_pk', ['route', 'version', 'part'])
      .execute();
  },
  async down(db: Kysely<unknown>): Promise<void> {
    await db.schema.dropTable('task_student_parts').ifExists().execute();
    await db.schema.dropTable('task_students').ifExists().execute();
    await db.schema.dropTable('task_examples').ifExists().execute();
  },
};
