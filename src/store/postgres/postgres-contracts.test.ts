/**
 * The shared key, audit and dashboard suites on PostgreSQL (the request-log suite runs from
 * ../store.test.ts). Each store opens in a schema of its own, dropped at the end.
 */
import { after } from 'node:test';
import { runAuditLogContract } from '../audit-log.contract.js';
import { runDashboardContract } from '../dashboard.contract.js';
import { runApiKeyStoreContract } from '../keys.contract.js';
import { runTaskExampleStoreContract } from '../task-examples.contract.js';
import { runExperimentStoreContract } from '../../lifecycle/experiment-store.contract.js';
import { runArtifactRegistryContract } from '../../lifecycle/registry.contract.js';
import { runFeedbackStoreContract } from '../feedback.contract.js';
import { openPostgresStore } from './postgres-store.js';
import { TEST_DATABASE_URL, testSchemas } from './postgres-test-database.js';

const schemas = testSchemas();
after(() => schemas.dropAll());

const open = (logBodies = false) => openPostgresStore({ url: TEST_DATABASE_URL, schema: schemas.create(), poolSize: 3, logBodies });

runApiKeyStoreContract('postgres', () => open());
runAuditLogContract('postgres', () => open());
runDashboardContract('postgres', ({ logBodies }) => open(logBodies));
runTaskExampleStoreContract('postgres', () => open());
runExperimentStoreContract('postgres', () => open());
runArtifactRegistryContract('postgres', () => open());
runFeedbackStoreContract('postgres', () => open());
