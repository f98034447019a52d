/**
 * Migration 010: the model registry (lifecycle/artifact-registry.ts, docs/lifecycle.md). `registry_artifacts`
 * holds one row per kind, name and version with its hash, provenance, metrics and status; a partial unique
 * index keeps at most one `live` version per kind and name. `registry_artifact_parts` holds the bytes in
 * 256 KiB parts (as task_student_parts does). `registry_events` is the history of every change; its `seq`
 * is the change counter every replica polls to pick up a promotion or rollback.
 */
import { sql, SqliteAdapter, type Kysely, type Migration } from 'kysely';

export const modelRegistry010: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    const sqlite = db.getExecutor().adapter instanceof SqliteAdapter;
    await db.schema
      .createTable('registry_artifacts')
      .ifNotExists()
      .addColumn('kind', 'text', (col) => col.notNull())
      .addColumn('name', 'text', (col) => col.notNull())
      .addColumn('version', 'integer', (col) => col.notNull())
      .addColumn('sha256', 'text', (col) => col.notNull())
      .addColumn('size', 'bigint', (col) => col.notNull())
      .addColumn('created_at', 'bigint', (col) => col.notNull())
      .addColumn('status', 'text', (col) => col.notNull())
      .addColumn('updated_at', 'bigint', (col) => col.notNull())
      .addColumn('provenance', 'text', (col) => col.notNull())
      .addColumn('metrics', 'text', (col) => col.notNull())
      .addPrimaryKeyConstraint('registry_artifacts_pk', ['kind', 'name', 'version'])
      .execute();
    await db.schema
      .createIndex('registry_artifacts_one_live_idx')
      .ifNotExists()
      .unique()
      .on('registry_artifacts')
      .columns(['kind', 'name'])
      .where(sql.ref('status'), '=', 'live')
      .execute();
    await db.schema
      .createTable('registry_artifact_parts')
      .ifNotExists()
      .addColumn('kind', 'text', (col) => col.notNull())
      .addColumn('name', 'text', (col) => col.notNull())
      .addColumn('version', 'integer', (col) => col.notNull())
      .addColumn('part', 'integer', (col) => col.notNull())
      .addColumn('bytes', sqlite ? 'blob' : 'bytea', (col) => col.notNull())
      .addPrimaryKeyConstraint('registry_artifact_parts_pk', ['kind', 'name', 'version', 'part'])
      .execute();
    await db.schema
      .createTable('registry_events')
      .ifNotExists()
      .addColumn('seq', sqlite ? 'integer' : 'bigint', (col) => (sqlite ? col.primaryKey().autoIncrement() : col.primaryKey().generatedAlwaysAsIdentity()))
      .addColumn('time', 'bigint', (col) => col.notNull())
      .addColumn('kind', 'text', (col) => col.notNull())
      .addColumn('name', 'text', (col) => col.notNull())
      .addColumn('version', 'integer', (col) => col.notNull())
      .addColumn('action', 'text', (col) => col.notNull())
      .addColumn('from_status', 'text')
      .addColumn('to_status', 'text', (col) => col.notNull())
      .addColumn('actor', 'text', (col) => col.notNull())
      .addColumn('reason', 'text')
      .execute();
    await db.schema.createIndex('registry_events_subject_idx').ifNotExists().on('registry_events').columns(['kind', 'name', 'seq']).execute();
  },
  async down(db: Kysely<unknown>): Promise<void> {
    await db.schema.dropTable('registry_events').ifExists().execute();
    await db.schema.dropTable('registry_artifact_parts').ifExists().execute();
    await db.schema.dropTable('registry_artifacts').ifExists().execute();
  },
};
