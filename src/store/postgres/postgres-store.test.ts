import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import pg from 'pg';
import type { RequestRecord } from '../../spec/request-record.js';
import { createMemoryStore } from '../memory/memory-store.js';
import { makeRecord } from '../request-log.contract.js';
import { killAfterAppends } from '../testing/kill-after-appends.js';
import type { StatsRow } from '../request-log.js';
import { openPostgresStore } from './postgres-store.js';
import { HOUR_MS } from './postgres-stats.js';
import { TEST_DATABASE_URL, testSchemas } from './postgres-test-database.js';

const schemas = testSchemas();
after(() => schemas.dropAll());

const open = (schema: string) => openPostgresStore({ url: TEST_DATABASE_URL, schema, poolSize: 3, logBodies: true });

test('in one batch, duplicates and a row PostgreSQL refuses fail alone; their batch-mates land', async () => {
  const store = await open(schemas.create());
  try {
    await store.requestLog.append(makeRecord({ id: 'existing', reason: 'first' }));
    // Submitted in one tick, so they share one group commit.
    const outcomes = await Promise.allSettled([
      store.requestLog.append(makeRecord({ id: 'a', time: 1 })),
      store.requestLog.append(makeRecord({ id: 'existing', reason: 'second' })),
      store.requestLog.append(makeRecord({ id: 'b', time: 2 })),
      store.requestLog.append(makeRecord({ id: 'b', time: 3, reason: 'twin' })),
      // NaN cannot be stored in a bigint column: PostgreSQL rejects the statement.
      store.requestLog.append(makeRecord({ id: 'bad', time: Number.NaN })),
      store.requestLog.append(makeRecord({ id: 'c', time: 4 })),
    ]);
    assert.deepEqual(
      outcomes.map((o) => o.status),
      ['fulfilled', 'rejected', 'fulfilled', 'rejected', 'rejected', 'fulfilled'],
    );
    assert.equal((await store.requestLog.get('existing'))?.reason, 'first');
    assert.equal((await store.requestLog.get('b'))?.time, 2);
    assert.equal(await store.requestLog.get('bad'), undefined);
    assert.deepEqual(
      (await store.requestLog.recent({ limit: 10 })).map((r) => r.id),
      ['existing', 'c', 'b', 'a'],
    );
  } finally {
    await store.close();
  }
});

test('stats from the hourly rollup equal a scan of the same rows, for any window, after deletes too', async () => {
  const store = await open(schemas.create());
  const reference = createMemoryStore();
  try {
    const base = 1_700_000_000_000 - (1_700_000_000_000 % HOUR_MS);
    const records: RequestRecord[] = [];
    let seed = 7;
    const random = (): number => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
    for (let i = 0; i < 400; i++) {
      records.push(
        makeRecord({
          id: `r${i}`,
          // Six hours, with rows exactly on hour boundaries too.
          time: base + (i % 10 === 0 ? Math.floor(random() * 6) * HOUR_MS : Math.floor(random() * 6 * HOUR_MS)),
          route: random() < 0.2 ? null : random() < 0.5 ? 'chat' : 'code',
          model: random() < 0.1 ? null : random() < 0.6 ? 'small' : 'large',
          status: random() < 0.1 ? 502 : 200,
          inputTokens: Math.floor(random() * 1000),
          outputTokens: Math.floor(random() * 500),
          cost: Math.floor(random() * 100) / 1024,
          baselineCost: Math.floor(random() * 400) / 1024,
        }),
      );
    }
    await Promise.all(records.map((r) => store.requestLog.append(r)));
    for (const r of records) await reference.requestLog.append(r);

    const windows: Array<{ since?: number; until?: number }> = [
      {},
      { since: base + HOUR_MS },
      { until: base + 2 * HOUR_MS + 1 },
      { since: base + 1_234, until: base + 5 * HOUR_MS - 99 },
      { since: base + HOUR_MS + 5, until: base + HOUR_MS + 600_000 },
      { since: base + 2 * HOUR_MS, until: base + 4 * HOUR_MS },
    ];
    const same = async (): Promise<void> => {
      for (const window of windows) {
        assertSameStats(await store.stats.query(window), await reference.stats.query(window), JSON.stringify(window));
      }
    };
    await same();
    const cut = base + 3 * HOUR_MS + 17;
    assert.equal(await store.requestLog.deleteBefore(cut), await reference.requestLog.deleteBefore(cut));
    await same();
  } finally {
    await store.close();
    await reference.close();
  }
});

