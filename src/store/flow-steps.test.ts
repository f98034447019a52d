/** Runs the flow-step contract against memory, SQLite and PostgreSQL (skipped when it is not reachable). */
import { after } from 'node:test';
import { runFlowStepLogContract } from './flow-steps.contract.js';
import { createMemoryStore } from './memory/memory-store.js';
import { openPostgresStore } from './postgres/postgres-store.js';
import { postgresSkipReason, testSchemas, TEST_DATABASE_URL } from './postgres/postgres-test-database.js';
import { openSqliteStore } from './sqlite/sqlite-store.js';

runFlowStepLogContract('memory', async () => createMemoryStore());
runFlowStepLogContract('sqlite', () => openSqliteStore({ path: ':memory:', logBodies: false }));

const skip = await postgresSkipReason();
if (skip === false) {
  const schemas = testSchemas();
  after(() => schemas.dropAll());
  runFlowStepLogContract('postgres', () => openPostgresStore({ url: TEST_DATABASE_URL, schema: schemas.create(), poolSize: 3, logBodies: false }));
} else {
  console.warn(`flow-steps postgres contract skipped: ${skip}`);
}
