/**
 * Migration 013: `request_steps`, the child rows of flows (docs/flows.md, store/flow-steps.ts): one per
 * step, keyed by the parent request's id and the step's index. A table of its own rather than rows in
 * `requests`, so stats, budgets rebuilt from the log and the PostgreSQL rollups count each flow once,
 * through its parent row (whose cost is already the sum of its steps).
 */
import type { Kysely, Migration } from 'kysely';

export const requestSteps013: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .createTable('request_steps')
      .ifNotExists()
      .addColumn('parent_id', 'text', (col) => col.notNull())
      .addColumn('step_index', 'integer', (col) => col.notNull())
      .addColumn('parent_time', 'bigint', (col) => col.notNull())
      .addColumn('step', 'text', (col) => col.notNull())
      .addColumn('model', 'text')
      .addColumn('status', 'text', (col) => col.notNull())
      .addColumn('input_tokens', 'integer', (col) => col.notNull())
      .addColumn('output_tokens', 'integer', (col) => col.notNull())
      .addColumn('tokens_estimated', 'integer', (col) => col.notNull())
      .addColumn('cost', 'double precision', (col) => col.notNull())
      .addColumn('start_ms', 'double precision', (col) => col.notNull())
      .addColumn('duration_ms', 'double precision', (col) => col.notNull())
      .addColumn('ttft_ms', 'double precision')
      .addColumn('privacy', 'text')
      .addColumn('error', 'text')
      .addPrimaryKeyConstraint('request_steps_pk', ['parent_id', 'step_index'])
      .execute();
    await db.schema.createIndex('request_steps_parent_time_idx').ifNotExists().on('request_steps').column('parent_time').execute();
  },
  async down(db: Kysely<unknown>): Promise<void> {
    await db.schema.dropTable('request_steps').ifExists().execute();
  },
};
