/**
 * The dashboard's aggregates as Kysely queries, written once for every SQL backend. Everything is a
 * GROUP BY over a `time` range, so each query is one range scan of requests_time_idx. Bucket and
 * latency-slot expressions are plain integer arithmetic and CASE, portable between SQLite and PostgreSQL;
 * their inputs are validated integers inlined as literals (no driver guessing parameter types).
 */
import { sql, type AliasableExpression, type Expression, type ExpressionBuilder, type Kysely, type SqlBool } from 'kysely';
import type { TandemDatabase } from './database.js';
import type { Dashboard, DashboardRange, DashboardSeriesRows, RequestCursor, RequestPage } from './dashboard.js';
import { LATENCY_BOUNDS_MS } from './latency-histogram.js';
import { fromRequestRow } from './request-row.js';

type Eb = ExpressionBuilder<TandemDatabase, 'requests'>;

/** The Dashboard interface for any SQL backend's Kysely handle. */
export function sqlDashboard(db: Kysely<TandemDatabase>): Dashboard {
  return { series: (range) => selectDashboardSeries(db, range), requests: (options) => selectRequestPage(db, options) };
}

export async function selectDashboardSeries(db: Kysely<TandemDatabase>, range: DashboardRange): Promise<DashboardSeriesRows> {
  assertRange(range);
  const bucket = sql<number>`time - ((time - ${sql.lit(range.since)}) % ${sql.lit(range.bucketMs)})`;
  const inRange = (eb: Eb): Expression<SqlBool> => eb.and([eb('time', '>=', range.since), eb('time', '<', range.until)]);

  const traffic = await db
    .selectFrom('requests')
    .where(inRange)
    .select((eb) => [
      bucket.as('bucket'),
      'model',
      eb.fn.countAll<number>().as('requests'),
      eb.fn.sum<number>(eb.case().when('status', '>=', 400).then(1).else(0).end()).as('errors'),
      eb.fn
        .sum<number>(
          eb
            .case()
            .when(eb.and([eb('status', '>=', 400), eb('status', '<', 500)]))
            .then(1)
            .else(0)
            .end(),
        )
        .as('client_errors'),
      // attempts is JSON.stringify output (request-row.ts), where a failed attempt reads `"error":"..."`.
      eb.fn.sum<number>(eb.case().when('attempts', 'like', '%"error":"%').then(1).else(0).end()).as('fallbacks'),
      eb.fn.sum<number>('input_tokens').as('input_tokens'),
      eb.fn.sum<number>('output_tokens').as('output_tokens'),
      eb.fn.sum<number>('cost').as('cost'),
      eb.fn.sum<number>('baseline_cost').as('baseline_cost'),
    ])
    .groupBy([sql`bucket`, 'model'])
    .orderBy(sql`bucket`)
    .orderBy('model', (ob) => ob.asc().nullsFirst())
    .execute();

  const latency: DashboardSeriesRows['latency'] = [];
  for (const metric of ['total', 'ttft'] as const) {
    const column = metric === 'total' ? 'total_ms' : 'ttft_ms';
    const rows = await db
      .selectFrom('requests')
      .where(inRange)
      .where('status', '<', 400)
      .where(column, 'is not', null)
      .select((eb) => [bucket.as('bucket'), 'model', slotExpression(eb, column).as('slot'), eb.fn.countAll<number>().as('count')])
      .groupBy([sql`bucket`, 'model', sql`slot`])
      .orderBy(sql`bucket`)
      .orderBy('model', (ob) => ob.asc().nullsFirst())
      .orderBy(sql`slot`)
      .execute();
    for (const row of rows) {
      latency.push({ bucket: Number(row.bucket), model: row.model, metric, slot: Number(row.slot), count: Number(row.count) });
    }
  }
  latency.sort((a, b) => a.bucket - b.bucket || compareNullsFirst(a.model, b.model) || a.metric.localeCompare(b.metric) || a.slot - b.slot);

  const privacy = await db
    .selectFrom('requests')
    .where(inRange)
    .where('privacy_action', 'is not', null)
    .select((eb) => [bucket.as('bucket'), 'privacy_action', eb.fn.countAll<number>().as('requests')])
    .groupBy([sql`bucket`, 'privacy_action'])
    .orderBy(sql`bucket`)
    .orderBy('privacy_action')
    .execute();

  // Findings are a small JSON object on the few requests that had any; summing them here keeps the
  // SQL free of dialect-specific JSON functions.
  const findingRows = await db
    .selectFrom('requests')
    .where(inRange)
    .where('privacy_findings', 'is not', null)
    .where('privacy_findings', '<>', '{}')
    .select('privacy_findings')
    .execute();
  const findings: Record<string, number> = {};
  for (const row of findingRows) {
    for (const [type, n] of Object.entries(JSON.parse(row.privacy_findings ?? '{}') as Record<string, number>)) {
      findings[type] = (findings[type] ?? 0) + n;
    }
  }

  return {
    // Number(): PostgreSQL returns bigint sums and counts as strings.
    traffic: traffic.map((row) => ({
      bucket: Number(row.bucket),
      model: row.model,
      requests: Number(row.requests),
      errors: Number(row.errors),
      clientErrors: Number(row.client_errors),
      fallbacks: Number(row.fallbacks),
      inputTokens: Number(row.input_tokens),
      outputTokens: Number(row.output_tokens),
      cost: Number(row.cost),
      baselineCost: Number(row.baseline_cost),
    })),
    latency,
    privacy: privacy.map((row) => ({ bucket: Number(row.bucket), action: row.privacy_action ?? '', requests: Number(row.requests) })),
    findings,
  };
}

