/** Runs the registry contract against memory and SQLite (PostgreSQL's run is in store/postgres/postgres-contracts.test.ts). */
import { createMemoryStore } from '../store/memory/memory-store.js';
import { openSqliteStore } from '../store/sqlite/sqlite-store.js';
import { runArtifactRegistryContract } from './registry.contract.js';

runArtifactRegistryContract('memory', async () => createMemoryStore());
runArtifactRegistryContract('sqlite', () => openSqliteStore({ path: ':memory:', logBodies: false }));
