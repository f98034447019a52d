/** Runs the task-example contract against SQLite and memory (PostgreSQL's run is in postgres/postgres-contracts.test.ts). */
import { createMemoryStore } from './memory/memory-store.js';
import { openSqliteStore } from './sqlite/sqlite-store.js';
import { runTaskExampleStoreContract } from './task-examples.contract.js';

runTaskExampleStoreContract('sqlite', () => openSqliteStore({ path: ':memory:', logBodies: false }));
runTaskExampleStoreContract('memory', async () => createMemoryStore());
