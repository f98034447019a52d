/** The collection-store contract on PostgreSQL, each store in a schema of its own, dropped at the end. */
import { after } from 'node:test';
import { openPostgresStore } from '../store/postgres/postgres-store.js';
import { TEST_DATABASE_URL, testSchemas } from '../store/postgres/postgres-test-database.js';
import { runCollectionStoreContract } from './collection-store.contract.js';

const schemas = testSchemas();
after(() => schemas.dropAll());

runCollectionStoreContract('postgres', () => openPostgresStore({ url: TEST_DATABASE_URL, schema: schemas.create(), poolSize: 3, logBodies: false }));
