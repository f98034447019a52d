/**
 * Cost of one registry poll: ArtifactRegistry.changeCounter(), which every replica runs every
 * `registry.poll_interval_ms` (docs/decisions/model-registry.md).
 *
 *   npx tsx bench/registry-poll.ts [--n 2000] [--events 200]
 *
 * SQLite in memory, and PostgreSQL in a throwaway schema when TANDEM_TEST_DATABASE_URL (or the default
 * test server) is reachable.
 */
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { openPostgresStore } from '../src/store/postgres/postgres-store.js';
import { postgresSkipReason, TEST_DATABASE_URL, testSchemas } from '../src/store/postgres/postgres-test-database.js';
import type { Store } from '../src/store/request-log.js';
import { openSqliteStore } from '../src/store/sqlite/sqlite-store.js';

const { values } = parseArgs({ options: { n: { type: 'string', default: '2000' }, events: { type: 'string', default: '200' } } });
const n = Number(values.n);
const events = Number(values.events);

async function bench(name: string, store: Store): Promise<void> {
  try {
    for (let i = 0; i < events; i++) {
      const artifact = { kind: 'model' as const, name: `m${i % 20}`, bytes: Uint8Array.from([i & 255]), createdAt: i, provenance: {}, metrics: {} };
      await store.registry.register(artifact, { actor: 'bench', reason: null, time: i });
    }
    for (let i = 0; i < 50; i++) await store.registry.changeCounter();
    const started = performance.now();
    for (let i = 0; i < n; i++) await store.registry.changeCounter();
    const us = ((performance.now() - started) / n) * 1000;
    console.log(`${name}: changeCounter ${us.toFixed(0)} µs per call (mean of ${n}), ${await store.registry.changeCounter()} events`);
  } finally {
    await store.close();
  }
}

await bench('sqlite', await openSqliteStore({ path: ':memory:', logBodies: false }));
const skip = await postgresSkipReason();
if (skip) console.log(`postgres: skipped (${skip})`);
else {
  const schemas = testSchemas();
  try {
    await bench('postgres', await openPostgresStore({ url: TEST_DATABASE_URL, schema: schemas.create(), logBodies: false, poolSize: 2 }));
  } finally {
    await schemas.dropAll();
  }
}
