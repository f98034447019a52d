/** Runs the experiment-store contract against SQLite and memory (PostgreSQL's run is in store/postgres/postgres-contracts.test.ts). */
import { createMemoryStore } from '../store/memory/memory-store.js';
import { openSqliteStore } from '../store/sqlite/sqlite-store.js';
import { runExperimentStoreContract } from './experiment-store.contract.js';

runExperimentStoreContract('sqlite', () => openSqliteStore({ path: ':memory:', logBodies: false }));
runExperimentStoreContract('memory', async () => createMemoryStore());
