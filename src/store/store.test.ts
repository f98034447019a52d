import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after } from 'node:test';
import { createMemoryStore } from './memory/memory-store.js';
import { openPostgresStore } from './postgres/postgres-store.js';
import { TEST_DATABASE_URL, testSchemas } from './postgres/postgres-test-database.js';
import { runStoreContract, type OpenContractStore } from './request-log.contract.js';
import { openSqliteStore } from './sqlite/sqlite-store.js';

const dir = mkdtempSync(join(tmpdir(), 'tandem-store-'));
after(() => rmSync(dir, { recursive: true, force: true }));

let n = 0;
/** A new database file per call, in a directory that does not exist yet (the store must create it). */
function sqliteFileDatabase(): OpenContractStore {
  const path = join(dir, `db-${++n}`, 'nested', 'tandem.db');
  return ({ logBodies }) => openSqliteStore({ path, logBodies });
}

runStoreContract('sqlite file', (options) => sqliteFileDatabase()(options), { database: sqliteFileDatabase });
runStoreContract('sqlite :memory:', ({ logBodies }) => openSqliteStore({ path: ':memory:', logBodies }));
runStoreContract('memory', async ({ logBodies }) => createMemoryStore({ logBodies }));

const schemas = testSchemas();
after(() => schemas.dropAll());
/** A new PostgreSQL schema per call, so parallel runs on one server never share rows. */
function postgresDatabase(): OpenContractStore {
  const schema = schemas.create();
  return ({ logBodies }) => openPostgresStore({ url: TEST_DATABASE_URL, schema, poolSize: 4, logBodies });
}

runStoreContract('postgres', (options) => postgresDatabase()(options), { database: postgresDatabase });
