/**
 * Times the queries `tandem stats`, `tandem logs` and the dashboard run, on a schema seeded by
 * bench/seed-postgres.ts (10 million rows by default).
 *
 *   npm run bench:pg-seed            # once: seeds schema tandem_bench
 *   npm run bench:pg-queries -- [--schema tandem_bench] [--runs 7] [--url postgres://…]
 *
 * Each query runs once to warm the cache, then `runs` times; the median is reported, with the same
 * window as a raw scan of `requests` (the shared SQL every backend can run) as the baseline it replaces.
 * Windows end at the seeded data's last hour, so "24 h" means the busiest recent day, not an empty one.
 * The "view" cases compute their windows with the code the dashboard front end, the admin API and
 * `tandem report` run, at "now" = just after the newest row (mid-hour); their "before" column is the
 * window those callers asked for before ranges of a day or more were aligned to whole hours.
 */
import { parseArgs } from 'node:util';
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import type { TandemDatabase } from '../src/store/database.js';
import { openPostgresStore } from '../src/store/postgres/postgres-store.js';
import { sqlDashboard } from '../src/store/sql-dashboard-queries.js';
import { selectStats } from '../src/store/sql-request-queries.js';
import { seriesWindow } from '../src/api/admin-dashboard-api.js';
import { bucketWidth, reportWindow } from '../src/telemetry/report/build-report.js';
import { TIME_RANGES, windowFor } from '../dashboard/src/time-range.js';

