/**
 * Upgrading a store made before key scopes: keys made with routes and no models become routes-only (the
 * policy bypass they were open to); every other key keeps what it could do.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import Database from 'better-sqlite3';
import { Kysely, Migrator, SqliteDialect } from 'kysely';
import type { TandemDatabase } from '../database.js';
import { sqlApiKeyStore } from '../keys-sql.js';
import { migrateToLatest, migrations } from './migrate-to-latest.js';

test('migration 008 gives keys with routes but no models the scope `routes`, all others `all`', async () => {
  const db = new Kysely<TandemDatabase>({ dialect: new SqliteDialect({ database: new Database(':memory:') }) });
  try {
    const before = Object.fromEntries(Object.entries(migrations).filter(([name]) => name < '008'));
    const { error } = await new Migrator({ db, provider: { getMigrations: async () => before } }).migrateToLatest();
    assert.equal(error, undefined);
    const row = (id: string, routes: string[], models: string[]) => ({
      id,
      name: id,
      hash: id.padEnd(64, '0'),
      prefix: 'tdm_x',
      routes: JSON.stringify(routes),
      models: JSON.stringify(models),
      limits: '{}',
      created_at: 1,
      expires_at: null,
      revoked_at: null,
    });
    // Written as the 003 schema knew them: no scope column yet.
    const rows = [
      row('routes-only', ['sec/*'], ['*']),
      row('routes-and-models', ['sec/*'], ['small']),
      row('models-only', ['*'], ['small']),
      row('everything', ['*'], ['*']),
    ];
    await (db as unknown as Kysely<{ api_keys: (typeof rows)[number] }>).insertInto('api_keys').values(rows).execute();

    await migrateToLatest(db as unknown as Kysely<unknown>);
    const scopes = Object.fromEntries((await sqlApiKeyStore(db).list()).map((k) => [k.id, k.scope]));
    assert.deepEqual(scopes, { 'routes-only': 'routes', 'routes-and-models': 'all', 'models-only': 'all', everything: 'all' });
  } finally {
    await db.destroy();
  }
});
