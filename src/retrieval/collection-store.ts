/**
 * Retrieval collections in the store (docs/retrieval.md): each collection's settings, its documents (one
 * per source path, with the SHA-256 of the content last ingested) and their chunks (text, character
 * offsets in the source, ordinal). The chunks' vectors live in the store's VectorIndex, one space per
 * collection (`collectionSpace`); this holds what a search hit's id resolves to.
 *
 * One implementation per backend (memory, and SQL over migration 015 for SQLite and PostgreSQL), all
 * passing collection-store.contract.ts.
 */

export interface CollectionInfo {
  name: string;
  /** Requests that retrieve from it go to local models only (the privacy policy sees them as sensitive). */
  private: boolean;
  /** The Embedder (its `name`) that made the collection's vectors; queries must use the same one. */
  embedder: string;
  dimensions: number;
  /**
   * What the embedder learned from the collection's chunks, as JSON text (the lexical embedder's document
   * frequencies); queries embed with it. Null for an embedder that learns nothing (a model).
   */
  embedderState: string | null;
  createdAt: number;
  updatedAt: number;
  documents: number;
  chunks: number;
}

export interface StoredDocument {
  collection: string;
  /** Where the text came from (a path relative to the ingested directory, or the name a client gave). */
  source: string;
  /** SHA-256 (hex) of the content as ingested: the same content again is a no-op. */
  hash: string;
  chunks: number;
  ingestedAt: number;
}

export interface NewChunk {
  /** Unique in the store; also the vector's id in the collection's space. */
  id: string;
  ordinal: number;
  /** Offsets of the chunk in the document's extracted text, [start, end). */
  start: number;
  end: number;
  text: string;
}

export interface StoredChunk extends NewChunk {
  collection: string;
  source: string;
}

export interface CollectionSettings {
  name: string;
  private: boolean;
  embedder: string;
  dimensions: number;
  time: number;
}

export interface CollectionStore {
  /**
   * Creates the collection, or returns it as it is. `private: true` marks an existing collection private;
   * `false` never un-marks one (only deleting the collection does). Throws CollectionConflict when it exists
   * with another embedder or dimension (its vectors could not be compared with the new ones).
   */
  ensureCollection(settings: CollectionSettings): Promise<CollectionInfo>;
  collection(name: string): Promise<CollectionInfo | undefined>;
  /** The same without the counts (one indexed read): what a request needs, at any collection size. */
  collectionSettings(name: string): Promise<Omit<CollectionInfo, 'documents' | 'chunks'> | undefined>;
  /** Every collection, by name. */
  collections(): Promise<CollectionInfo[]>;
  document(collection: string, source: string): Promise<StoredDocument | undefined>;
  /**
   * Stores a document's chunks in place of the ones it had (all or nothing), returning the ids of the
   * chunks it replaced so their vectors can be removed.
   */
  replaceDocument(document: { collection: string; source: string; hash: string; time: number }, chunks: readonly NewChunk[]): Promise<string[]>;
  /** The chunks with these ids in the collection, in the order asked; unknown ids are left out. */
  chunks(collection: string, ids: readonly string[]): Promise<StoredChunk[]>;
  /** Replaces the collection's embedder state (after an ingest taught the embedder its new chunks). */
  saveEmbedderState(name: string, state: string, time: number): Promise<void>;
  /** Deletes the collection, its documents and chunks; false when there was none. */
  deleteCollection(name: string): Promise<boolean>;
}

export class CollectionConflict extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CollectionConflict';
  }
}

/** Compares a stored collection with the settings an ingest brings; throws CollectionConflict on a mismatch. */
export function checkSameEmbedder(existing: Pick<CollectionInfo, 'name' | 'embedder' | 'dimensions'>, settings: CollectionSettings): void {
  if (existing.embedder !== settings.embedder || existing.dimensions !== settings.dimensions) {
    throw new CollectionConflict(
      `collection "${existing.name}" was embedded with ${existing.embedder} (${existing.dimensions} dimensions), not ${settings.embedder} (${settings.dimensions}); delete it and ingest again to change embedders`,
    );
  }
}

/** The VectorIndex space that holds a collection's chunk vectors. */
export function collectionSpace(name: string): string {
  return `collection_${name}`;
}
