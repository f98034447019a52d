/** Migration 001: the request log table and the indexes `tandem logs`, `tandem stats` and the dashboard read by. */
import { SqliteAdapter, type Kysely, type Migration } from 'kysely';

export const createRequests001: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    // The one dialect difference: SQLite's rowid alias is spelled `integer primary key`, PostgreSQL wants
    // an identity column. Everything else below is portable.
    const sqlite = db.getExecutor().adapter instanceof SqliteAdapter;
    await db.schema
      .createTable('requests')
      .ifNotExists()
      .addColumn('seq', sqlite ? 'integer' : 'bigint', (col) => (sqlite ? col.primaryKey() : col.primaryKey().generatedAlwaysAsIdentity()))
      .addColumn('id', 'text', (col) => col.notNull().unique())
      .addColumn('time', 'bigint', (col) => col.notNull())
      .addColumn('key_id', 'text')
      .addColumn('route', 'text')
      .addColumn('requested_model', 'text', (col) => col.notNull())
      .addColumn('model', 'text')
      .addColumn('candidates', 'text', (col) => col.notNull())
      .addColumn('reason', 'text', (col) => col.notNull())
      .addColumn('score', 'double precision')
      .addColumn('threshold', 'double precision')
      .addColumn('attempts', 'text', (col) => col.notNull())
      .addColumn('stream', 'integer', (col) => col.notNull())
      .addColumn('input_tokens', 'integer', (col) => col.notNull())
      .addColumn('output_tokens', 'integer', (col) => col.notNull())
      .addColumn('tokens_estimated', 'integer', (col) => col.notNull())
      .addColumn('cost', 'double precision', (col) => col.notNull())
      .addColumn('baseline_cost', 'double precision', (col) => col.notNull())
      // Durations may be fractional (performance.now()), so not integer columns.
      .addColumn('ttft_ms', 'double precision')
      .addColumn('total_ms', 'double precision', (col) => col.notNull())
      .addColumn('overhead_ms', 'double precision', (col) => col.notNull())
      .addColumn('status', 'integer', (col) => col.notNull())
      .addColumn('error', 'text')
      .addColumn('request_body', 'text')
      .addColumn('response_body', 'text')
      .execute();
    await db.schema.createIndex('requests_time_idx').ifNotExists().on('requests').column('time').execute();
    await db.schema.createIndex('requests_route_time_idx').ifNotExists().on('requests').columns(['route', 'time']).execute();
    await db.schema.createIndex('requests_model_time_idx').ifNotExists().on('requests').columns(['model', 'time']).execute();
  },
  async down(db: Kysely<unknown>): Promise<void> {
    await db.schema.dropTable('requests').ifExists().execute();
  },
};
