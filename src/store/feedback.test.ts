/** Runs the feedback contract against SQLite and memory (PostgreSQL's run is in postgres/postgres-contracts.test.ts). */
import { runFeedbackStoreContract } from './feedback.contract.js';
import { createMemoryStore } from './memory/memory-store.js';
import { openSqliteStore } from './sqlite/sqlite-store.js';

runFeedbackStoreContract('sqlite', () => openSqliteStore({ path: ':memory:', logBodies: false }));
runFeedbackStoreContract('memory', async () => createMemoryStore());
