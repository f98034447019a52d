/**
 * Tandem's Prometheus metrics (docs/observability.md lists every one). Fed by a request observer after
 * each chat request, plus two values read only at scrape time (in-flight requests, circuit states), so
 * the request path pays nothing for them. The HTTP server adds what happens before a request reaches the
 * gateway: 401s, and connections and requests cut by its resource limits.
 *
 * Label values come only from config (route and model names, upstream origins) or small fixed sets
 * (status codes, reason kinds, PII types); anything else is folded into `(other)`, so a client can never
 * create series. Each series is a cell cached per (route, model) and per model (cached-metrics.ts), so
 * recording a request is two map lookups and a dozen additions, with no allocation once warm.
 *
 * The process's memory, heap and event-loop delay come from process-metrics.ts, also read at scrape time.
 */
import { Gauge, Registry, type LabelValues } from 'prom-client';
import type { RequestObserver } from '../../gateway/request-observer.js';
import { PII_TYPES } from '../../privacy/pii-finding.js';
import type { CircuitState } from '../../routing/circuit-breaker.js';
import type { ModelInfo } from '../../spec/model-info.js';
import type { RequestRecord } from '../../spec/request-record.js';
import { CachedCounter, CachedHistogram, type CounterCell, type HistogramCell } from './cached-metrics.js';
import { REASON_KINDS, reasonKind, type ReasonKind } from './reason-kind.js';
import { registerProcessMetrics } from './process-metrics.js';
import { registerTaskMetrics } from '../../distill/task-metrics.js';
import { registerLifecycleMetrics } from '../../lifecycle/lifecycle-metrics.js';

/** What the metrics read from the gateway: a narrow view so tests and the gateway share one shape. */
export interface MetricsSource {
  models: ReadonlyMap<string, ModelInfo>;
  /** Route name -> its router's type. */
  routes: ReadonlyMap<string, { router: { type: string } }>;
  breaker: { state(upstreamKey: string): CircuitState };
  /** Chat requests being answered right now. */
  readonly activeRequests: number;
  config: { currency: string };
  /** The task-distillation stage (distill/task-stage.ts), read at scrape time. */
  readonly tasks?: unknown;
  /** The experiments and drift monitors (lifecycle/lifecycle-stage.ts), read at scrape time. */
  readonly lifecycle?: unknown;
}

/** Route label for requests that named a model directly (as in `tandem stats`). */
export const DIRECT_ROUTE = '(direct)';
/** Model label when no model was reached. */
export const NO_MODEL = '(none)';
/** Any label value outside the configured or fixed set. */
export const OTHER = '(other)';

const LATENCY_BUCKETS = [0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 20, 40, 80, 160];
const OVERHEAD_BUCKETS = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25];
const CIRCUIT_STATES: readonly CircuitState[] = ['closed', 'open', 'half-open'];
const POLICIES: ReadonlySet<string> = new Set(['privacy', 'context-fit', 'capability', 'budget', 'latency']);
const PII: ReadonlySet<string> = new Set(PII_TYPES);
/** The `code` of every 401 Tandem answers (src/api/authenticate.ts). */
export const AUTH_FAILURE_CODES = [
  'missing_api_key',
  'invalid_api_key',
  'revoked_api_key',
  'expired_api_key',
  'missing_admin_key',
  'invalid_admin_key',
] as const;
/** The HTTP edge's resource limits, by the `server` key that sets each (docs/security.md#resource-limits). */
export const EDGE_LIMITS = ['max_connections', 'max_inflight_body_bytes', 'body_timeout_ms'] as const;
export type EdgeLimit = (typeof EDGE_LIMITS)[number];

/** The cells one (route, model) pair writes to on every request. */
interface PairSeries {
  route: string;
  model: string;
  /** key: status * 16 + reason index */
  requests: Map<number, CounterCell>;
  duration: HistogramCell;
  cost: CounterCell;
  baseline: CounterCell;
}

interface ModelSeries {
  ttft: HistogramCell;
  inputTokens: CounterCell;
  outputTokens: CounterCell;
  /** By attempt outcome. */
  attempts: Map<string, CounterCell>;
  retries: CounterCell;
  fallbacks: CounterCell;
}

