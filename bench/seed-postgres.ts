/**
 * Seeds a PostgreSQL schema with N request rows spread over 30 days, for bench/pg-queries.ts.
 *
 *   npm run bench:pg-seed -- [--rows 10000000] [--schema tandem_bench] [--url postgres://…] [--days 30]
 *
 * Rows are generated inside PostgreSQL (INSERT … SELECT FROM generate_series, in chunks) so nothing
 * crosses the wire: the cost measured is the table's own (5 indexes and the hourly-rollup triggers), which
 * is what a busy gateway pays too. Distributions: a diurnal arrival curve peaking at midday (in time order); routes
 * tandem/auto 70%, tandem/code 20%, direct 10%; a local model answers 60%, two cloud models 30% and 8%;
 * 3% errors; 5% fallbacks; exponential token counts (means 600 in, 250 out); log-normal latency. Bodies
 * are not stored (log_bodies: false), as a deployment of this size would run.
 */
import { parseArgs } from 'node:util';
import pg from 'pg';
import { openPostgresStore } from '../src/store/postgres/postgres-store.js';

const { values } = parseArgs({
  options: {
    rows: { type: 'string', default: '10000000' },
    schema: { type: 'string', default: 'tandem_bench' },
    url: { type: 'string', default: process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test' },
    days: { type: 'string', default: '30' },
    chunk: { type: 'string', default: '250000' },
  },
});
const rows = Number(values.rows);
const days = Number(values.days);
const chunk = Number(values.chunk);
for (const [name, n] of Object.entries({ rows, days, chunk })) {
  if (!Number.isInteger(n) || n <= 0) throw new Error(`--${name} must be a positive integer`);
}
const schema = values.schema;
if (!/^[a-z_][a-z0-9_]*$/.test(schema)) throw new Error('--schema must be a lower-case identifier');

const DAY = 86_400_000;
// Hour-aligned end, so the queries bench can ask for whole-hour and ragged windows alike.
const end = Math.floor(Date.now() / 3_600_000) * 3_600_000;
const start = end - days * DAY;
// Positions are counted in UTC days from the midnight before `start`, so "midday" is 12:00 UTC.
const startDay = start - (start % DAY);

const admin = new pg.Client({ connectionString: values.url });
await admin.connect();
await admin.query(`drop schema if exists ${schema} cascade`);
await admin.end();
// Opening the store creates the schema and runs every migration, as a gateway would.
const store = await openPostgresStore({ url: values.url, schema, logBodies: false, poolSize: 2 });
await store.close();

const client = new pg.Client({ connectionString: values.url, options: `-c search_path=${schema}` });
await client.connect();

// Row g arrives at position u = (g + jitter) / rows of the window, so rows go in roughly in time order, as
// a live log's do; within each day, time = day + frac + 0.6·sin(2π·frac)/2π packs arrivals around midday
// (four times the midnight rate), a monotonic warp that keeps that order.
const insert = `
  insert into requests (id, time, key_id, route, requested_model, model, candidates, reason, score, threshold,
    attempts, stream, input_tokens, output_tokens, tokens_estimated, cost, baseline_cost, ttft_ms, total_ms,
    overhead_ms, status, error, request_body, response_body, privacy_action, privacy_findings)
  select 'req-' || g,
    least($6::bigint - 1, greatest($1::bigint,
      $7::bigint + floor(${DAY} * (day + frac + 0.6 * sin(2 * pi() * frac) / (2 * pi())))::bigint)),
    'key-' || (floor(random() * random() * 20))::int,
    case when p_route < 0.7 then 'tandem/auto' when p_route < 0.9 then 'tandem/code' else null end,
    case when p_route < 0.7 then 'tandem/auto' when p_route < 0.9 then 'tandem/code' else 'gpt-4.1-mini' end,
    model,
    '[{"model":"llama3.2","allowed":true,"reasons":["context-fit: fits"],"refusals":[]},{"model":"gpt-4.1-mini","allowed":true,"reasons":[],"refusals":[]}]',
    'score ' || round(score::numeric, 2) || case when score < 0.5 then ' < threshold 0.5 -> small' else ' >= threshold 0.5 -> large' end,
    score, 0.5,
    case when p_fallback < 0.05 then '[{"model":"llama3.2","error":"upstream 503","durationMs":41.5}]' else '[]' end,
    (p_stream < 0.6)::int,
    tokens_in, tokens_out, (p_stream < 0.1)::int,
    case model when 'gpt-4.1-mini' then tokens_in * 0.4e-6 + tokens_out * 1.6e-6
               when 'claude-sonnet-4' then tokens_in * 3e-6 + tokens_out * 15e-6 else 0 end,
    tokens_in * 3e-6 + tokens_out * 15e-6,
    case when p_stream < 0.6 then total * 0.2 else null end,
    total, 0.3 + random(),
    status,
    case when status >= 400 then 'upstream error ' || status else null end,
    null, null,
    case when p_privacy < 0.9 then 'none' when p_privacy < 0.97 then 'detected' else 'local-only' end,
    case when p_privacy < 0.9 then '{}' else '{"email":1}' end
  from (
    select g, floor(d) as day, d - floor(d) as frac, random() as p_route, random() as p_fallback, random() as p_stream, random() as p_privacy, random() as score,
      floor(-ln(1 - random()) * 600)::int as tokens_in,
      floor(-ln(1 - random()) * 250)::int as tokens_out,
      exp(ln(800) + 0.6 * (random() + random() + random() + random() - 2) * 1.7) as total,
      case when p_status < 0.97 then 200 when p_status < 0.98 then 429 when p_status < 0.995 then 502 else 400 end as status,
      case when p_model < 0.02 then null when p_model < 0.62 then 'llama3.2' when p_model < 0.92 then 'gpt-4.1-mini'
           else 'claude-sonnet-4' end as model
    from (select g, random() as p_status, random() as p_model, $8::float8 + (g - 1 + random()) / $5 * $3 as d
          from generate_series($2::bigint, $4::bigint) as g) s
  ) t`;

const began = performance.now();
let done = 0;
while (done < rows) {
  const n = Math.min(chunk, rows - done);
  await client.query(insert, [start, done + 1, days, done + n, rows, end, startDay, (start - startDay) / DAY]);
  done += n;
  const seconds = (performance.now() - began) / 1000;
  process.stdout.write(`\r${done.toLocaleString('en')} rows, ${seconds.toFixed(0)} s, ${Math.round(done / seconds).toLocaleString('en')} rows/s   `);
}
const insertSeconds = (performance.now() - began) / 1000;
process.stdout.write('\nvacuum analyze…\n');
await client.query('vacuum analyze requests');
for (const table of ['requests_hourly', 'requests_hourly_latency', 'requests_hourly_privacy', 'requests_hourly_findings'])
  await client.query(`vacuum analyze ${table}`);
const { rows: sizes } = await client.query<{ table: string; size: string }>(
  `select 'requests' as table, pg_size_pretty(pg_total_relation_size('requests')) as size
   union all select 'requests_hourly', pg_size_pretty(pg_total_relation_size('requests_hourly'))`,
);
const { rows: counts } = await client.query<{ n: string }>('select count(*) as n from requests_hourly');
await client.end();
console.log(
  JSON.stringify(
    {
      schema,
      rows,
      window: { since: new Date(start).toISOString(), until: new Date(end).toISOString() },
      insertSeconds: Number(insertSeconds.toFixed(1)),
      rowsPerSecond: Math.round(rows / insertSeconds),
      totalSeconds: Number(((performance.now() - began) / 1000).toFixed(1)),
      rollupRows: Number(counts[0]?.n ?? 0),
      sizes: Object.fromEntries(sizes.map((s) => [s.table, s.size])),
    },
    null,
    2,
  ),
);
