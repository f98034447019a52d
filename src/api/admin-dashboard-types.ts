/**
 * The admin dashboard API's response shapes: plain types with no runtime imports, shared by the server
 * (admin-dashboard-api.ts) and the dashboard front end (dashboard/src), so the two cannot drift apart.
 */
import type { RequestRecord } from '../spec/request-record.js';
import type { FeedbackEntry } from '../store/feedback.js';
import type { FlowStepRecord } from '../store/flow-steps.js';

export type Locality = 'local' | 'cloud' | 'unknown' | 'none';

export interface LatencyPercentiles {
  p50: number | null;
  p95: number | null;
  p99: number | null;
}

export interface Totals {
  requests: number;
  /** Every answer with status >= 400. */
  errors: number;
  /** 4xx: refused for the client's own input or key (a bad request, an unknown model, a limit). */
  clientErrors: number;
  /** 5xx: the gateway's or an upstream's failure; what the error rate counts. */
  serverErrors: number;
  /** Requests with a failed attempt: the gateway retried or fell back to another model. */
  fallbacks: number;
  inputTokens: number;
  outputTokens: number;
  cost: number;
  baselineCost: number;
  savings: number;
}

export interface SeriesBucket extends Totals {
  start: number;
  byModel: Record<string, number>;
  byLocality: Partial<Record<Locality, number>>;
  privacy: Record<string, number>;
  /** p50/p95/p99 of total latency per model in this bucket (successful requests only). */
  latency: Record<string, LatencyPercentiles>;
}

export interface ModelSummary extends Totals {
  model: string;
  locality: Locality;
  latency: { total: LatencyPercentiles; ttft: LatencyPercentiles };
}

export interface DashboardSeries {
  since: number;
  until: number;
  bucketMs: number;
  buckets: SeriesBucket[];
  models: ModelSummary[];
  /** errorRate: server errors (5xx) per request; clientErrorRate: 4xx per request. */
  totals: Totals & { errorRate: number; clientErrorRate: number; fallbackRate: number; byLocality: Partial<Record<Locality, number>> };
  privacy: { actions: Record<string, number>; findings: Record<string, number> };
}

/** A recent-requests table row: the route explanation without the bulky parts (candidates, bodies). */
export interface RequestSummary {
  id: string;
  time: number;
  route: string | null;
  requestedModel: string;
  model: string | null;
  locality: Locality;
  /** The router's plan. */
  reason: string;
  /** What happened: the plan, then a fallback, retries or the failure; ends with the model that answered (telemetry/report/route-outcome.ts). */
  why: string;
  /** Another model answered than the one first tried. */
  fellBack: boolean;
  score: number | null;
  threshold: number | null;
  status: number;
  /** Attempts that failed before the outcome (retries and fallbacks). */
  failedAttempts: number;
  inputTokens: number;
  outputTokens: number;
  cost: number;
  baselineCost: number;
  ttftMs: number | null;
  totalMs: number;
  privacyAction: string | null;
}

export interface RequestsPage {
  data: RequestSummary[];
  /** Pass as `before` for the next, older page; null on the last. */
  next: string | null;
}

export interface RequestDetail extends RequestRecord {
  locality: Locality;
  /** As RequestSummary.why. */
  why: string;
  fellBack: boolean;
  /** Locality of each candidate model, by name. */
  candidateLocality: Record<string, Locality>;
  /** Every rating of the request, oldest first: clients' (POST /v1/feedback) and shadow pairs' (docs/lifecycle.md). */
  feedback: FeedbackEntry[];
  /** A flow's steps in the order they started (docs/flows.md); absent for a request that was not a flow. */
  steps?: FlowStepRecord[];
}
