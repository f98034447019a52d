/** ApiKeyStore over the `api_keys` table (migrations 003 and 008), as Kysely queries shared by every SQL backend. */
import type { Kysely, Selectable } from 'kysely';
import type { ApiKeysTable, TandemDatabase } from './database.js';
import type { ApiKeyRecord, ApiKeyStore, KeyLimits } from './keys.js';

export function sqlApiKeyStore(db: Kysely<TandemDatabase>): ApiKeyStore {
  return {
    async create(key) {
      await db
        .insertInto('api_keys')
        .values({
          id: key.id,
          name: key.name,
          hash: key.hash,
          prefix: key.prefix,
          routes: JSON.stringify(key.routes),
          models: JSON.stringify(key.models),
          limits: JSON.stringify(key.limits),
          created_at: key.createdAt,
          expires_at: key.expiresAt,
          revoked_at: key.revokedAt,
          scope: key.scope,
        })
        .execute();
    },
    async list() {
      const rows = await db.selectFrom('api_keys').selectAll().orderBy('created_at').orderBy('id').execute();
      return rows.map(fromKeyRow);
    },
    async get(id) {
      const row = await db.selectFrom('api_keys').selectAll().where('id', '=', id).executeTakeFirst();
      return row === undefined ? undefined : fromKeyRow(row);
    },
    async revoke(id, at) {
      const exists = await db.selectFrom('api_keys').select('id').where('id', '=', id).executeTakeFirst();
      if (exists === undefined) return false;
      await db.updateTable('api_keys').set({ revoked_at: at }).where('id', '=', id).where('revoked_at', 'is', null).execute();
      return true;
    },
    async changeToken() {
      // Keys are only ever added or revoked (never edited or deleted), so these three numbers move on
      // every change.
      const row = await db
        .selectFrom('api_keys')
        .select((eb) => [
          eb.fn.countAll<number>().as('keys'),
          eb.fn.count<number>('revoked_at').as('revoked'),
          eb.fn.max<number | null>('revoked_at').as('last_revoked'),
        ])
        .executeTakeFirstOrThrow();
      return `${Number(row.keys)}:${Number(row.revoked)}:${Number(row.last_revoked ?? 0)}`;
    },
  };
}

function fromKeyRow(row: Selectable<ApiKeysTable>): ApiKeyRecord {
  return {
    id: row.id,
    name: row.name,
    hash: row.hash,
    prefix: row.prefix,
    routes: JSON.parse(row.routes) as string[],
    models: JSON.parse(row.models) as string[],
    limits: JSON.parse(row.limits) as KeyLimits,
    // Number(): PostgreSQL returns bigint columns as strings.
    createdAt: Number(row.created_at),
    expiresAt: row.expires_at === null ? null : Number(row.expires_at),
    revokedAt: row.revoked_at === null ? null : Number(row.revoked_at),
    // Anything but 'routes' reads as 'all': the column's default, and the scope keys had before it existed.
    scope: row.scope === 'routes' ? 'routes' : 'all',
  };
}
