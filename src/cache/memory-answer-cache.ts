/**
 * The in-process answer cache: one insertion-ordered Map per route (a read moves an entry to the end, so
 * the first entries are the least recently used), bounded by entries and bytes (UTF-16 length × 2 of the
 * stored text, what V8 keeps). Per replica: each process has its own.
 */
import type { AnswerCacheStore, CacheBounds, CacheEntry } from './answer-cache-store.js';

interface Held {
  scope: string;
  key: string;
  value: string;
  bytes: number;
  expiresAt: number;
}

interface Group {
  entries: Map<string, Held>;
  bytes: number;
}

export class MemoryAnswerCache implements AnswerCacheStore {
  readonly #groups = new Map<string, Group>();
  /** scope → its group, so a get finds the entry without knowing the route. */
  readonly #groupOf = new Map<string, string>();

  async get(scope: string, key: string, now: number): Promise<string | undefined> {
    const groupName = this.#groupOf.get(scope);
    const group = groupName === undefined ? undefined : this.#groups.get(groupName);
    const id = `${scope}\u0000${key}`;
    const held = group?.entries.get(id);
    if (!group || !held) return undefined;
    group.entries.delete(id);
    if (held.expiresAt <= now) {
      group.bytes -= held.bytes;
      return undefined;
    }
    group.entries.set(id, held);
    return held.value;
  }

  async put(entry: CacheEntry, groupName: string, bounds: CacheBounds, now: number): Promise<Array<{ scope: string; key: string }>> {
    let group = this.#groups.get(groupName);
    if (!group) this.#groups.set(groupName, (group = { entries: new Map(), bytes: 0 }));
    this.#groupOf.set(entry.scope, groupName);
    const id = `${entry.scope}\u0000${entry.key}`;
    const old = group.entries.get(id);
    if (old) {
      group.entries.delete(id);
      group.bytes -= old.bytes;
    }
    const bytes = entry.value.length * 2;
    group.entries.set(id, { scope: entry.scope, key: entry.key, value: entry.value, bytes, expiresAt: entry.expiresAt });
    group.bytes += bytes;
    const evicted: Array<{ scope: string; key: string }> = [];
    for (const [oldest, held] of group.entries) {
      const over = group.entries.size > bounds.maxEntries || group.bytes > bounds.maxBytes;
      if (!over && held.expiresAt > now) break;
      group.entries.delete(oldest);
      group.bytes -= held.bytes;
      evicted.push({ scope: held.scope, key: held.key });
    }
    return evicted;
  }

  async count(groupName: string): Promise<number> {
    return this.#groups.get(groupName)?.entries.size ?? 0;
  }

  /** Bytes held for a route (for tests and the bench). */
  bytes(groupName: string): number {
    return this.#groups.get(groupName)?.bytes ?? 0;
  }
}
