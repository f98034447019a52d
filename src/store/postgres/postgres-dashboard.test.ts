import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import type { RequestRecord } from '../../spec/request-record.js';
import type { DashboardRange } from '../dashboard.js';
import type { TandemDatabase } from '../database.js';
import { LATENCY_BOUNDS_MS } from '../latency-histogram.js';
import { makeRecord } from '../request-log.contract.js';
import { selectDashboardSeries } from '../sql-dashboard-queries.js';
import { openPostgresStore } from './postgres-store.js';
import { HOUR_MS } from './postgres-stats.js';
import { TEST_DATABASE_URL, testSchemas } from './postgres-test-database.js';

const schemas = testSchemas();
after(() => schemas.dropAll());

test('series from the hourly rollups equal the scan over requests, after deletes and updates too', async () => {
  const schema = schemas.create();
  const store = await openPostgresStore({ url: TEST_DATABASE_URL, schema, poolSize: 3, logBodies: false });
  // The reference: the shared scan every backend can run, on the same rows.
  const pool = new pg.Pool({ connectionString: TEST_DATABASE_URL, max: 1, options: `-c search_path=${schema}` });
  const db = new Kysely<TandemDatabase>({ dialect: new PostgresDialect({ pool }) });
  try {
    const base = 1_700_000_000_000 - (1_700_000_000_000 % HOUR_MS);
    let seed = 11;
    const random = (): number => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
    const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
    const records: RequestRecord[] = Array.from({ length: 500 }, (_, i) => {
      const record = makeRecord({
        id: `d${i}`,
        time: base + (i % 25 === 0 ? Math.floor(random() * 8) * HOUR_MS : Math.floor(random() * 8 * HOUR_MS)),
        route: pick(['chat', 'code', null]),
        model: pick(['small', 'large', null]),
        status: pick([200, 200, 200, 200, 429, 502]),
        attempts: random() < 0.2 ? [{ model: 'small', error: 'upstream 503', durationMs: 4 }] : [],
        // Exact histogram bounds too: the SQL slot must agree with latencySlot() on the boundary.
        totalMs: random() < 0.3 ? pick(LATENCY_BOUNDS_MS) : random() * 5_000,
        ttftMs: random() < 0.3 ? null : random() < 0.3 ? pick(LATENCY_BOUNDS_MS) : random() * 900,
        cost: Math.floor(random() * 64) / 1024,
        baselineCost: Math.floor(random() * 256) / 1024,
      });
      const action = pick(['none', 'detected', 'local-only', undefined] as const);
      if (action !== undefined) record.privacy = { action, findings: action === 'none' ? {} : { EMAIL_ADDRESS: 1 + Math.floor(random() * 3), PHONE: 1 } };
      return record;
    });
    await Promise.all(records.map((r) => store.requestLog.append(r)));

    const ranges: DashboardRange[] = [
      { since: base, until: base + 8 * HOUR_MS, bucketMs: HOUR_MS },
      { since: base + HOUR_MS, until: base + 7 * HOUR_MS + 1_234_567, bucketMs: 2 * HOUR_MS },
      { since: base, until: base + 30 * 60_000, bucketMs: HOUR_MS },
      { since: base - 24 * HOUR_MS, until: base + 9 * HOUR_MS, bucketMs: 24 * HOUR_MS },
      // Not whole hours: the scan path.
      { since: base + 5_000, until: base + 3 * HOUR_MS, bucketMs: 15 * 60_000 },
    ];
    const same = async (label: string): Promise<void> => {
      for (const range of ranges) {
        const actual = await store.dashboard.series(range);
        const expected = await selectDashboardSeries(db, range);
        if (label === 'after inserts') assert.ok(expected.traffic.length > 0, `${JSON.stringify(range)} must hold rows to compare`);
        assert.deepEqual(actual, expected, `${label} ${JSON.stringify(range)}`);
      }
    };
    await same('after inserts');
    await store.requestLog.deleteBefore(base + 2 * HOUR_MS + 99);
    await sql`update requests set status = 503, total_ms = total_ms * 2, privacy_action = 'blocked' where id in ('d301', 'd302', 'd303')`.execute(db);
    await sql`update requests set reason = 'edited' where id = 'd304'`.execute(db);
    await same('after delete and update');
  } finally {
    await db.destroy();
    await store.close();
  }
});
