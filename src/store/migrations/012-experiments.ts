/**
 * Migration 012: experiments (docs/lifecycle.md#experiments). One row per experiment: the route, the two
 * models, the metric, the status and decision, and each arm's sufficient statistics in columns of their own,
 * so that every replica adds its observations with one atomic `x = x + delta` update and reads back the
 * totals of all of them.
 */
import type { Kysely, Migration } from 'kysely';

export const ARM_COLUMNS = ['n', 'sum', 'sum_sq', 'requests', 'errors', 'latency_ms'] as const;

export const experiments012: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    let table = db.schema
      .createTable('experiments')
      .ifNotExists()
      .addColumn('name', 'text', (col) => col.primaryKey())
      .addColumn('route', 'text', (col) => col.notNull())
      .addColumn('control', 'text', (col) => col.notNull())
      .addColumn('candidate', 'text', (col) => col.notNull())
      .addColumn('metric', 'text', (col) => col.notNull())
      .addColumn('status', 'text', (col) => col.notNull())
      .addColumn('reason', 'text');
    for (const arm of ['control', 'candidate']) {
      for (const column of ARM_COLUMNS) table = table.addColumn(`${arm}_${column}`, 'double precision', (col) => col.notNull().defaultTo(0));
    }
    await table
      .addColumn('started_at', 'bigint', (col) => col.notNull())
      .addColumn('updated_at', 'bigint', (col) => col.notNull())
      .addColumn('decided_at', 'bigint')
      .execute();
  },
  async down(db: Kysely<unknown>): Promise<void> {
    await db.schema.dropTable('experiments').ifExists().execute();
  },
};
