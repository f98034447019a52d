/**
 * Migration 007 (PostgreSQL only): hourly rollups for the dashboard, beside 006's `requests_hourly`:
 * fallbacks per hour/route/model, latency-histogram counts per hour/model/metric/slot, privacy actions
 * and PII finding counts per hour. One trigger function (replacing 006's) keeps all four exact in the
 * inserting transaction, for inserts, deletes and updates. The dashboard reads them when its buckets are
 * whole hours (postgres/postgres-dashboard.ts); SQLite keeps scanning `requests`.
 */
import { sql, SqliteAdapter, type Kysely, type Migration } from 'kysely';
import { LATENCY_BOUNDS_MS } from '../latency-histogram.js';

const HOUR_OF = (column: string): string => `(${column} - ((${column} % 3600000) + 3600000) % 3600000)`;

/**
 * latencySlot() in SQL: the number of bounds strictly below ms. width_bucket counts thresholds <= its
 * operand, so it is asked about -ms against the negated bounds (ascending): N minus that count is the slot,
 * by binary search, exact on the boundaries.
 */
const NEGATED_BOUNDS = `array[${[...LATENCY_BOUNDS_MS]
  .reverse()
  .map((b) => `${-b}`)
  .join(',')}]::float8[]`;
const SLOT_OF = (column: string): string => `(${LATENCY_BOUNDS_MS.length} - width_bucket(-(${column}), ${NEGATED_BOUNDS}))`;

interface Rollup {
  table: string;
  keys: Array<{ name: string; expr: (r: string) => string }>;
  /** Summed columns: name and per-row expression. */
  sums: Array<{ name: string; expr: (r: string) => string }>;
  /** FROM items after the source alias `r` (e.g. a lateral expansion), and a row filter. */
  join?: string;
  where?: (r: string) => string;
}

const hour = { name: 'hour', expr: (r: string) => HOUR_OF(`${r}.time`) };
const ROLLUPS: Rollup[] = [
  {
    table: 'requests_hourly',
    keys: [hour, { name: 'route', expr: (r) => `${r}.route` }, { name: 'model', expr: (r) => `${r}.model` }],
    sums: [
      { name: 'requests', expr: () => '1' },
      { name: 'errors', expr: (r) => `(${r}.status >= 400)::int` },
      { name: 'fallbacks', expr: (r) => `(${r}.attempts <> '[]')::int` },
      { name: 'input_tokens', expr: (r) => `${r}.input_tokens` },
      { name: 'output_tokens', expr: (r) => `${r}.output_tokens` },
      { name: 'cost', expr: (r) => `${r}.cost` },
      { name: 'baseline_cost', expr: (r) => `${r}.baseline_cost` },
    ],
  },
  {
    table: 'requests_hourly_latency',
    keys: [hour, { name: 'model', expr: (r) => `${r}.model` }, { name: 'metric', expr: () => 'm.metric' }, { name: 'slot', expr: () => SLOT_OF('m.ms') }],
    sums: [{ name: 'count', expr: () => '1' }],
    join: `cross join lateral (values ('total', r.total_ms), ('ttft', r.ttft_ms)) as m(metric, ms)`,
    where: (r) => `${r}.status < 400 and m.ms is not null`,
  },
  {
    table: 'requests_hourly_privacy',
    keys: [hour, { name: 'action', expr: (r) => `${r}.privacy_action` }],
    sums: [{ name: 'requests', expr: () => '1' }],
    where: (r) => `${r}.privacy_action is not null`,
  },
  {
    table: 'requests_hourly_findings',
    keys: [hour, { name: 'type', expr: () => 'f.key' }],
    sums: [{ name: 'count', expr: () => 'f.value::bigint' }],
    join: `cross join lateral jsonb_each_text(coalesce(r.privacy_findings, '{}')::jsonb) as f`,
  },
];

/** Every column a rollup reads: an UPDATE that changes none of them leaves the rollups alone. */
const COUNTED = [
  'time',
  'route',
  'model',
  'status',
  'attempts',
  'input_tokens',
  'output_tokens',
  'cost',
  'baseline_cost',
  'total_ms',
  'ttft_ms',
  'privacy_action',
  'privacy_findings',
];
const CHANGED = `(${COUNTED.map((c) => `o.${c}`).join(', ')}) is distinct from (${COUNTED.map((c) => `n.${c}`).join(', ')})`;

