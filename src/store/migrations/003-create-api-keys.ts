/** Migration 003: API keys, stored as the SHA-256 of the secret (never the secret). */
import type { Kysely, Migration } from 'kysely';

export const createApiKeys003: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .createTable('api_keys')
      .ifNotExists()
      .addColumn('id', 'text', (col) => col.primaryKey())
      .addColumn('name', 'text', (col) => col.notNull())
      .addColumn('hash', 'text', (col) => col.notNull().unique())
      .addColumn('prefix', 'text', (col) => col.notNull())
      // JSON text (string[] and KeyLimits), like the request log's nested fields: portable and tiny.
      .addColumn('routes', 'text', (col) => col.notNull())
      .addColumn('models', 'text', (col) => col.notNull())
      .addColumn('limits', 'text', (col) => col.notNull())
      .addColumn('created_at', 'bigint', (col) => col.notNull())
      .addColumn('expires_at', 'bigint')
      .addColumn('revoked_at', 'bigint')
      .execute();
  },
  async down(db: Kysely<unknown>): Promise<void> {
    await db.schema.dropTable('api_keys').ifExists().execute();
  },
};
