/**
 * The Dashboard on PostgreSQL: when the buckets are whole hours on whole-hour boundaries, series come from
 * the hourly rollups (migrations 006-007), so a 30-day chart reads ~30×24 rows per model instead of
 * millions of requests; the partial hour at the end of the range comes from `requests`. Any other range
 * (sub-hour buckets, a ragged start) runs the shared scan over `requests`, which is exact for any range
 * and fast for the short ranges such buckets imply.
 */
import { sql, type Kysely } from 'kysely';
import type { Dashboard, DashboardRange, DashboardSeriesRows, LatencyBucketRow, PrivacyBucketRow, TrafficBucketRow } from '../dashboard.js';
import type { TandemDatabase } from '../database.js';
import { compareNullsFirst, selectDashboardSeries, selectRequestPage } from '../sql-dashboard-queries.js';
import { HOUR_MS } from './postgres-stats.js';
import { addUsageTotals } from '../usage-totals.js';

export function postgresDashboard(db: Kysely<TandemDatabase>): Dashboard {
  return {
    series: (range) => selectSeries(db, range),
    requests: (options) => selectRequestPage(db, options),
  };
}

async function selectSeries(db: Kysely<TandemDatabase>, range: DashboardRange): Promise<DashboardSeriesRows> {
  const { since, until, bucketMs } = range;
  const aligned = Number.isSafeInteger(since) && Number.isSafeInteger(bucketMs) && bucketMs > 0 && since % HOUR_MS === 0 && bucketMs % HOUR_MS === 0;
  if (!aligned || until <= since) return selectDashboardSeries(db, range);
  const endHour = Math.max(since, Math.floor(until / HOUR_MS) * HOUR_MS);
  const parts = [await fromRollups(db, { since, until: endHour, bucketMs })];
  if (endHour < until) {
    // The last, partial hour lies inside one bucket of the grid: scan it as a single bucket, then move it.
    const tail = await selectDashboardSeries(db, { since: endHour, until, bucketMs: HOUR_MS });
    const bucket = since + Math.floor((endHour - since) / bucketMs) * bucketMs;
    parts.push({
      traffic: tail.traffic.map((r) => ({ ...r, bucket })),
      latency: tail.latency.map((r) => ({ ...r, bucket })),
      privacy: tail.privacy.map((r) => ({ ...r, bucket })),
      findings: tail.findings,
    });
  }
  return merge(parts);
}

