/**
 * Nearest-neighbour search over embeddings, shared by the semantic cache (docs/caching.md) and retrieval
 * routes (docs/retrieval.md). Implementations: in memory (exact scan, for `store.type: memory` and tests),
 * SQLite with sqlite-vec (the embedded default, in the store's own file) and PostgreSQL with pgvector.
 * Every implementation passes the shared contract suite `vector-index.contract.ts`.
 *
 * Vectors live in named spaces of one dimension each: a route's semantic cache for one API key, a
 * collection's chunks. Scores are cosine similarities in [-1, 1], higher is nearer.
 */

export interface VectorItem {
  /** Unique within its space; upserting an existing id replaces its vector. */
  id: string;
  vector: Float32Array;
}

export interface VectorMatch {
  id: string;
  /** Cosine similarity in [-1, 1]. */
  score: number;
}

export interface VectorSearchOptions {
  /** Matches scoring below this are left out. */
  minScore?: number;
}

export interface VectorIndex {
  /** Creates the space if it is missing; throws if it exists with another dimension. */
  ensureSpace(space: string, dimensions: number): Promise<void>;
  /** Inserts or replaces items in a space that exists. */
  upsert(space: string, items: readonly VectorItem[]): Promise<void>;
  /** Removes items by id; ids not present are ignored. */
  remove(space: string, ids: readonly string[]): Promise<void>;
  /** Deletes the space and every vector in it; a missing space is a no-op. */
  dropSpace(space: string): Promise<void>;
  /** The `k` nearest items, best first; an empty list for a missing or empty space. */
  search(space: string, query: Float32Array, k: number, options?: VectorSearchOptions): Promise<VectorMatch[]>;
  /** How many items the space holds (0 when missing). */
  count(space: string): Promise<number>;
}
