/** Runs the VectorIndex contract against PostgreSQL with pgvector, through the PostgreSQL store (a schema per test). */
import { after, describe } from 'node:test';
import { openPostgresStore } from '../store/postgres/postgres-store.js';
import { postgresSkipReason, TEST_DATABASE_URL, testSchemas } from '../store/postgres/postgres-test-database.js';
import { runVectorIndexContract } from './vector-index.contract.js';

const skip = await postgresSkipReason();
const schemas = testSchemas();
after(() => schemas.dropAll());

if (skip) describe('VectorIndex contract: pgvector', { skip }, () => {});
else
  runVectorIndexContract('pgvector', async () => {
    const store = await openPostgresStore({ url: TEST_DATABASE_URL, schema: schemas.create(), poolSize: 3, logBodies: false });
    if (!store.vectors) throw new Error('the PostgreSQL store has no vector index');
    return { vectors: store.vectors, close: () => store.close() };
  });
