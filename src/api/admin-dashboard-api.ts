/**
 * The admin read API behind the dashboard (dashboard/ reads nothing else):
 *   GET /admin/dashboard/series?since&until&bucket   time series over [since, until) in buckets of `bucket` ms
 *   GET /admin/dashboard/requests?limit&before&since&until   recent requests, most recent first, paged
 *   GET /admin/dashboard/request?id   one request with everything the log kept
 * Times are ms since the epoch. The store returns per-model rows; this layer adds locality from the
 * config, fills empty buckets, and turns latency histograms into percentiles.
 */
import type { Gateway } from '../gateway/gateway.js';
import { GatewayError } from '../spec/errors.js';
import type { LatencyBucketRow, RequestCursor } from '../store/dashboard.js';
import { percentileFromSlots } from '../store/latency-histogram.js';
import { addUsageTotals } from '../store/usage-totals.js';
import { routeOutcome } from '../telemetry/report/route-outcome.js';
import type {
  DashboardSeries,
  LatencyPercentiles,
  Locality,
  ModelSummary,
  RequestDetail,
  RequestSummary,
  RequestsPage,
  SeriesBucket,
  Totals,
} from './admin-dashboard-types.js';

/** More buckets than a chart can show is a client bug, and would make the response large. */
export const MAX_BUCKETS = 2_000;
const DEFAULT_RANGE_MS = 60 * 60_000;
const DEFAULT_BUCKETS = 60;
const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
const MAX_PAGE = 500;
/** Stands for requests that failed before any model was tried (RequestRecord.model null). */
export const NO_MODEL = '(no model)';

/**
 * The grid a series request asks for. A caller naming `bucket` gets exactly its grid. Without one, ranges of
 * a day or more start on the hour and use whole-hour buckets, the grid PostgreSQL answers from its hourly
 * rollups (a 30-day chart reads hundreds of rollup rows instead of millions of requests); the response's
 * `since` says where the grid starts. An open end (no `until`) then runs to the end of the current hour,
 * as the front end's grid does: nothing is logged after now, and the current hour's rollup is exact, so
 * no raw scan of the partial hour is needed.
 */
export function seriesWindow(query: URLSearchParams, now: number): { since: number; until: number; bucketMs: number } {
  const askedUntil = intParam(query, 'until');
  let until = askedUntil ?? now;
  let since = intParam(query, 'since') ?? until - DEFAULT_RANGE_MS;
  if (since >= until) throw badParam('since', `since (${since}) must be before until (${until}).`);
  let bucketMs = intParam(query, 'bucket');
  if (bucketMs === undefined) {
    if (until - since >= DAY_MS) {
      since = Math.floor(since / HOUR_MS) * HOUR_MS;
      if (askedUntil === undefined) until = Math.ceil(until / HOUR_MS) * HOUR_MS;
      bucketMs = Math.ceil((until - since) / DEFAULT_BUCKETS / HOUR_MS) * HOUR_MS;
    } else bucketMs = Math.max(1_000, Math.ceil((until - since) / DEFAULT_BUCKETS));
  }
  if (bucketMs < 1) throw badParam('bucket', 'bucket must be at least 1 ms.');
  const count = Math.ceil((until - since) / bucketMs);
  if (count > MAX_BUCKETS) throw badParam('bucket', `since..until in buckets of ${bucketMs} ms is ${count} buckets; at most ${MAX_BUCKETS}.`);
  return { since, until, bucketMs };
}

