/**
 * The answer cache in the store's database (`cache.backend: store`): table `answer_cache` (migration 014),
 * through Kysely, the same queries on SQLite and PostgreSQL. Shared by every replica on PostgreSQL. After
 * a put, the route's oldest entries beyond its bounds and its expired ones are deleted (one aggregate over
 * the route's rows, then one delete when over).
 */
import type { Kysely } from 'kysely';
import type { TandemDatabase } from '../store/database.js';
import type { AnswerCacheStore, CacheBounds, CacheEntry } from './answer-cache-store.js';

export class SqlAnswerCache implements AnswerCacheStore {
  constructor(private readonly db: Kysely<TandemDatabase>) {}

  async get(scope: string, key: string, now: number): Promise<string | undefined> {
    const row = await this.db.selectFrom('answer_cache').select(['value', 'expires_at']).where('scope', '=', scope).where('key', '=', key).executeTakeFirst();
    if (!row) return undefined;
    if (Number(row.expires_at) <= now) {
      await this.db.deleteFrom('answer_cache').where('scope', '=', scope).where('key', '=', key).execute();
      return undefined;
    }
    return row.value;
  }

  async put(entry: CacheEntry, group: string, bounds: CacheBounds, now: number): Promise<Array<{ scope: string; key: string }>> {
    const bytes = Buffer.byteLength(entry.value);
    await this.db
      .insertInto('answer_cache')
      .values({ scope: entry.scope, key: entry.key, value: entry.value, bytes, created_at: now, expires_at: entry.expiresAt })
      .onConflict((oc) => oc.columns(['scope', 'key']).doUpdateSet({ value: entry.value, bytes, created_at: now, expires_at: entry.expiresAt }))
      .execute();
    const [lo, hi] = groupRange(group);
    const totals = await this.db
      .selectFrom('answer_cache')
      .select((eb) => [eb.fn.countAll<number>().as('n'), eb.fn.sum<number>('bytes').as('b'), eb.fn.min<number>('expires_at').as('e')])
      .where('scope', '>=', lo)
      .where('scope', '<', hi)
      .executeTakeFirstOrThrow();
    const n = Number(totals.n);
    if (n <= bounds.maxEntries && Number(totals.b ?? 0) <= bounds.maxBytes && Number(totals.e ?? Number.POSITIVE_INFINITY) > now) return [];
    // Walk newest first, keep what fits; the rest (and anything expired) goes.
    const rows = await this.db
      .selectFrom('answer_cache')
      .select(['scope', 'key', 'bytes', 'expires_at'])
      .where('scope', '>=', lo)
      .where('scope', '<', hi)
      .orderBy('created_at', 'desc')
      .execute();
    let kept = 0;
    let keptBytes = 0;
    const evicted: Array<{ scope: string; key: string }> = [];
    for (const row of rows) {
      if (Number(row.expires_at) > now && kept + 1 <= bounds.maxEntries && keptBytes + Number(row.bytes) <= bounds.maxBytes) {
        kept++;
        keptBytes += Number(row.bytes);
      } else evicted.push({ scope: row.scope, key: row.key });
    }
    for (let at = 0; at < evicted.length; at += 500) {
      const batch = evicted.slice(at, at + 500);
      await this.db
        .deleteFrom('answer_cache')
        .where((eb) => eb.or(batch.map((e) => eb.and([eb('scope', '=', e.scope), eb('key', '=', e.key)]))))
        .execute();
    }
    return evicted;
  }

  async count(group: string): Promise<number> {
    const [lo, hi] = groupRange(group);
    const row = await this.db
      .selectFrom('answer_cache')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('scope', '>=', lo)
      .where('scope', '<', hi)
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }
}

/** Scopes of a group start with it: [group, group with its last character incremented). */
function groupRange(group: string): [string, string] {
  const last = group.charCodeAt(group.length - 1);
  return [group, group.slice(0, -1) + String.fromCharCode(last + 1)];
}