const { values } = parseArgs({
  options: {
    schema: { type: 'string', default: 'tandem_bench' },
    runs: { type: 'string', default: '7' },
    url: { type: 'string', default: process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test' },
    // The raw scans take seconds each on 10M rows: fewer runs (0 skips them).
    'baseline-runs': { type: 'string', default: '3' },
    // Runs only the cases whose label starts with this, e.g. --only view:
    only: { type: 'string' },
  },
});
const runs = Number(values.runs);
const baselineRuns = Number(values['baseline-runs']);
const schema = values.schema;
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

const opening = performance.now();
// Opening migrates: on a schema seeded before a new rollup migration, this is that migration's backfill.
const store = await openPostgresStore({ url: values.url, schema, logBodies: false, poolSize: 2 });
const openSeconds = (performance.now() - opening) / 1000;
const pool = new pg.Pool({ connectionString: values.url, max: 1, options: `-c search_path=${schema}` });
const raw = new Kysely<TandemDatabase>({ dialect: new PostgresDialect({ pool }) });
const rawDashboard = sqlDashboard(raw);

const { rows: info } = await pool.query<{ n: string; last: string }>('select count(*) as n, max(time) as last from requests');
const rowCount = Number(info[0]?.n ?? 0);
if (rowCount === 0) throw new Error(`schema ${schema} has no rows: run npm run bench:pg-seed first`);
const until = Math.ceil(Number(info[0]?.last) / HOUR) * HOUR;
// A window that starts and ends mid-hour, as `tandem stats --since 7d` gives.
const ragged = { since: until - 7 * DAY + 1_234_567, until: until - 754_321 };
const newest = (await store.requestLog.recent({ limit: 1 }))[0];
if (newest === undefined) throw new Error('no newest row');
const firstPage = await store.dashboard.requests({ limit: 50 });

interface Case {
  label: string;
  run: () => Promise<unknown>;
  baseline?: () => Promise<unknown>;
  /** The same view as its caller issued it before whole-hour alignment. */
  before?: () => Promise<unknown>;
}
type Grid = { since: number; until: number; bucketMs: number };
const now = Number(info[0]?.last) + 1;
const view = (grid: Grid) => () => store.dashboard.series(grid);
const report = (grid: Grid) => () => Promise.all([store.stats.query({ since: grid.since, until: grid.until }), store.dashboard.series(grid)]);
const frontEnd = (key: string): Grid => {
  const range = TIME_RANGES.find((r) => r.key === key);
  if (range === undefined) throw new Error(`no dashboard range ${key}`);
  const { since, until, bucket } = windowFor(range, now);
  return { since, until, bucketMs: bucket };
};
// The 24 h view used 30-minute buckets ending on the half hour before.
const oldFrontEnd24h = ((): Grid => {
  const end = Math.ceil((now + 1) / 1_800_000) * 1_800_000;
  return { since: end - DAY, until: end, bucketMs: 1_800_000 };
})();
const apiSince = (range: number) => new URLSearchParams({ since: String(now - range) });
// The API's default grid before: start as asked, range / 60 rounded up to a second.
const oldApi = (range: number): Grid => ({ since: now - range, until: now, bucketMs: Math.max(1_000, Math.ceil(range / 60)) });
const oldReport = (range: number): Grid => ({ since: now - range, until: now, bucketMs: bucketWidth(range) });
const viewCases: Case[] = [
  ...['5m', '15m', '1h', '6h'].map((key) => ({ label: `view: dashboard ${key} (sub-hour buckets, scan)`, run: view(frontEnd(key)) })),
  { label: 'view: dashboard 24 h', run: view(frontEnd('24h')), before: view(oldFrontEnd24h) },
  { label: 'view: dashboard 7 d', run: view(frontEnd('7d')) },
  { label: 'view: API since=now-24h, default bucket', run: view(seriesWindow(apiSince(DAY), now)), before: view(oldApi(DAY)) },
  { label: 'view: API since=now-30d, default bucket', run: view(seriesWindow(apiSince(30 * DAY), now)), before: view(oldApi(30 * DAY)) },
  { label: 'view: report 24 h (stats + series)', run: report(reportWindow({ since: now - DAY, now })), before: report(oldReport(DAY)) },
  { label: 'view: report 7 d (default)', run: report(reportWindow({ since: now - 7 * DAY, now })), before: report(oldReport(7 * DAY)) },
  { label: 'view: report 30 d', run: report(reportWindow({ since: now - 30 * DAY, now })), before: report(oldReport(30 * DAY)) },
];
const cases: Case[] = [
  { label: 'stats: all time', run: () => store.stats.query({}), baseline: () => selectStats(raw, {}) },
  { label: 'stats: last 24 h', run: () => store.stats.query({ since: until - DAY }), baseline: () => selectStats(raw, { since: until - DAY }) },
  { label: 'stats: 7 d, ragged edges', run: () => store.stats.query(ragged), baseline: () => selectStats(raw, ragged) },
  {
    label: 'stats: last 30 d',
    run: () => store.stats.query({ since: until - 30 * DAY, until }),
    baseline: () => selectStats(raw, { since: until - 30 * DAY, until }),
  },
  { label: 'logs: recent 50', run: () => store.requestLog.recent({ limit: 50 }) },
  { label: 'logs: recent 50, route filter', run: () => store.requestLog.recent({ limit: 50, route: 'tandem/code' }) },
  { label: 'logs: recent 50, rare model', run: () => store.requestLog.recent({ limit: 50, model: 'claude-sonnet-4' }) },
  { label: 'logs: get by id', run: () => store.requestLog.get(newest.id) },
  {
    label: 'dashboard: series 24 h, hourly buckets',
    run: () => store.dashboard.series({ since: until - DAY, until, bucketMs: HOUR }),
    baseline: () => rawDashboard.series({ since: until - DAY, until, bucketMs: HOUR }),
  },
  {
    label: 'dashboard: series 7 d, 6 h buckets, open hour',
    run: () => store.dashboard.series({ since: until - 7 * DAY, until: until - HOUR + 1_800_000, bucketMs: 6 * HOUR }),
    baseline: () => rawDashboard.series({ since: until - 7 * DAY, until: until - HOUR + 1_800_000, bucketMs: 6 * HOUR }),
  },
  {
    label: 'dashboard: series 24 h, 30 min buckets',
    run: () => store.dashboard.series({ since: until - DAY, until, bucketMs: 30 * 60_000 }),
    baseline: () => rawDashboard.series({ since: until - DAY, until, bucketMs: 30 * 60_000 }),
  },
  {
    label: 'dashboard: series 24 h, 30 min, ragged start',
    run: () => store.dashboard.series({ since: until - DAY - 777_777, until, bucketMs: 30 * 60_000 }),
    baseline: () => rawDashboard.series({ since: until - DAY - 777_777, until, bucketMs: 30 * 60_000 }),
  },
  {
    label: 'dashboard: series 30 d, daily buckets',
    run: () => store.dashboard.series({ since: until - 30 * DAY, until, bucketMs: DAY }),
    baseline: () => rawDashboard.series({ since: until - 30 * DAY, until, bucketMs: DAY }),
  },
  { label: 'dashboard: requests page 1', run: () => store.dashboard.requests({ limit: 50 }) },
  ...(firstPage.next === null
    ? []
    : [{ label: 'dashboard: requests page 2', run: () => store.dashboard.requests({ limit: 50, before: firstPage.next ?? undefined }) }]),
];
const only = values.only;
const selected = [...cases, ...viewCases].filter((c) => only === undefined || c.label.startsWith(only));

async function median(fn: () => Promise<unknown>, n = runs): Promise<number> {
  await fn();
  const times: number[] = [];
  for (let i = 0; i < n; i++) {
    const started = performance.now();
    await fn();
    times.push(performance.now() - started);
  }
  times.sort((a, b) => a - b);
  return Number((times[Math.floor(times.length / 2)] ?? 0).toFixed(1));
}

const table: Array<{ query: string; medianMs: number; beforeMs: number | string; rawScanMs: number | string }> = [];
for (const c of selected) {
  const medianMs = await median(c.run);
  const beforeMs = c.before !== undefined && baselineRuns > 0 ? await median(c.before, baselineRuns) : '';
  const rawScanMs = c.baseline !== undefined && baselineRuns > 0 ? await median(c.baseline, baselineRuns) : '';
  table.push({ query: c.label, medianMs, beforeMs, rawScanMs });
  process.stderr.write('.');
}
process.stderr.write('\n');
console.log(
  `${rowCount.toLocaleString('en')} rows in ${schema}; store opened (and migrated) in ${openSeconds.toFixed(1)} s; median of ${runs} runs (before / raw scans: ${baselineRuns}) after one warm-up; now = ${new Date(now).toISOString()}`,
);
console.table(table);
await raw.destroy();
await store.close();
