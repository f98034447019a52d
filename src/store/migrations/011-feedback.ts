/**
 * Migration 011: feedback on logged requests (store/feedback.ts, docs/lifecycle.md#feedback). One row per
 * entry (a request may be rated several times; the latest wins), with the rated request's route and model
 * copied in so a route's feedback is read by one index.
 */
import { SqliteAdapter, type Kysely, type Migration } from 'kysely';

export const feedback011: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    const sqlite = db.getExecutor().adapter instanceof SqliteAdapter;
    await db.schema
      .createTable('feedback')
      .ifNotExists()
      .addColumn('seq', sqlite ? 'integer' : 'bigint', (col) => (sqlite ? col.primaryKey() : col.primaryKey().generatedAlwaysAsIdentity()))
      .addColumn('request_id', 'text', (col) => col.notNull())
      // FeedbackSource: `client` or `shadow`.
      .addColumn('source', 'text', (col) => col.notNull().defaultTo('client'))
      .addColumn('route', 'text')
      .addColumn('model', 'text')
      .addColumn('key_id', 'text')
      .addColumn('time', 'bigint', (col) => col.notNull())
      .addColumn('score', 'double precision')
      .addColumn('label', 'text')
      // 0 or 1 (SQLite has no boolean); null when not given.
      .addColumn('correct', 'integer')
      .addColumn('comment', 'text')
      .execute();
    await db.schema.createIndex('feedback_request_idx').ifNotExists().on('feedback').columns(['request_id', 'seq']).execute();
    await db.schema.createIndex('feedback_route_time_idx').ifNotExists().on('feedback').columns(['route', 'time']).execute();
    await db.schema.createIndex('feedback_time_idx').ifNotExists().on('feedback').column('time').execute();
  },
  async down(db: Kysely<unknown>): Promise<void> {
    await db.schema.dropTable('feedback').ifExists().execute();
  },
};
