/**
 * The savings report behind `tandem report`: per route and model, what was served, what it cost, what the
 * all-to-the-baseline-model alternative would have cost, how much went to local models, and how fast.
 * Pure: it reads rows the store already answers (Stats.query totals, the dashboard's bucketed series),
 * so the report and the dashboard agree by construction.
 *
 * Latency percentiles are per model (the store keeps latency histograms per model, not per route), read
 * from the same log-scale histogram as the dashboard: within 20% of the exact value.
 */
import type { DashboardSeriesRows } from '../../store/dashboard.js';
import { percentileFromSlots } from '../../store/latency-histogram.js';
import type { StatsRow } from '../../store/request-log.js';
import { addUsageTotals } from '../../store/usage-totals.js';

export type Locality = 'local' | 'cloud' | 'unknown';

/** StatsRow's sums (savings = baselineCost - cost), plus the shares a report adds. */
export interface ReportTotals extends Omit<StatsRow, 'route' | 'model'> {
  /** Share of the baseline cost saved, in percent; null without a baseline cost. */
  savingsPercent: number | null;
  /** Share of requests answered by local models, in percent; null without requests. */
  localSharePercent: number | null;
}

export interface ReportRow extends ReportTotals {
  /** null: the client named a model directly. */
  route: string | null;
  /** The model that answered; null: no model was reached. */
  model: string | null;
  locality: Locality;
}

/** What is per model rather than per route (the store keeps latency per model): listed once per model. */
export interface ReportModel {
  model: string;
  locality: Locality;
  requests: number;
  /** Requests this model answered after a failed attempt: a fallback from another model, or a retry. */
  afterFailedAttempt: number;
  /** Total latency percentiles over the period (successful requests), ms. */
  p50Ms: number | null;
  p95Ms: number | null;
}

export interface ReportBucket {
  start: number;
  local: number;
  cloud: number;
  /** Requests that reached no model or a model no longer in the config. */
  other: number;
  cost: number;
  baselineCost: number;
}

export interface SavingsReport {
  since: number;
  until: number;
  bucketMs: number;
  currency: string;
  rows: ReportRow[];
  /** One row per model that answered, with its latency and how often it answered after a failure. */
  models: ReportModel[];
  /** One subtotal per route (`null` = direct model calls). */
  routes: Array<ReportTotals & { route: string | null }>;
  total: ReportTotals;
  buckets: ReportBucket[];
}

export interface BuildReportInput {
  since: number;
  until: number;
  bucketMs: number;
  currency: string;
  stats: readonly StatsRow[];
  series: DashboardSeriesRows;
  /** Model name -> locality, from the config. */
  localities: ReadonlyMap<string, 'local' | 'cloud'>;
}

export function buildReport(input: BuildReportInput): SavingsReport {
  const localityOf = (model: string | null): Locality => (model === null ? 'unknown' : (input.localities.get(model) ?? 'unknown'));
  const slotsByModel = new Map<string, Map<number, number>>();
  for (const row of input.series.latency) {
    if (row.metric !== 'total' || row.model === null) continue;
    let slots = slotsByModel.get(row.model);
    if (slots === undefined) slotsByModel.set(row.model, (slots = new Map()));
    slots.set(row.slot, (slots.get(row.slot) ?? 0) + row.count);
  }
  const rows: ReportRow[] = input.stats.map((stat) => {
    const locality = localityOf(stat.model);
    return { route: stat.route, model: stat.model, locality, ...withShares(stat, locality === 'local' ? stat.requests : 0) };
  });
  const perModel = new Map<string, ReportModel>();
  for (const row of input.series.traffic) {
    if (row.model === null) continue;
    let m = perModel.get(row.model);
    if (m === undefined) {
      const slots = slotsByModel.get(row.model);
      m = {
        model: row.model,
        locality: localityOf(row.model),
        requests: 0,
        afterFailedAttempt: 0,
        p50Ms: slots ? percentileFromSlots(slots, 0.5) : null,
        p95Ms: slots ? percentileFromSlots(slots, 0.95) : null,
      };
      perModel.set(row.model, m);
    }
    m.requests += row.requests;
    m.afterFailedAttempt += row.fallbacks;
  }

  const byRoute = new Map<string | null, { sum: StatsRow; local: number }>();
  const all = { sum: emptyStats(), local: 0 };
  for (const row of rows) {
    let route = byRoute.get(row.route);
    if (route === undefined) byRoute.set(row.route, (route = { sum: emptyStats(), local: 0 }));
    for (const target of [route, all]) {
      addUsageTotals(target.sum, row);
      if (row.locality === 'local') target.local += row.requests;
    }
  }

  const count = Math.max(1, Math.ceil((input.until - input.since) / input.bucketMs));
  const buckets: ReportBucket[] = Array.from({ length: count }, (_, k) => ({
    start: input.since + k * input.bucketMs,
    local: 0,
    cloud: 0,
    other: 0,
    cost: 0,
    baselineCost: 0,
  }));
  for (const row of input.series.traffic) {
    const bucket = buckets[Math.floor((row.bucket - input.since) / input.bucketMs)];
    if (bucket === undefined) continue;
    const locality = localityOf(row.model);
    if (locality === 'unknown') bucket.other += row.requests;
    else bucket[locality] += row.requests;
    bucket.cost += row.cost;
    bucket.baselineCost += row.baselineCost;
  }

  return {
    since: input.since,
    until: input.until,
    bucketMs: input.bucketMs,
    currency: input.currency,
    rows,
    models: [...perModel.values()].sort((a, b) => b.requests - a.requests || a.model.localeCompare(b.model)),
    routes: [...byRoute.entries()].map(([route, r]) => ({ route, ...withShares(r.sum, r.local) })),
    total: withShares(all.sum, all.local),
    buckets,
  };
}

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

