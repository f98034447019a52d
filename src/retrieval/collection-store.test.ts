/** Runs the collection-store contract against SQLite and memory (PostgreSQL's run is in collection-store-postgres.test.ts). */
import { createMemoryStore } from '../store/memory/memory-store.js';
import { openSqliteStore } from '../store/sqlite/sqlite-store.js';
import { runCollectionStoreContract } from './collection-store.contract.js';

runCollectionStoreContract('sqlite', () => openSqliteStore({ path: ':memory:', logBodies: false }));
runCollectionStoreContract('memory', async () => createMemoryStore());