export async function dashboardSeries(gateway: Gateway, query: URLSearchParams): Promise<DashboardSeries> {
  const { since, until, bucketMs } = seriesWindow(query, Date.now());
  const count = Math.ceil((until - since) / bucketMs);
  const rows = await gateway.store.dashboard.series({ since, until, bucketMs });
  const locality = localityOf(gateway);
  const buckets: SeriesBucket[] = Array.from({ length: count }, (_, k) => ({
    start: since + k * bucketMs,
    ...zeroTotals(),
    byModel: {},
    byLocality: {},
    privacy: {},
    latency: {},
  }));
  const bucketAt = (start: number): SeriesBucket | undefined => buckets[Math.floor((start - since) / bucketMs)];
  const models = new Map<string, ModelSummary>();
  const summaryOf = (model: string): ModelSummary => {
    let summary = models.get(model);
    if (summary === undefined) {
      const where = model === NO_MODEL ? 'none' : locality(model);
      summary = { model, locality: where, ...zeroTotals(), latency: { total: noPercentiles(), ttft: noPercentiles() } };
      models.set(model, summary);
    }
    return summary;
  };
  // Every configured model gets a row, so an idle local model shows as idle rather than missing.
  for (const name of gateway.models.keys()) summaryOf(name);

  const totals = { ...zeroTotals(), errorRate: 0, clientErrorRate: 0, fallbackRate: 0, byLocality: {} as Partial<Record<Locality, number>> };
  for (const row of rows.traffic) {
    const bucket = bucketAt(row.bucket);
    const name = row.model ?? NO_MODEL;
    const where = locality(row.model);
    for (const target of [bucket, summaryOf(name), totals]) {
      if (target === undefined) continue;
      addUsageTotals(target, row);
      target.fallbacks += row.fallbacks;
      target.clientErrors += row.clientErrors;
      target.serverErrors = target.errors - target.clientErrors;
      target.savings = target.baselineCost - target.cost;
    }
    totals.byLocality[where] = (totals.byLocality[where] ?? 0) + row.requests;
    if (bucket !== undefined) {
      bucket.byModel[name] = (bucket.byModel[name] ?? 0) + row.requests;
      bucket.byLocality[where] = (bucket.byLocality[where] ?? 0) + row.requests;
    }
  }
  // The red error rate is the gateway's and the upstreams' (5xx); a client's bad requests are counted apart.
  totals.errorRate = totals.requests === 0 ? 0 : totals.serverErrors / totals.requests;
  totals.clientErrorRate = totals.requests === 0 ? 0 : totals.clientErrors / totals.requests;
  totals.fallbackRate = totals.requests === 0 ? 0 : totals.fallbacks / totals.requests;

  for (const [key, slots] of groupSlots(rows.latency, (r) => JSON.stringify([r.bucket, r.model]), 'total')) {
    const [start, model] = JSON.parse(key) as [number, string | null];
    const bucket = bucketAt(start);
    if (bucket !== undefined) bucket.latency[model ?? NO_MODEL] = percentiles(slots);
  }
  for (const metric of ['total', 'ttft'] as const) {
    for (const [model, slots] of groupSlots(rows.latency, (r) => r.model ?? NO_MODEL, metric)) {
      summaryOf(model).latency[metric] = percentiles(slots);
    }
  }

  const actions: Record<string, number> = {};
  for (const row of rows.privacy) {
    const bucket = bucketAt(row.bucket);
    if (bucket !== undefined) bucket.privacy[row.action] = (bucket.privacy[row.action] ?? 0) + row.requests;
    actions[row.action] = (actions[row.action] ?? 0) + row.requests;
  }

  return {
    since,
    until,
    bucketMs,
    buckets,
    models: [...models.values()].sort((a, b) => b.requests - a.requests || a.model.localeCompare(b.model)),
    totals,
    privacy: { actions, findings: rows.findings },
  };
}

export async function dashboardRequests(gateway: Gateway, query: URLSearchParams): Promise<RequestsPage> {
  const limit = intParam(query, 'limit') ?? 50;
  if (limit < 1 || limit > MAX_PAGE) throw badParam('limit', `limit must be between 1 and ${MAX_PAGE}.`);
  const options: { limit: number; before?: RequestCursor; since?: number; until?: number } = { limit };
  const before = query.get('before');
  if (before !== null) options.before = parseCursor(before);
  const since = intParam(query, 'since');
  const until = intParam(query, 'until');
  if (since !== undefined) options.since = since;
  if (until !== undefined) options.until = until;
  const page = await gateway.store.dashboard.requests(options);
  const locality = localityOf(gateway);
  return {
    data: page.records.map((r): RequestSummary => {
      const outcome = routeOutcome(r);
      return {
        id: r.id,
        time: r.time,
        route: r.route,
        requestedModel: r.requestedModel,
        model: r.model,
        locality: locality(r.model),
        reason: r.reason,
        why: outcome.text,
        fellBack: outcome.fellBack,
        score: r.score,
        threshold: r.threshold,
        status: r.status,
        failedAttempts: outcome.failedAttempts,
        inputTokens: r.inputTokens,
        outputTokens: r.outputTokens,
        cost: r.cost,
        baselineCost: r.baselineCost,
        ttftMs: r.ttftMs,
        totalMs: r.totalMs,
        privacyAction: r.privacy?.action ?? null,
      };
    }),
    next: page.next === null ? null : `${page.next.time}.${page.next.seq}`,
  };
}

