/**
 * How long `tandem migrate` blocks the inserts of replicas still running, measured: a schema migrated
 * up to 006 and seeded with N request rows (generated inside PostgreSQL, like bench/seed-postgres.ts),
 * then the pending migrations applied the way `tandem migrate` applies them (one at a time, each in its
 * own transaction) while a writer appends one row every 20 ms on another connection, as an old replica
 * would. The longest insert is the time running replicas were blocked.
 *
 *   npm run bench:migration-lock -- [--rows 1000000] [--schema tandem_bench_lock] [--url postgres://…]
 */
import { parseArgs } from 'node:util';
import { Kysely, sql } from 'kysely';
import pg from 'pg';
import { createMigrator } from '../src/store/migrations/migrate-to-latest.js';
import { applyPendingMigrations } from '../src/store/migrations/prepare-schema.js';
import { SchemaScopedPostgresDialect } from '../src/store/postgres/schema-scoped-dialect.js';

const { values } = parseArgs({
  options: {
    rows: { type: 'string', default: '1000000' },
    schema: { type: 'string', default: 'tandem_bench_lock' },
    url: { type: 'string', default: process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test' },
    from: { type: 'string', default: '006-requests-hourly-rollup' },
  },
});
const rows = Number(values.rows);
if (!Number.isInteger(rows) || rows <= 0) throw new Error('--rows must be a positive integer');
const schema = values.schema;
if (!/^[a-z_][a-z0-9_]*$/.test(schema)) throw new Error('--schema must be a lower-case identifier');

const admin = new pg.Client({ connectionString: values.url });
await admin.connect();
await admin.query(`drop schema if exists ${schema} cascade`);
await admin.query(`create schema ${schema}`);
await admin.end();

const pool = new pg.Pool({ connectionString: values.url, max: 1, options: `-c search_path=${schema}`, application_name: 'tandem-bench-lock' });
const db = new Kysely<unknown>({ dialect: new SchemaScopedPostgresDialect({ pool }) });
const upTo = await createMigrator(db, { schema }).migrateTo(values.from);
if (upTo.error !== undefined) throw upTo.error;

const DAY = 86_400_000;
const end = Math.floor(Date.now() / 3_600_000) * 3_600_000;
const start = end - 30 * DAY;
const chunk = 250_000;
const began = performance.now();
for (let done = 0; done < rows; done += chunk) {
  const last = Math.min(rows, done + chunk);
  await sql`
    insert into requests (id, time, route, requested_model, model, candidates, reason, attempts, stream, input_tokens,
      output_tokens, tokens_estimated, cost, baseline_cost, ttft_ms, total_ms, overhead_ms, status, privacy_action, privacy_findings)
    select 'seed-' || g, ${start}::bigint + (g * ${30 * DAY}::bigint / ${rows}::bigint),
      case when random() < 0.7 then 'tandem/auto' else 'tandem/code' end, 'tandem/auto',
      case when random() < 0.6 then 'llama3.2' else 'gpt-4.1-mini' end, '[]', 'seeded',
      case when random() < 0.05 then '[{"model":"llama3.2","error":"upstream 503"}]' else '[]' end,
      0, 600, 250, 0, 0.001, 0.004, 120, 800 * random(), 0.5,
      case when random() < 0.97 then 200 else 502 end,
      case when random() < 0.9 then 'none' else 'detected' end,
      case when random() < 0.9 then '{}' else '{"EMAIL_ADDRESS":1}' end
    from generate_series(${done + 1}::bigint, ${last}::bigint) as g`.execute(db);
  process.stdout.write(`\rseeded ${last.toLocaleString('en')} rows in ${((performance.now() - began) / 1000).toFixed(0)} s   `);
}
process.stdout.write('\n');
await sql`vacuum analyze requests`.execute(db);

// The old replica: one single-row INSERT (its trigger updates requests_hourly) every 20 ms, timed.
const writer = new pg.Client({ connectionString: values.url, options: `-c search_path=${schema}`, application_name: 'tandem-bench-lock' });
await writer.connect();
const latencies: Array<{ at: number; ms: number }> = [];
let writing = true;
let n = 0;
const writing$ = (async () => {
  while (writing) {
    const t0 = performance.now();
    await writer.query(
      `insert into requests (id, time, route, requested_model, model, candidates, reason, attempts, stream, input_tokens,
        output_tokens, tokens_estimated, cost, baseline_cost, total_ms, overhead_ms, status)
       values ($1, $2, 'tandem/auto', 'tandem/auto', 'llama3.2', '[]', 'live', '[]', 0, 10, 10, 0, 0, 0, 100, 0.5, 200)`,
      [`live-${++n}`, Date.now()],
    );
    latencies.push({ at: t0, ms: performance.now() - t0 });
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
})();
await new Promise((resolve) => setTimeout(resolve, 1_000));

const migrations: Array<{ name: string; seconds: number }> = [];
const migrateStart = performance.now();
await applyPendingMigrations(db, { schema, onApplied: (name, ms) => migrations.push({ name, seconds: Number((ms / 1000).toFixed(1)) }) });
const migrateEnd = performance.now();
await new Promise((resolve) => setTimeout(resolve, 1_000));
writing = false;
await writing$;
await writer.end();
await db.destroy();

const during = latencies.filter((l) => l.at >= migrateStart - 50 && l.at <= migrateEnd);
const before = latencies
  .filter((l) => l.at < migrateStart)
  .map((l) => l.ms)
  .sort((a, b) => a - b);
const maxDuring = Math.max(0, ...during.map((l) => l.ms));
console.log(
  JSON.stringify(
    {
      schema,
      rows,
      from: values.from,
      migrations,
      migrateSeconds: Number(((migrateEnd - migrateStart) / 1000).toFixed(1)),
      insertsDuringMigration: during.length,
      insertMedianBeforeMs: Number((before[Math.floor(before.length / 2)] ?? 0).toFixed(1)),
      longestInsertDuringMigrationSeconds: Number((maxDuring / 1000).toFixed(2)),
      insertsSlowerThan1s: during.filter((l) => l.ms > 1_000).length,
    },
    null,
    2,
  ),
);
const cleanup = new pg.Client({ connectionString: values.url });
await cleanup.connect();
await cleanup.query(`drop schema if exists ${schema} cascade`);
await cleanup.end();
