/**
 * `Stats.query` on PostgreSQL, read from the hourly rollup (migration 006) for every whole hour in the
 * window and from `requests` only for the partial hours at its edges, so the cost is the same for a day
 * or a year of 10 million rows. Results equal the scan over `requests` the other backends run: the
 * rollup is kept exact by triggers in the inserting transaction.
 */
import { sql, type Kysely, type RawBuilder } from 'kysely';
import type { TandemDatabase } from '../database.js';
import type { StatsRow } from '../request-log.js';
import { toStatsRow } from '../sql-request-queries.js';

export const HOUR_MS = 3_600_000;

interface Window {
  since?: number;
  until?: number;
}

/** Splits [since, until) into whole hours (the rollup's part) and the raw edges before and after them. */
export function splitWindow(window: Window): { hours: Window | null; edges: Window[] } {
  const { since, until } = window;
  const firstHour = since === undefined ? undefined : Math.ceil(since / HOUR_MS) * HOUR_MS;
  const endHour = until === undefined ? undefined : Math.floor(until / HOUR_MS) * HOUR_MS;
  if (firstHour !== undefined && endHour !== undefined && firstHour >= endHour) {
    return { hours: null, edges: [window] };
  }
  const edges: Window[] = [];
  if (since !== undefined && firstHour !== undefined && since < firstHour) edges.push({ since, until: firstHour });
  if (until !== undefined && endHour !== undefined && endHour < until) edges.push({ since: endHour, until });
  const hours: Window = {};
  if (firstHour !== undefined) hours.since = firstHour;
  if (endHour !== undefined) hours.until = endHour;
  return { hours, edges };
}

function timeFilter(column: string, window: Window): RawBuilder<unknown> {
  const parts: Array<RawBuilder<unknown>> = [sql`true`];
  if (window.since !== undefined) parts.push(sql`${sql.ref(column)} >= ${window.since}`);
  if (window.until !== undefined) parts.push(sql`${sql.ref(column)} < ${window.until}`);
  return sql.join(parts, sql` and `);
}

export async function selectStatsFromRollup(db: Kysely<TandemDatabase>, window: Window): Promise<StatsRow[]> {
  const { hours, edges } = splitWindow(window);
  const parts: Array<RawBuilder<unknown>> = [];
  if (hours !== null) {
    parts.push(sql`select route, model, requests, errors, input_tokens, output_tokens, cost, baseline_cost
      from requests_hourly where ${timeFilter('hour', hours)}`);
  }
  for (const edge of edges) {
    parts.push(sql`select route, model, count(*), count(*) filter (where status >= 400),
        sum(input_tokens), sum(output_tokens), sum(cost), sum(baseline_cost)
      from requests where ${timeFilter('time', edge)} group by route, model`);
  }
  const { rows } = await sql<
    Parameters<typeof toStatsRow>[0]
  >`select route, model, sum(requests) as requests, sum(errors) as errors, sum(input_tokens) as input_tokens,
       sum(output_tokens) as output_tokens, sum(cost) as cost, sum(baseline_cost) as baseline_cost
     from (${sql.join(parts, sql` union all `)}) as t (route, model, requests, errors, input_tokens, output_tokens, cost, baseline_cost)
     group by route, model
     -- Rollup rows emptied by retention deletes stay behind with zero counts.
     having sum(requests) > 0
     order by route asc nulls first, model asc nulls first`.execute(db);
  return rows.map(toStatsRow);
}
