/**
 * The store's read interface for the dashboard: time-bucketed aggregates and a paged request list. Kept
 * apart from RequestLog/Stats so each backend implements it once (SQL backends share
 * sql-dashboard-queries.ts) and passes dashboard.contract.ts.
 *
 * Rows come back per model, never per locality: locality lives in the config (and may change), so the API
 * layer maps models to local/cloud when it answers.
 */
import type { RequestRecord } from '../spec/request-record.js';

export interface DashboardRange {
  /** Inclusive, ms since the epoch. */
  since: number;
  /** Exclusive. */
  until: number;
  /** Bucket width in ms; bucket k covers [since + k*bucketMs, since + (k+1)*bucketMs). */
  bucketMs: number;
}

export interface TrafficBucketRow {
  /** Start of the bucket (ms since the epoch). */
  bucket: number;
  /** The model that answered (or last failed); null when none was tried. */
  model: string | null;
  requests: number;
  /** Status >= 400. */
  errors: number;
  /** Of those, 4xx: refused for the client's own input or key, not a gateway or upstream failure. */
  clientErrors: number;
  /**
   * Requests with at least one failed attempt (RequestRecord.attempts lists every attempt, the answering
   * one too, with error null): the gateway retried or fell back to another model.
   */
  fallbacks: number;
  inputTokens: number;
  outputTokens: number;
  cost: number;
  baselineCost: number;
}

/** How many successful requests of one model fell into one latency slot (see latency-histogram.ts). */
export interface LatencyBucketRow {
  bucket: number;
  model: string | null;
  metric: 'total' | 'ttft';
  slot: number;
  count: number;
}

export interface PrivacyBucketRow {
  bucket: number;
  /** PrivacyOutcome.action */
  action: string;
  requests: number;
}

export interface DashboardSeriesRows {
  /** Ordered by bucket, then model (nulls first). */
  traffic: TrafficBucketRow[];
  /** Ordered by bucket, model (nulls first), metric, slot. Only requests with status < 400. */
  latency: LatencyBucketRow[];
  /** Ordered by bucket, then action. */
  privacy: PrivacyBucketRow[];
  /** PII findings by type over the whole range (counts of values found, never the values). */
  findings: Record<string, number>;
}

/** Keyset cursor: the position of the last row of the previous page. */
export interface RequestCursor {
  time: number;
  seq: number;
}

export interface RequestPage {
  /** Most recent first. */
  records: Array<RequestRecord & { seq: number }>;
  /** Pass back as `before` for the next (older) page; null on the last page. */
  next: RequestCursor | null;
}

export interface Dashboard {
  series(range: DashboardRange): Promise<DashboardSeriesRows>;
  /** Requests in [since, until), most recent first, strictly older than `before` when given. */
  requests(options: { limit: number; before?: RequestCursor; since?: number; until?: number }): Promise<RequestPage>;
}
