/**
 * Where cached answers are kept (docs/caching.md): a bounded map in this process, the store's database
 * (`answer_cache`, migration 014), or the cluster's Redis. Entries are opaque JSON text under a scope (a
 * route and API key, or the route alone when shared) and a key. Every backend passes
 * answer-cache-store.contract.ts.
 */
export interface CacheEntry {
  scope: string;
  key: string;
  value: string;
  /** ms since the epoch; a get at or after it finds nothing. */
  expiresAt: number;
}

export interface CacheBounds {
  maxEntries: number;
  maxBytes: number;
}

export interface AnswerCacheStore {
  /** The live entry, or undefined (missing or expired; an expired one is deleted). */
  get(scope: string, key: string, now: number): Promise<string | undefined>;
  /**
   * Stores an entry, then evicts the scope group's oldest entries beyond the bounds (the group is the
   * route: every scope that starts with `group`). Returns the keys evicted, for the semantic index.
   */
  put(entry: CacheEntry, group: string, bounds: CacheBounds, now: number): Promise<Array<{ scope: string; key: string }>>;
  /** Entries in the group (expired ones may still count until evicted). */
  count(group: string): Promise<number>;
}