export async function dashboardRequest(gateway: Gateway, query: URLSearchParams): Promise<RequestDetail> {
  const id = query.get('id');
  if (id === null || id === '') throw badParam('id', 'Pass the request id: ?id=<x-tandem-request-id>.');
  const record = await gateway.store.requestLog.get(id);
  if (record === undefined)
    throw new GatewayError({ status: 404, code: 'request_not_found', param: 'id', message: `No logged request with id ${JSON.stringify(id)}.` });
  const locality = localityOf(gateway);
  const outcome = routeOutcome(record);
  const steps = (await gateway.store.flowSteps?.forParents([record.id]))?.get(record.id);
  return {
    ...(steps === undefined ? {} : { steps }),
    ...record,
    locality: locality(record.model),
    why: outcome.text,
    fellBack: outcome.fellBack,
    candidateLocality: Object.fromEntries(record.candidates.map((c) => [c.model, locality(c.model)])),
    feedback: await gateway.store.feedback.forRequest(record.id),
  };
}

function localityOf(gateway: Gateway): (model: string | null) => Locality {
  return (model) => (model === null ? 'none' : (gateway.models.get(model)?.locality ?? 'unknown'));
}

function groupSlots(rows: readonly LatencyBucketRow[], keyOf: (row: LatencyBucketRow) => string, metric: 'total' | 'ttft'): Map<string, Map<number, number>> {
  const groups = new Map<string, Map<number, number>>();
  for (const row of rows) {
    if (row.metric !== metric) continue;
    const key = keyOf(row);
    let slots = groups.get(key);
    if (slots === undefined) groups.set(key, (slots = new Map()));
    slots.set(row.slot, (slots.get(row.slot) ?? 0) + row.count);
  }
  return groups;
}

function percentiles(slots: ReadonlyMap<number, number>): LatencyPercentiles {
  return { p50: percentileFromSlots(slots, 0.5), p95: percentileFromSlots(slots, 0.95), p99: percentileFromSlots(slots, 0.99) };
}

function noPercentiles(): LatencyPercentiles {
  return { p50: null, p95: null, p99: null };
}

function zeroTotals(): Totals {
  return { requests: 0, errors: 0, clientErrors: 0, serverErrors: 0, fallbacks: 0, inputTokens: 0, outputTokens: 0, cost: 0, baselineCost: 0, savings: 0 };
}

function intParam(query: URLSearchParams, name: string): number | undefined {
  const raw = query.get(name);
  if (raw === null) return undefined;
  if (!/^-?\d{1,16}$/.test(raw) || !Number.isSafeInteger(Number(raw))) {
    const unit = name === 'since' || name === 'until' ? ' of ms since the epoch' : name === 'bucket' ? ' of ms' : '';
    throw badParam(name, `${name} must be an integer${unit}, got ${JSON.stringify(raw)}.`);
  }
  return Number(raw);
}

function parseCursor(raw: string): RequestCursor {
  const match = /^(\d{1,16})\.(\d{1,16})$/.exec(raw);
  if (match === null) throw badParam('before', `before must be the "next" value of a previous page, got ${JSON.stringify(raw)}.`);
  return { time: Number(match[1]), seq: Number(match[2]) };
}

function badParam(param: string, message: string): GatewayError {
  return new GatewayError({ status: 400, code: 'invalid_query', param, message });
}