export class GatewayMetrics {
  readonly registry = new Registry();
  private readonly requests: CachedCounter<'route' | 'model' | 'status' | 'reason'>;
  private readonly duration: CachedHistogram<'route' | 'model'>;
  private readonly ttft: CachedHistogram<'model'>;
  private readonly overhead: HistogramCell;
  private readonly tokens: CachedCounter<'model' | 'type'>;
  private readonly cost: CachedCounter<'route' | 'model'>;
  private readonly baselineCost: CachedCounter<'route' | 'model'>;
  private readonly attempts: CachedCounter<'model' | 'outcome'>;
  private readonly retries: CachedCounter<'model'>;
  private readonly fallbacks: CachedCounter<'model'>;
  private readonly privacyFindings: CachedCounter<'type'>;
  private readonly privacyActions: CachedCounter<'route' | 'action'>;
  private readonly policyRefusals: CachedCounter<'policy'>;
  private readonly pairs = new Map<string, Map<string, PairSeries>>();
  private readonly perModel = new Map<string, ModelSeries>();
  /** Rarely written series, keyed by their label values joined with NUL. */
  private readonly rare = new Map<string, CounterCell>();
  /** Every series exists from the start (at 0), so rate() and alerts see the first failure. */
  private readonly authFailures = new Map<string, CounterCell>();
  private readonly edgeRefusals = new Map<string, CounterCell>();
  /** Set by the HTTP server: request-body bytes it holds against server.max_inflight_body_bytes. */
  private bodyBytes: () => number = () => 0;

  constructor(private readonly source: MetricsSource) {
    const registers = [this.registry];
    this.requests = new CachedCounter({
      name: 'tandem_requests_total',
      help: 'Chat requests answered, by route, model that answered, HTTP status and decision reason kind.',
      labelNames: ['route', 'model', 'status', 'reason'],
      registers,
    });
    this.duration = new CachedHistogram({
      name: 'tandem_request_duration_seconds',
      help: 'Time from a request arriving to its last byte, by route and model.',
      labelNames: ['route', 'model'],
      buckets: LATENCY_BUCKETS,
      registers,
    });
    this.ttft = new CachedHistogram({
      name: 'tandem_time_to_first_token_seconds',
      help: "Time from a request arriving to the answering model's first content (whole answer when not streaming), by model.",
      labelNames: ['model'],
      buckets: LATENCY_BUCKETS,
      registers,
    });
    this.overhead = new CachedHistogram({
      name: 'tandem_overhead_seconds',
      help: 'Time Tandem itself spent on a request: total time minus time waiting on upstreams.',
      buckets: OVERHEAD_BUCKETS,
      registers,
    }).cell({});
    this.tokens = new CachedCounter({
      name: 'tandem_tokens_total',
      help: 'Tokens processed, by model and type (input or output); estimated where the upstream reported none.',
      labelNames: ['model', 'type'],
      registers,
    });
    this.cost = new CachedCounter({
      name: 'tandem_cost_total',
      help: "Money spent on upstream calls, in the config's currency (see tandem_info), by route and model.",
      labelNames: ['route', 'model'],
      registers,
    });
    this.baselineCost = new CachedCounter({
      name: 'tandem_baseline_cost_total',
      help: "What the same tokens would have cost on the route's baseline model; savings = baseline - cost.",
      labelNames: ['route', 'model'],
      registers,
    });
    this.attempts = new CachedCounter({
      name: 'tandem_upstream_attempts_total',
      help: 'Calls to upstream models, by model and outcome (ok, error, circuit_open, unavailable, rejected_by_verifier).',
      labelNames: ['model', 'outcome'],
      registers,
    });
    this.retries = new CachedCounter({
      name: 'tandem_retries_total',
      help: 'Retries of the same model after a retryable failure, by model.',
      labelNames: ['model'],
      registers,
    });
    this.fallbacks = new CachedCounter({
      name: 'tandem_fallbacks_total',
      help: 'Requests that gave up on a failing model and moved to the next candidate, by the model given up on.',
      labelNames: ['model'],
      registers,
    });
    this.privacyFindings = new CachedCounter({
      name: 'tandem_privacy_findings_total',
      help: 'Personal data and secrets found in requests by the privacy policy, by type (counts only, never values).',
      labelNames: ['type'],
      registers,
    });
    this.privacyActions = new CachedCounter({
      name: 'tandem_privacy_actions_total',
      help: 'Requests the privacy policy inspected, by route and what it did (none, detected, local-only, pseudonymised, blocked).',
      labelNames: ['route', 'action'],
      registers,
    });
    this.policyRefusals = new CachedCounter({
      name: 'tandem_policy_refusals_total',
      help: 'Candidate models a policy removed from a request, by policy.',
      labelNames: ['policy'],
      registers,
    });
    const authFailures = new CachedCounter({
      name: 'tandem_auth_failures_total',
      help: 'Requests refused with 401, by the error code (missing, invalid, revoked or expired API key; missing or invalid admin key).',
      labelNames: ['code'],
      registers,
    });
    for (const code of [...AUTH_FAILURE_CODES, OTHER]) this.authFailures.set(code, authFailures.cell({ code }));
    const edgeRefusals = new CachedCounter({
      name: 'tandem_http_refusals_total',
      help: 'Connections and requests cut by a resource limit of the HTTP edge, by the server setting that did it.',
      labelNames: ['limit'],
      registers,
    });
    for (const limit of EDGE_LIMITS) this.edgeRefusals.set(limit, edgeRefusals.cell({ limit }));
    const bodyBytes = (): number => this.bodyBytes();
    new Gauge({
      name: 'tandem_request_body_bytes_in_flight',
      help: 'Request-body bytes held by requests still being read, counted against server.max_inflight_body_bytes (read at scrape time).',
      registers,
      collect() {
        this.set(bodyBytes());
      },
    });
    new Gauge({
      name: 'tandem_requests_in_flight',
      help: 'Chat requests being answered now.',
      registers,
      collect() {
        this.set(source.activeRequests);
      },
    });
    const upstreams = [...new Set([...source.models.values()].map((m) => m.upstreamKey))];
    new Gauge({
      name: 'tandem_circuit_breaker_state',
      help: 'Circuit breaker state per upstream: 1 for the current state (closed, open, half-open), 0 for the others.',
      labelNames: ['upstream', 'state'],
      registers,
      collect() {
        for (const upstream of upstreams) {
          const current = source.breaker.state(upstream);
          for (const state of CIRCUIT_STATES) this.set({ upstream, state }, state === current ? 1 : 0);
        }
      },
    });
    new Gauge({
      name: 'tandem_info',
      help: 'Always 1; its labels carry the currency costs are counted in.',
      labelNames: ['currency'],
      registers,
    }).set({ currency: source.config.currency }, 1);
    const modelInfo = new Gauge({
      name: 'tandem_model_info',
      help: 'Always 1 per configured model; join on `model` to group other metrics by locality, provider or upstream.',
      labelNames: ['model', 'locality', 'provider', 'upstream'],
      registers,
    });
    for (const m of source.models.values()) modelInfo.set({ model: m.name, locality: m.locality, provider: m.provider, upstream: m.upstreamKey }, 1);
    registerProcessMetrics(registers);
    registerTaskMetrics(registers, source);
    registerLifecycleMetrics(registers, source);
  }