export async function selectRequestPage(
  db: Kysely<TandemDatabase>,
  options: { limit: number; before?: RequestCursor; since?: number; until?: number },
): Promise<RequestPage> {
  const limit = Math.max(0, Math.floor(options.limit));
  let query = db.selectFrom('requests').selectAll();
  if (options.since !== undefined) query = query.where('time', '>=', options.since);
  if (options.until !== undefined) query = query.where('time', '<', options.until);
  const before = options.before;
  if (before !== undefined) {
    query = query.where((eb) => eb.or([eb('time', '<', before.time), eb.and([eb('time', '=', before.time), eb('seq', '<', before.seq)])]));
  }
  // One row more than asked tells whether an older page exists.
  const rows = await query
    .orderBy('time', 'desc')
    .orderBy('seq', 'desc')
    .limit(limit + 1)
    .execute();
  const page = rows.slice(0, limit).map((row) => ({ ...fromRequestRow(row), seq: Number(row.seq) }));
  const last = page[page.length - 1];
  return { records: page, next: rows.length > limit && last !== undefined ? { time: last.time, seq: last.seq } : null };
}

/** CASE mapping a duration to its latency-histogram slot, the same as latencySlot(). */
function slotExpression(eb: Eb, column: 'total_ms' | 'ttft_ms'): AliasableExpression<number> {
  const [first, ...rest] = LATENCY_BOUNDS_MS.map((bound, slot) => ({ bound, slot }));
  if (first === undefined) return sql.lit(0);
  let chain = eb.case().when(column, '<=', sql.lit(first.bound)).then(sql.lit(first.slot));
  for (const { bound, slot } of rest) chain = chain.when(column, '<=', sql.lit(bound)).then(sql.lit(slot));
  return chain.else(sql.lit(LATENCY_BOUNDS_MS.length)).end();
}

function assertRange(range: DashboardRange): void {
  for (const value of [range.since, range.until, range.bucketMs]) {
    if (!Number.isSafeInteger(value)) throw new RangeError(`dashboard range needs integer milliseconds, got ${value}`);
  }
  if (range.bucketMs <= 0) throw new RangeError('dashboard bucket must be positive');
}

export function compareNullsFirst(a: string | null, b: string | null): number {
  if (a === b) return 0;
  if (a === null) return -1;
  if (b === null) return 1;
  return a < b ? -1 : a > b ? 1 : 0;
}
