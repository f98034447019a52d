/** CollectionStore over migration 015's tables, as Kysely queries shared by SQLite and PostgreSQL. */
import type { Kysely, Selectable } from 'kysely';
import { checkSameEmbedder, type CollectionInfo, type CollectionStore, type StoredChunk, type StoredDocument } from './collection-store.js';

interface RetrievalCollectionsTable {
  name: string;
  /** 0 or 1. */
  private: number;
  embedder: string;
  dimensions: number;
  embedder_state: string | null;
  created_at: number;
  updated_at: number;
}

interface RetrievalDocumentsTable {
  collection: string;
  source: string;
  hash: string;
  chunks: number;
  ingested_at: number;
}

interface RetrievalChunksTable {
  id: string;
  collection: string;
  source: string;
  ordinal: number;
  start_offset: number;
  end_offset: number;
  text: string;
}

export interface RetrievalTables {
  retrieval_collections: RetrievalCollectionsTable;
  retrieval_documents: RetrievalDocumentsTable;
  retrieval_chunks: RetrievalChunksTable;
}

/** Rows per insert statement: well under SQLite's 32,766 bound parameters (7 per chunk). */
const INSERT_BATCH = 500;

export function sqlCollectionStore<DB>(database: Kysely<DB>): CollectionStore {
  // The tables of migration 015 are all this store touches; the rest of the schema stays out of its type.
  const db = database as unknown as Kysely<RetrievalTables>;

  const info = async (name: string): Promise<CollectionInfo | undefined> => {
    const row = await db.selectFrom('retrieval_collections').selectAll().where('name', '=', name).executeTakeFirst();
    if (!row) return undefined;
    const [documents, chunks] = await Promise.all([
      db
        .selectFrom('retrieval_documents')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('collection', '=', name)
        .executeTakeFirstOrThrow(),
      db
        .selectFrom('retrieval_chunks')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('collection', '=', name)
        .executeTakeFirstOrThrow(),
    ]);
    return infoOf(row, Number(documents.n), Number(chunks.n));
  };

  return {
    async ensureCollection(settings) {
      await db
        .insertInto('retrieval_collections')
        .values({
          name: settings.name,
          private: settings.private ? 1 : 0,
          embedder: settings.embedder,
          dimensions: settings.dimensions,
          embedder_state: null,
          created_at: settings.time,
          updated_at: settings.time,
        })
        .onConflict((oc) => oc.column('name').doNothing())
        .execute();
      const existing = await info(settings.name);
      if (!existing) throw new Error(`collection "${settings.name}" vanished while it was being created`);
      checkSameEmbedder(existing, settings);
      if (settings.private && !existing.private) {
        await db.updateTable('retrieval_collections').set({ private: 1, updated_at: settings.time }).where('name', '=', settings.name).execute();
        return { ...existing, private: true, updatedAt: settings.time };
      }
      return existing;
    },
    collection: info,
    async collectionSettings(name) {
      const row = await db.selectFrom('retrieval_collections').selectAll().where('name', '=', name).executeTakeFirst();
      if (!row) return undefined;
      const { documents: _d, chunks: _c, ...settings } = infoOf(row, 0, 0);
      return settings;
    },
    async collections() {
      const rows = await db.selectFrom('retrieval_collections').selectAll().orderBy('name').execute();
      const documents = await db
        .selectFrom('retrieval_documents')
        .select(['collection', (eb) => eb.fn.countAll<number>().as('n'), (eb) => eb.fn.sum<number>('chunks').as('chunks')])
        .groupBy('collection')
        .execute();
      const counts = new Map(documents.map((d) => [d.collection, d]));
      return rows.map((row) => {
        const c = counts.get(row.name);
        return infoOf(row, Number(c?.n ?? 0), Number(c?.chunks ?? 0));
      });
    },
    async document(collection, source) {
      const row = await db.selectFrom('retrieval_documents').selectAll().where('collection', '=', collection).where('source', '=', source).executeTakeFirst();
      return row && documentOf(row);
    },
    async replaceDocument(document, chunks) {
      // No transaction: on SQLite one spanning awaits would swallow the request log's group commits (they
      // share the connection). The order keeps a crash recoverable instead: new chunks first, the document's
      // hash next (a crash before it leaves the old hash, so the next ingest redoes the file), old chunks last.
      const collection = await db.selectFrom('retrieval_collections').select('name').where('name', '=', document.collection).executeTakeFirst();
      if (!collection) throw new Error(`collection "${document.collection}" does not exist`);
      const kept = new Set(chunks.map((chunk) => chunk.id));
      const old = await db
        .selectFrom('retrieval_chunks')
        .select('id')
        .where('collection', '=', document.collection)
        .where('source', '=', document.source)
        .execute();
      const removed = old.map((row) => row.id).filter((id) => !kept.has(id));
      for (let i = 0; i < chunks.length; i += INSERT_BATCH) {
        await db
          .insertInto('retrieval_chunks')
          .values(
            chunks.slice(i, i + INSERT_BATCH).map((chunk) => ({
              id: chunk.id,
              collection: document.collection,
              source: document.source,
              ordinal: chunk.ordinal,
              start_offset: chunk.start,
              end_offset: chunk.end,
              text: chunk.text,
            })),
          )
          .onConflict((oc) => oc.column('id').doNothing())
          .execute();
      }
      await db
        .insertInto('retrieval_documents')
        .values({ collection: document.collection, source: document.source, hash: document.hash, chunks: chunks.length, ingested_at: document.time })
        .onConflict((oc) => oc.columns(['collection', 'source']).doUpdateSet({ hash: document.hash, chunks: chunks.length, ingested_at: document.time }))
        .execute();
      await db.updateTable('retrieval_collections').set({ updated_at: document.time }).where('name', '=', document.collection).execute();
      for (let i = 0; i < removed.length; i += INSERT_BATCH) {
        await db
          .deleteFrom('retrieval_chunks')
          .where('id', 'in', removed.slice(i, i + INSERT_BATCH))
          .execute();
      }
      return removed;
    },
    async chunks(collection, ids) {
      if (ids.length === 0) return [];
      const rows = await db
        .selectFrom('retrieval_chunks')
        .selectAll()
        .where('collection', '=', collection)
        .where('id', 'in', [...ids])
        .execute();
      const byId = new Map(rows.map((row) => [row.id, row]));
      const found: StoredChunk[] = [];
      for (const id of ids) {
        const row = byId.get(id);
        if (row) {
          found.push({
            id: row.id,
            collection: row.collection,
            source: row.source,
            ordinal: Number(row.ordinal),
            start: Number(row.start_offset),
            end: Number(row.end_offset),
            text: row.text,
          });
        }
      }
      return found;
    },
    async saveEmbedderState(name, state, time) {
      const result = await db.updateTable('retrieval_collections').set({ embedder_state: state, updated_at: time }).where('name', '=', name).executeTakeFirst();
      if (Number(result.numUpdatedRows) === 0) throw new Error(`collection "${name}" does not exist`);
    },
    async deleteCollection(name) {
      // Documents first: a crash part-way leaves no document whose hash says "already ingested".
      await db.deleteFrom('retrieval_documents').where('collection', '=', name).execute();
      await db.deleteFrom('retrieval_chunks').where('collection', '=', name).execute();
      const result = await db.deleteFrom('retrieval_collections').where('name', '=', name).executeTakeFirst();
      return Number(result.numDeletedRows) > 0;
    },
  };
}

function infoOf(row: Selectable<RetrievalCollectionsTable>, documents: number, chunks: number): CollectionInfo {
  return {
    name: row.name,
    private: Boolean(Number(row.private)),
    embedder: row.embedder,
    dimensions: Number(row.dimensions),
    embedderState: row.embedder_state,
    // Number(): PostgreSQL drivers return bigint columns as strings.
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
    documents,
    chunks,
  };
}

function documentOf(row: Selectable<RetrievalDocumentsTable>): StoredDocument {
  return { collection: row.collection, source: row.source, hash: row.hash, chunks: Number(row.chunks), ingestedAt: Number(row.ingested_at) };
}
