/**
 * Migration 006 (PostgreSQL only): `requests_hourly`, totals per hour, route and model, kept exact by
 * statement-level triggers on `requests`, so `tandem stats` and the dashboard read a few thousand rollup
 * rows instead of scanning millions of requests (docs/decisions/postgres-store.md has the figures).
 *
 * Statement-level triggers with transition tables see a whole multi-row INSERT at once: a group commit of
 * 500 rows costs one aggregate upsert of a handful of rows, inside the same transaction, so the rollup can
 * never disagree with the log. Deletes (retention) and updates that touch a counted column are subtracted
 * too. SQLite keeps scanning `requests`: an embedded store never holds millions of rows for long, and its
 * row-level triggers would tax every append.
 */
import { sql, SqliteAdapter, type Kysely, type Migration } from 'kysely';

/** The hour a ms timestamp falls in; floor division, so times before 1970 land in the right hour too. */
const HOUR_OF = (column: string): string => `(${column} - ((${column} % 3600000) + 3600000) % 3600000)`;

const COUNTED = 'time, route, model, status, input_tokens, output_tokens, cost, baseline_cost';
const CHANGED = `(${COUNTED.split(', ')
  .map((c) => `o.${c}`)
  .join(', ')}) is distinct from (${COUNTED.split(', ')
  .map((c) => `n.${c}`)
  .join(', ')})`;

/** Totals of `rows` (a relation with the requests columns) per hour, route and model. */
function totalsOf(rows: string): string {
  return `select ${HOUR_OF('r.time')} as hour, r.route, r.model,
            count(*) as requests, count(*) filter (where r.status >= 400) as errors,
            sum(r.input_tokens) as input_tokens, sum(r.output_tokens) as output_tokens,
            sum(r.cost) as cost, sum(r.baseline_cost) as baseline_cost
          from ${rows} r group by 1, 2, 3`;
}

function addTotals(rows: string): string {
  return `insert into requests_hourly as h
      (hour, route, model, requests, errors, input_tokens, output_tokens, cost, baseline_cost)
    select * from (${totalsOf(rows)}) t
    -- One lock order for every writer: concurrent group commits touching the same hours cannot deadlock.
    order by hour, route, model
    on conflict (hour, route, model) do update set
      requests = h.requests + excluded.requests,
      errors = h.errors + excluded.errors,
      input_tokens = h.input_tokens + excluded.input_tokens,
      output_tokens = h.output_tokens + excluded.output_tokens,
      cost = h.cost + excluded.cost,
      baseline_cost = h.baseline_cost + excluded.baseline_cost;`;
}

function subtractTotals(rows: string): string {
  return `update requests_hourly h set
      requests = h.requests - d.requests,
      errors = h.errors - d.errors,
      input_tokens = h.input_tokens - d.input_tokens,
      output_tokens = h.output_tokens - d.output_tokens,
      cost = h.cost - d.cost,
      baseline_cost = h.baseline_cost - d.baseline_cost
    from (${totalsOf(rows)}) d
    where h.hour = d.hour and h.route is not distinct from d.route and h.model is not distinct from d.model;`;
}

// Each branch names only the transition tables its event has: PL/pgSQL plans a statement when it first
// runs it, and an INSERT trigger has no old_rows to plan against.
const FUNCTION = sql.raw(`
create function tandem_requests_hourly_apply() returns trigger
language plpgsql
-- Fixed at creation: a session with another search_path (a seeding COPY) still updates this schema's rollup.
set search_path from current
as $$
begin
  if tg_op = 'INSERT' then
    ${addTotals('new_rows')}
  elsif tg_op = 'DELETE' then
    ${subtractTotals('old_rows')}
  else
    ${subtractTotals(`(select o.* from old_rows o join new_rows n using (seq) where ${CHANGED})`)}
    ${addTotals(`(select n.* from new_rows n join old_rows o using (seq) where ${CHANGED})`)}
  end if;
  return null;
end
$$`);

export const requestsHourlyRollup006: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    if (db.getExecutor().adapter instanceof SqliteAdapter) return;
    await sql`
      create table requests_hourly (
        hour bigint not null,
        route text,
        model text,
        requests bigint not null,
        errors bigint not null,
        input_tokens bigint not null,
        output_tokens bigint not null,
        cost double precision not null,
        baseline_cost double precision not null,
        -- PostgreSQL 15+: a null route or model is one group, as in GROUP BY.
        constraint requests_hourly_key unique nulls not distinct (hour, route, model)
      )`.execute(db);
    await FUNCTION.execute(db);
    // Transition tables need one trigger per event (PostgreSQL allows them only on single-event triggers).
    for (const event of ['insert', 'update', 'delete'] as const) {
      const tables =
        event === 'insert' ? 'new table as new_rows' : event === 'delete' ? 'old table as old_rows' : 'old table as old_rows new table as new_rows';
      await sql
        .raw(
          `create trigger requests_hourly_${event} after ${event} on requests
           referencing ${tables} for each statement execute function tandem_requests_hourly_apply()`,
        )
        .execute(db);
    }
    // Rows already logged before this migration.
    await sql
      .raw(
        `insert into requests_hourly (hour, route, model, requests, errors, input_tokens, output_tokens, cost, baseline_cost)
         select ${HOUR_OF('time')}, route, model, count(*), count(*) filter (where status >= 400),
                sum(input_tokens), sum(output_tokens), sum(cost), sum(baseline_cost)
         from requests group by 1, 2, 3`,
      )
      .execute(db);
  },
  async down(db: Kysely<unknown>): Promise<void> {
    if (db.getExecutor().adapter instanceof SqliteAdapter) return;
    for (const event of ['insert', 'update', 'delete']) {
      await sql.raw(`drop trigger if exists requests_hourly_${event} on requests`).execute(db);
    }
    await sql`drop function if exists tandem_requests_hourly_apply()`.execute(db);
    await sql`drop table if exists requests_hourly`.execute(db);
  },
};