  /** The observer to add to `gateway.observers`. */
  observer(): RequestObserver {
    return { name: 'prometheus-metrics', onRequestFinished: (record) => this.record(record) };
  }

  /** The exposition, in Prometheus text format 0.0.4. */
  render(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  /** A 401, by its error code (codes outside AUTH_FAILURE_CODES fold into `(other)`). */
  authFailure(code: string): void {
    (this.authFailures.get(code) ?? (this.authFailures.get(OTHER) as CounterCell)).value++;
  }

  /** A connection or request cut by one of the edge's resource limits. */
  edgeRefusal(limit: EdgeLimit): void {
    (this.edgeRefusals.get(limit) as CounterCell).value++;
  }

  /** Where tandem_request_body_bytes_in_flight reads from (the server's body budget). */
  readBodyBytesFrom(read: () => number): void {
    this.bodyBytes = read;
  }

  record(record: RequestRecord): void {
    const routeName = record.route === null ? DIRECT_ROUTE : this.source.routes.has(record.route) ? record.route : OTHER;
    const modelName = record.model === null ? NO_MODEL : this.source.models.has(record.model) ? record.model : OTHER;
    const routerType = record.route === null ? undefined : this.source.routes.get(record.route)?.router.type;
    const pair = this.pair(routeName, modelName);
    this.requestCell(pair, record.status, reasonKind(record, routerType)).value++;
    pair.duration.observe(record.totalMs / 1000);
    this.overhead.observe(record.overheadMs / 1000);
    if (record.cost > 0) pair.cost.value += record.cost;
    if (record.baselineCost > 0) pair.baseline.value += record.baselineCost;
    if (modelName !== NO_MODEL) {
      const model = this.modelSeries(modelName);
      if (record.ttftMs !== null && record.status < 400) model.ttft.observe(record.ttftMs / 1000);
      model.inputTokens.value += record.inputTokens;
      model.outputTokens.value += record.outputTokens;
    }
    if (record.attempts.length > 0) this.recordAttempts(record.attempts);
    if (record.privacy !== undefined) {
      this.rareCell(this.privacyActions, { route: routeName, action: record.privacy.action }).value++;
      for (const type in record.privacy.findings) {
        this.rareCell(this.privacyFindings, { type: PII.has(type) ? type : OTHER }).value += record.privacy.findings[type] ?? 0;
      }
    }
    for (const candidate of record.candidates) {
      for (const refusal of candidate.refusals) {
        const policy = refusal.slice(0, refusal.indexOf(':'));
        this.rareCell(this.policyRefusals, { policy: POLICIES.has(policy) ? policy : OTHER }).value++;
      }
    }
  }

  private recordAttempts(attempts: RequestRecord['attempts']): void {
    for (let i = 0; i < attempts.length; i++) {
      const attempt = attempts[i] as RequestRecord['attempts'][number];
      const model = this.source.models.has(attempt.model) ? attempt.model : OTHER;
      const series = this.modelSeries(model);
      const outcome = attemptOutcome(attempt.error);
      let cell = series.attempts.get(outcome);
      if (cell === undefined) series.attempts.set(outcome, (cell = this.attempts.cell({ model, outcome })));
      cell.value++;
      const next = attempts[i + 1];
      if (next === undefined || attempt.error === null || outcome === 'rejected_by_verifier') continue;
      if (next.model === attempt.model) series.retries.value++;
      else series.fallbacks.value++;
    }
  }

  private pair(route: string, model: string): PairSeries {
    let byModel = this.pairs.get(route);
    if (byModel === undefined) this.pairs.set(route, (byModel = new Map()));
    let pair = byModel.get(model);
    if (pair === undefined) {
      pair = {
        route,
        model,
        requests: new Map(),
        duration: this.duration.cell({ route, model }),
        cost: this.cost.cell({ route, model }),
        baseline: this.baselineCost.cell({ route, model }),
      };
      byModel.set(model, pair);
    }
    return pair;
  }

  private requestCell(pair: PairSeries, status: number, reason: ReasonKind): CounterCell {
    const key = status * 16 + REASON_KINDS.indexOf(reason);
    let cell = pair.requests.get(key);
    if (cell === undefined) {
      cell = this.requests.cell({ route: pair.route, model: pair.model, status: statusLabel(status), reason });
      pair.requests.set(key, cell);
    }
    return cell;
  }

  private modelSeries(model: string): ModelSeries {
    let series = this.perModel.get(model);
    if (series === undefined) {
      series = {
        ttft: this.ttft.cell({ model }),
        inputTokens: this.tokens.cell({ model, type: 'input' }),
        outputTokens: this.tokens.cell({ model, type: 'output' }),
        attempts: new Map(),
        retries: this.retries.cell({ model }),
        fallbacks: this.fallbacks.cell({ model }),
      };
      this.perModel.set(model, series);
    }
    return series;
  }

  /** For series written on a few requests only (privacy, refusals): one string key per call is fine there. */
  private rareCell<T extends string>(metric: CachedCounter<T>, labels: Record<T, string>): CounterCell {
    const key = `${metric === this.privacyActions ? 'a' : metric === this.privacyFindings ? 'f' : 'p'}\0${Object.values(labels).join('\0')}`;
    let cell = this.rare.get(key);
    if (cell === undefined) this.rare.set(key, (cell = metric.cell(labels as LabelValues<T>)));
    return cell;
  }
}

/** Tandem only answers with real HTTP codes (and 499 for a client that left); anything else is folded. */
function statusLabel(status: number): string {
  return Number.isInteger(status) && status >= 100 && status <= 599 ? String(status) : OTHER;
}

function attemptOutcome(error: string | null): string {
  if (error === null) return 'ok';
  if (error === 'circuit open') return 'circuit_open';
  if (error.startsWith('answer rejected by verifier')) return 'rejected_by_verifier';
  if (error.startsWith('model not available')) return 'unavailable';
  return 'error';
}