function totals(rollup: Rollup, rows: string): string {
  const keys = rollup.keys.map((k) => `${k.expr('r')} as ${k.name}`);
  const sums = rollup.sums.map((s) => `sum(${s.expr('r')}) as ${s.name}`);
  return `select ${[...keys, ...sums].join(', ')} from ${rows} r ${rollup.join ?? ''}
    ${rollup.where === undefined ? '' : `where ${rollup.where('r')}`} group by ${rollup.keys.map((_, i) => i + 1).join(', ')}`;
}

function add(rollup: Rollup, rows: string): string {
  const keys = rollup.keys.map((k) => k.name);
  const sums = rollup.sums.map((s) => s.name);
  return `insert into ${rollup.table} as h (${[...keys, ...sums].join(', ')})
    select * from (${totals(rollup, rows)}) t
    -- One lock order for every writer: concurrent group commits touching the same hours cannot deadlock.
    order by ${keys.join(', ')}
    on conflict (${keys.join(', ')}) do update set ${sums.map((s) => `${s} = h.${s} + excluded.${s}`).join(', ')};`;
}

function subtract(rollup: Rollup, rows: string): string {
  const sums = rollup.sums.map((s) => s.name);
  return `update ${rollup.table} h set ${sums.map((s) => `${s} = h.${s} - d.${s}`).join(', ')}
    from (${totals(rollup, rows)}) d
    where ${rollup.keys.map((k) => `h.${k.name} is not distinct from d.${k.name}`).join(' and ')};`;
}

const CHANGED_OLD = `(select o.* from old_rows o join new_rows n using (seq) where ${CHANGED})`;
const CHANGED_NEW = `(select n.* from new_rows n join old_rows o using (seq) where ${CHANGED})`;

// Each branch names only the transition tables its event has: PL/pgSQL plans a statement when it first
// runs it, and an INSERT trigger has no old_rows to plan against.
const FUNCTION = `
create or replace function tandem_requests_hourly_apply() returns trigger
language plpgsql
set search_path from current
as $$
begin
  if tg_op = 'INSERT' then
    ${ROLLUPS.map((r) => add(r, 'new_rows')).join('\n    ')}
  elsif tg_op = 'DELETE' then
    ${ROLLUPS.map((r) => subtract(r, 'old_rows')).join('\n    ')}
  else
    ${ROLLUPS.map((r) => subtract(r, CHANGED_OLD)).join('\n    ')}
    ${ROLLUPS.map((r) => add(r, CHANGED_NEW)).join('\n    ')}
  end if;
  return null;
end
$$`;

export const dashboardHourlyRollups007: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    if (db.getExecutor().adapter instanceof SqliteAdapter) return;
    await sql`alter table requests_hourly add column fallbacks bigint not null default 0`.execute(db);
    await sql`
      create table requests_hourly_latency (
        hour bigint not null, model text, metric text not null, slot integer not null, count bigint not null,
        constraint requests_hourly_latency_key unique nulls not distinct (hour, model, metric, slot))`.execute(db);
    await sql`
      create table requests_hourly_privacy (
        hour bigint not null, action text not null, requests bigint not null,
        constraint requests_hourly_privacy_key unique (hour, action))`.execute(db);
    await sql`
      create table requests_hourly_findings (
        hour bigint not null, type text not null, count bigint not null,
        constraint requests_hourly_findings_key unique (hour, type))`.execute(db);
    // Rows logged before this migration: fallbacks into 006's table, then the new tables from scratch.
    await sql
      .raw(
        `update requests_hourly h set fallbacks = f.fallbacks
         from (select ${HOUR_OF('time')} as hour, route, model, count(*) filter (where attempts <> '[]') as fallbacks
               from requests group by 1, 2, 3) f
         where h.hour = f.hour and h.route is not distinct from f.route and h.model is not distinct from f.model`,
      )
      .execute(db);
    for (const rollup of ROLLUPS.slice(1)) await sql.raw(add(rollup, 'requests')).execute(db);
    await sql.raw(FUNCTION).execute(db);
  },
  async down(db: Kysely<unknown>): Promise<void> {
    if (db.getExecutor().adapter instanceof SqliteAdapter) return;
    for (const table of ['requests_hourly_findings', 'requests_hourly_privacy', 'requests_hourly_latency']) {
      await sql.raw(`drop table if exists ${table}`).execute(db);
    }
    await sql`alter table requests_hourly drop column if exists fallbacks`.execute(db);
  },
};
