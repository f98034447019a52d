/**
 * Migration 004: the audit log, one hash chain per replica. (replica_id, seq) is the key, so two
 * writers of one chain cannot both append the same link.
 */
import type { Kysely, Migration } from 'kysely';

export const createAuditLog004: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .createTable('audit_log')
      .ifNotExists()
      .addColumn('replica_id', 'text', (col) => col.notNull())
      .addColumn('seq', 'bigint', (col) => col.notNull())
      .addColumn('recorded_at', 'bigint', (col) => col.notNull())
      .addColumn('kind', 'text', (col) => col.notNull())
      // The entry or checkpoint as JSON text; the hash covers its parsed value, not these bytes.
      .addColumn('body', 'text', (col) => col.notNull())
      .addColumn('prev_hash', 'text', (col) => col.notNull())
      .addColumn('hash', 'text', (col) => col.notNull())
      .addPrimaryKeyConstraint('audit_log_pk', ['replica_id', 'seq'])
      .execute();
    await db.schema.createIndex('audit_log_replica_time_idx').ifNotExists().on('audit_log').columns(['replica_id', 'recorded_at']).execute();
  },
  async down(db: Kysely<unknown>): Promise<void> {
    await db.schema.dropTable('audit_log').ifExists().execute();
  },
};