async function fromRollups(db: Kysely<TandemDatabase>, range: DashboardRange): Promise<DashboardSeriesRows> {
  const empty: DashboardSeriesRows = { traffic: [], latency: [], privacy: [], findings: {} };
  if (range.until <= range.since) return empty;
  // Validated integers, inlined as literals like the shared queries do.
  const since = sql.lit(range.since);
  const until = sql.lit(range.until);
  const bucket = sql`hour - ((hour - ${since}) % ${sql.lit(range.bucketMs)})`;
  const where = sql`hour >= ${since} and hour < ${until}`;
  // The rollups count errors, not which were the client's (4xx): those are counted from `requests`, whose
  // error rows are few; a client_errors rollup column would need a migration of its own.
  const rawBucket = sql`time - ((time - ${since}) % ${sql.lit(range.bucketMs)})`;
  const [traffic, latency, privacy, findings, clientErrors] = await Promise.all([
    sql<Record<keyof TrafficBucketRow | 'input_tokens' | 'output_tokens' | 'baseline_cost', unknown>>`
      select ${bucket} as bucket, model, sum(requests) as requests, sum(errors) as errors, sum(fallbacks) as fallbacks,
        sum(input_tokens) as input_tokens, sum(output_tokens) as output_tokens, sum(cost) as cost, sum(baseline_cost) as baseline_cost
      from requests_hourly where ${where} group by 1, 2 having sum(requests) > 0`.execute(db),
    sql<Record<keyof LatencyBucketRow, unknown>>`
      select ${bucket} as bucket, model, metric, slot, sum(count) as count
      from requests_hourly_latency where ${where} group by 1, 2, 3, 4 having sum(count) > 0`.execute(db),
    sql<Record<keyof PrivacyBucketRow, unknown>>`
      select ${bucket} as bucket, action, sum(requests) as requests
      from requests_hourly_privacy where ${where} group by 1, 2 having sum(requests) > 0`.execute(db),
    sql<{ type: string; count: unknown }>`
      select type, sum(count) as count from requests_hourly_findings where ${where} group by 1 having sum(count) > 0`.execute(db),
    sql<{ bucket: unknown; model: string | null; client_errors: unknown }>`
      select ${rawBucket} as bucket, model, count(*) as client_errors
      from requests where time >= ${since} and time < ${until} and status >= 400 and status < 500 group by 1, 2`.execute(db),
  ]);
  const clientErrorsAt = new Map(clientErrors.rows.map((r) => [JSON.stringify([Number(r.bucket), r.model]), Number(r.client_errors)]));
  // Number(): bigint sums come back as numeric strings.
  return {
    traffic: traffic.rows.map((r) => ({
      bucket: Number(r.bucket),
      model: r.model as string | null,
      requests: Number(r.requests),
      errors: Number(r.errors),
      clientErrors: clientErrorsAt.get(JSON.stringify([Number(r.bucket), r.model as string | null])) ?? 0,
      fallbacks: Number(r.fallbacks),
      inputTokens: Number(r.input_tokens),
      outputTokens: Number(r.output_tokens),
      cost: Number(r.cost),
      baselineCost: Number(r.baseline_cost),
    })),
    latency: latency.rows.map((r) => ({
      bucket: Number(r.bucket),
      model: r.model as string | null,
      metric: r.metric === 'ttft' ? 'ttft' : 'total',
      slot: Number(r.slot),
      count: Number(r.count),
    })),
    privacy: privacy.rows.map((r) => ({ bucket: Number(r.bucket), action: String(r.action), requests: Number(r.requests) })),
    findings: Object.fromEntries(findings.rows.map((r) => [r.type, Number(r.count)])),
  };
}

/** Sums rows with the same key across parts, in the order the Dashboard interface promises. */
function merge(parts: DashboardSeriesRows[]): DashboardSeriesRows {
  const traffic = new Map<string, TrafficBucketRow>();
  const latency = new Map<string, LatencyBucketRow>();
  const privacy = new Map<string, PrivacyBucketRow>();
  const findings: Record<string, number> = {};
  for (const part of parts) {
    for (const r of part.traffic) {
      const key = JSON.stringify([r.bucket, r.model]);
      const t = traffic.get(key);
      if (t === undefined) traffic.set(key, { ...r });
      else {
        addUsageTotals(t, r);
        t.fallbacks += r.fallbacks;
        t.clientErrors += r.clientErrors;
      }
    }
    for (const r of part.latency) {
      const key = JSON.stringify([r.bucket, r.model, r.metric, r.slot]);
      const l = latency.get(key);
      if (l === undefined) latency.set(key, { ...r });
      else l.count += r.count;
    }
    for (const r of part.privacy) {
      const key = JSON.stringify([r.bucket, r.action]);
      const p = privacy.get(key);
      if (p === undefined) privacy.set(key, { ...r });
      else p.requests += r.requests;
    }
    for (const [type, n] of Object.entries(part.findings)) findings[type] = (findings[type] ?? 0) + n;
  }
  return {
    traffic: [...traffic.values()].sort((a, b) => a.bucket - b.bucket || compareNullsFirst(a.model, b.model)),
    latency: [...latency.values()].sort(
      (a, b) => a.bucket - b.bucket || compareNullsFirst(a.model, b.model) || a.metric.localeCompare(b.metric) || a.slot - b.slot,
    ),
    privacy: [...privacy.values()].sort((a, b) => a.bucket - b.bucket || (a.action < b.action ? -1 : a.action > b.action ? 1 : 0)),
    findings,
  };
}