function assertSameStats(actual: StatsRow[], expected: StatsRow[], label: string): void {
  const key = (r: StatsRow): unknown[] => [r.route, r.model, r.requests, r.errors, r.inputTokens, r.outputTokens];
  assert.deepEqual(actual.map(key), expected.map(key), label);
  actual.forEach((row, i) => {
    // Costs are multiples of 1/1024, so the sums are exact in any order.
    assert.equal(row.cost, expected[i]?.cost, label);
    assert.equal(row.baselineCost, expected[i]?.baselineCost, label);
  });
}

test('two replicas opening one empty schema at once migrate it once and share one log', async () => {
  const schema = schemas.create();
  const [a, b] = await Promise.all([open(schema), open(schema)]);
  try {
    await Promise.all([a.requestLog.append(makeRecord({ id: 'from-a' })), b.requestLog.append(makeRecord({ id: 'from-b' }))]);
    assert.equal((await a.requestLog.get('from-b'))?.id, 'from-b');
    assert.equal((await b.stats.query({}))[0]?.requests, 2);
    const client = new pg.Client({ connectionString: TEST_DATABASE_URL });
    await client.connect();
    try {
      const { rows } = await client.query<{ name: string }>(`select name from ${schema}.kysely_migration order by name`);
      assert.equal(new Set(rows.map((r) => r.name)).size, rows.length);
      assert.ok(rows.some((r) => r.name === '006-requests-hourly-rollup'));
    } finally {
      await client.end();
    }
  } finally {
    await a.close();
    await b.close();
  }
});

test('appends accepted before close still commit; appends after close reject', async () => {
  const schema = schemas.create();
  const store = await open(schema);
  const pending = Array.from({ length: 50 }, (_, i) => store.requestLog.append(makeRecord({ id: `p${i}`, time: i })));
  await store.close();
  await Promise.all(pending);
  await assert.rejects(store.requestLog.append(makeRecord({ id: 'late' })), /closed/);
  const again = await open(schema);
  try {
    assert.equal((await again.requestLog.recent({ limit: 100 })).length, 50);
  } finally {
    await again.close();
  }
});

test('a row whose append resolved survives the process being killed with SIGKILL', async () => {
  const schema = schemas.create();
  // The child appends concurrently (so group commits carry several rows), then idles with its pool open
  // until it is killed: a replica killed right after answering its clients.
  await killAfterAppends({
    storeFile: 'postgres/postgres-store.ts',
    openStore: 'openPostgresStore',
    appends: `const store = await openStore({ url: ${JSON.stringify(TEST_DATABASE_URL)}, schema: ${JSON.stringify(schema)}, logBodies: true });
       await Promise.all(Array.from({ length: 200 }, (_, i) => store.requestLog.append(makeRecord({ id: 'k' + i, time: i }))));`,
  });

  const store = await open(schema);
  try {
    assert.equal((await store.requestLog.recent({ limit: 1_000 })).length, 200);
    assert.deepEqual(await store.requestLog.get('k199'), makeRecord({ id: 'k199', time: 199 }));
  } finally {
    await store.close();
  }
});

test('opening is not disturbed by other schemas being created and dropped at the same moment', async () => {
  const churn = new pg.Client({ connectionString: TEST_DATABASE_URL });
  await churn.connect();
  let stop = false;
  const others = async (): Promise<void> => {
    for (let _i = 0; !stop; _i++) {
      const name = schemas.create();
      await churn.query(`create schema ${name}; create table ${name}.t (id bigint generated always as identity)`);
      await churn.query(`drop schema ${name} cascade`);
    }
  };
  const churning = others();
  try {
    for (let i = 0; i < 8; i++) await (await open(schemas.create())).close();
  } finally {
    stop = true;
    await churning;
    await churn.end();
  }
});