/**
 * The default start of a report: 7 days back, or the hour of the first request when the log is younger,
 * so a new user's first hour of traffic fills the chart instead of one spike at the right edge of a week.
 * `hours` is the traffic of the last 7 days in whole-hour buckets (the store answers it from rollups).
 */
export function adaptiveSince(options: { now: number; hours: DashboardSeriesRows['traffic'] }): { since: number; adaptive: boolean } {
  const week = options.now - 7 * DAY_MS;
  const first = options.hours.reduce((min, row) => (row.requests > 0 && row.bucket < min ? row.bucket : min), Number.POSITIVE_INFINITY);
  if (!Number.isFinite(first) || first <= week) return { since: week, adaptive: false };
  return { since: first, adaptive: true };
}

/**
 * The period and chart grid of a report from `since` to `until` (default: now). Periods of a day or more
 * get whole-hour buckets from bucketWidth; their start moves down to the hour, and an open end up to the
 * end of the current hour (nothing is logged after now), so every bucket is a run of whole hours, which
 * PostgreSQL answers from its hourly rollups instead of scanning millions of requests. The report states
 * the period it covers, and its totals, chart and latency agree on that one window.
 */
export function reportWindow(options: { since: number; until?: number; now: number }): { since: number; until: number; bucketMs: number } {
  const { since } = options;
  const until = options.until ?? options.now;
  const bucketMs = bucketWidth(until - since);
  if (until - since < 24 * HOUR_MS || bucketMs % HOUR_MS !== 0) return { since, until, bucketMs };
  const aligned = { since: Math.floor(since / HOUR_MS) * HOUR_MS, until: options.until ?? Math.ceil(options.now / HOUR_MS) * HOUR_MS };
  return { ...aligned, bucketMs: bucketWidth(aligned.until - aligned.since) };
}

/** A bucket width giving at most `maxBuckets` buckets, rounded up to a unit people read easily. */
export function bucketWidth(rangeMs: number, maxBuckets = 48): number {
  const units = [60_000, 5 * 60_000, 15 * 60_000, 3_600_000, 3 * 3_600_000, 6 * 3_600_000, 86_400_000, 7 * 86_400_000];
  const wanted = rangeMs / maxBuckets;
  return units.find((u) => u >= wanted) ?? Math.ceil(wanted / 86_400_000) * 86_400_000;
}

function withShares(stat: Omit<StatsRow, 'route' | 'model'>, localRequests: number): ReportTotals {
  const savings = stat.baselineCost - stat.cost;
  return {
    requests: stat.requests,
    errors: stat.errors,
    inputTokens: stat.inputTokens,
    outputTokens: stat.outputTokens,
    cost: stat.cost,
    baselineCost: stat.baselineCost,
    savings,
    savingsPercent: stat.baselineCost > 0 ? (savings / stat.baselineCost) * 100 : null,
    localSharePercent: stat.requests > 0 ? (localRequests / stat.requests) * 100 : null,
  };
}

function emptyStats(): StatsRow {
  return { route: null, model: null, requests: 0, errors: 0, inputTokens: 0, outputTokens: 0, cost: 0, baselineCost: 0, savings: 0 };
}
