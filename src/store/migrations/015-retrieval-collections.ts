/**
 * Migration 015: retrieval collections (docs/retrieval.md). `retrieval_collections` holds each collection's
 * settings, `retrieval_documents` one row per ingested source with its content hash (re-ingesting the same
 * content is a no-op), `retrieval_chunks` the chunk texts a vector search hit resolves to (the vectors are
 * in the store's vector index). `requests.retrieval_sources` records the chunk ids a request was given
 * (JSON text; null when the route retrieves nothing).
 */
import type { Kysely, Migration } from 'kysely';

export const retrievalCollections015: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .createTable('retrieval_collections')
      .ifNotExists()
      .addColumn('name', 'text', (col) => col.primaryKey())
      .addColumn('private', 'integer', (col) => col.notNull().defaultTo(0))
      .addColumn('embedder', 'text', (col) => col.notNull())
      .addColumn('dimensions', 'integer', (col) => col.notNull())
      .addColumn('embedder_state', 'text')
      .addColumn('created_at', 'bigint', (col) => col.notNull())
      .addColumn('updated_at', 'bigint', (col) => col.notNull())
      .execute();
    await db.schema
      .createTable('retrieval_documents')
      .ifNotExists()
      .addColumn('collection', 'text', (col) => col.notNull())
      .addColumn('source', 'text', (col) => col.notNull())
      .addColumn('hash', 'text', (col) => col.notNull())
      .addColumn('chunks', 'integer', (col) => col.notNull())
      .addColumn('ingested_at', 'bigint', (col) => col.notNull())
      .addPrimaryKeyConstraint('retrieval_documents_pk', ['collection', 'source'])
      .execute();
    await db.schema
      .createTable('retrieval_chunks')
      .ifNotExists()
      .addColumn('id', 'text', (col) => col.primaryKey())
      .addColumn('collection', 'text', (col) => col.notNull())
      .addColumn('source', 'text', (col) => col.notNull())
      .addColumn('ordinal', 'integer', (col) => col.notNull())
      .addColumn('start_offset', 'integer', (col) => col.notNull())
      .addColumn('end_offset', 'integer', (col) => col.notNull())
      .addColumn('text', 'text', (col) => col.notNull())
      .execute();
    await db.schema.createIndex('retrieval_chunks_document_idx').ifNotExists().on('retrieval_chunks').columns(['collection', 'source']).execute();
    await db.schema.alterTable('requests').addColumn('retrieval_sources', 'text').execute();
  },
  async down(db: Kysely<unknown>): Promise<void> {
    await db.schema.alterTable('requests').dropColumn('retrieval_sources').execute();
    await db.schema.dropTable('retrieval_chunks').ifExists().execute();
    await db.schema.dropTable('retrieval_documents').ifExists().execute();
    await db.schema.dropTable('retrieval_collections').ifExists().execute();
  },
};
