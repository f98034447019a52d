/**
 * Migration 014: the answer cache (docs/caching.md). `answer_cache` holds cached answers of routes whose
 * cache keeps them in the store (`cache.backend: store`): one row per scope (route and API key, or the
 * route alone when shared) and key (the normalised request's hash, or a semantic entry's id), with its
 * expiry and size for the bounds. `requests.cache` records hit, miss or bypass (null: the route has no
 * cache); a hit's row has cost 0 and the baseline cost of the answer it replayed, so savings count it.
 */
import type { Kysely, Migration } from 'kysely';

export const answerCache014: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .createTable('answer_cache')
      .ifNotExists()
      .addColumn('scope', 'text', (col) => col.notNull())
      .addColumn('key', 'text', (col) => col.notNull())
      .addColumn('value', 'text', (col) => col.notNull())
      .addColumn('bytes', 'integer', (col) => col.notNull())
      .addColumn('created_at', 'bigint', (col) => col.notNull())
      .addColumn('expires_at', 'bigint', (col) => col.notNull())
      .addPrimaryKeyConstraint('answer_cache_pk', ['scope', 'key'])
      .execute();
    await db.schema.createIndex('answer_cache_age_idx').ifNotExists().on('answer_cache').columns(['scope', 'created_at']).execute();
    await db.schema.alterTable('requests').addColumn('cache', 'text').execute();
  },
  async down(db: Kysely<unknown>): Promise<void> {
    await db.schema.alterTable('requests').dropColumn('cache').execute();
    await db.schema.dropTable('answer_cache').ifExists().execute();
  },
};
