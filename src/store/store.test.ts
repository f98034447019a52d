import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after } from 'node:test';
import { createMemoryStore } from './memory/memory-store.js';
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
