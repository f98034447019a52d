/**
 * Rate limits and budgets on the request path. Before the call, admit() reserves one request, the token
 * estimate and the worst-case spend (priced on the most expensive model the plan may try) for the key and,
 * when configured, for the request's `user`; a limit that would be exceeded answers 429. After the call,
 * settle() replaces the reservation by the actual usage (or releases it when nothing was spent).
 *
 * The reservation is what makes the budget hold under concurrency: the check and the count are one atomic
 * LimitStore step, so in-flight requests see each other's worst case, and the reserved max_tokens is sent
 * upstream (routing/execute-plan.ts), so an upstream that honours it cannot cost more than was reserved.
 * A request can still settle above its reservation (an upstream that ignores max_tokens or over-reports
 * usage; the prompt estimate is low): every request in flight can do so once, so a key under a budget is
 * also capped in requests in flight (`concurrent_requests`, DEFAULT_BUDGET_CONCURRENCY unless set), which
 * bounds the overspend to that cap times one request's excess (docs/security.md).
 */
import { worstCaseCost } from '../accounting/cost.js';
import { requestedOutputTokens } from '../policy/policy.js';
import type { ChatRequest } from '../spec/chat-request.js';
import { GatewayError } from '../spec/errors.js';
import type { ModelInfo } from '../spec/model-info.js';
import type { RequestRecord } from '../spec/request-record.js';
import type { ApiKeyPrincipal } from './key-ring.js';
import type { LimitBucket, LimitName, LimitSet, LimitState, LimitStore, Reservation } from './limit-store.js';

/**
 * In-flight cap for a key (or user) under a budget when `concurrent_requests` is not configured: enough
 * for interactive use and modest batch jobs, small enough that the budget's overshoot stays a small
 * multiple of one request's excess. Keys without a budget get no cap by default (no store call for
 * requests that have no limit at all).
 */
export const DEFAULT_BUDGET_CONCURRENCY = 16;

export interface RequestLimiterOptions {
  store: LimitStore;
  /** `limits.per_key`: applies to every key (a key's own limits replace these one by one) and to anonymous callers. */
  perKey: LimitSet;
  /** `limits.per_user`: per `user` field under each key; undefined: users are not limited. */
  perUser?: LimitSet | undefined;
  /** For messages (`limits` are in the pricing currency). */
  currency: string;
}

export interface AdmitOptions {
  requestId: string;
  key: ApiKeyPrincipal | null;
  user: string | undefined;
  request: ChatRequest;
  /** The models the plan may call, fallbacks included. */
  models: readonly ModelInfo[];
  promptTokens: number;
  now: number;
  /** A flow's worst case over all its steps (flows/answer-flow.ts), reserved instead of one call's. */
  worstCase?: { tokens: number; spend: number };
}

export class RequestLimiter {
  private readonly pending = new Map<string, Reservation>();

  constructor(private readonly options: RequestLimiterOptions) {}

  /** Reserves the request's worst case; throws a 429 GatewayError over a limit. Returns headers for the response. */
  async admit(o: AdmitOptions): Promise<Record<string, string>> {
    const buckets = this.bucketsFor(o.key, o.user);
    if (buckets.length === 0) return {};
    let tokens = 0;
    let spend = 0;
    if (o.worstCase) ({ tokens, spend } = o.worstCase);
    for (const model of o.worstCase ? [] : o.models) {
      const maxOutputTokens = requestedOutputTokens(o.request, model);
      tokens = Math.max(tokens, o.promptTokens + maxOutputTokens);
      spend = Math.max(spend, worstCaseCost({ promptTokens: o.promptTokens, maxOutputTokens, model }));
    }
    const result = await this.options.store.reserve({ buckets, amounts: { tokens, spend }, now: o.now });
    if (!result.ok) {
      const d = result.denied;
      const retryAfterS = Math.max(1, Math.ceil((d.resetAt - o.now) / 1000));
      const spendLimit = d.limit === 'spend_per_day' || d.limit === 'spend_per_month';
      const show = (n: number): string => (spendLimit ? `${formatAmount(n)} ${this.options.currency}` : formatAmount(n));
      // Only reservations of requests still in flight are in the way: they settle within seconds,
      // usually below their worst case, so the client is told to retry soon, not at the window's end.
      const inFlightOnly = d.limit === 'concurrent_requests' || (d.inFlight > 0 && d.requested <= d.max && d.used - d.inFlight + d.requested <= d.max);
      let what: string;
      if (d.limit === 'concurrent_requests') what = `${formatAmount(d.used)} requests in flight`;
      else if (d.requested > d.max) what = `this request alone needs up to ${show(d.requested)}, more than the limit`;
      else if (inFlightOnly)
        what = `used ${show(d.used)}, of which ${show(d.inFlight)} is reserved by requests still in flight; this request needs up to ${show(d.requested)}`;
      else what = `used ${show(d.used)}, this request needs up to ${show(d.requested)}`;
      const when = inFlightOnly
        ? `Retry in ${formatDuration(d.resetAt - o.now)}, when requests in flight have finished.`
        : `It resets at ${new Date(d.resetAt).toISOString()} (in ${formatDuration(d.resetAt - o.now)}).`;
      throw new GatewayError({
        status: 429,
        code: spendLimit ? 'budget_exceeded' : 'rate_limit_exceeded',
        message: `${spendLimit ? 'Budget' : d.limit === 'concurrent_requests' ? 'Concurrency limit' : 'Rate limit'} exceeded for ${describeSubject(d.subject)}: ${d.limit} is ${show(d.max)} (${what}). ${when}`,
        headers: { 'retry-after': String(retryAfterS), ...limitHeaders([d], o.now) },
      });
    }
    this.pending.set(o.requestId, result.reservation);
    return limitHeaders(result.states, o.now);
  }

  /** Settles the request's reservation on its actual usage; a no-op for requests admit() never reserved. */
  async settle(record: RequestRecord): Promise<void> {
    const reservation = this.pending.get(record.id);
    if (reservation === undefined) return;
    this.pending.delete(record.id);
    if (record.status >= 400 && record.cost === 0) await this.options.store.release({ reservation });
    else {
      // A cache hit replays an answer: its usage is the original call's, and no model spent tokens on it now.
      const tokens = record.cache === 'hit' ? 0 : record.inputTokens + record.outputTokens;
      await this.options.store.settle({ reservation, actual: { tokens, spend: record.cost } });
    }
  }

  private bucketsFor(key: ApiKeyPrincipal | null, user: string | undefined): LimitBucket[] {
    const keyId = key?.id ?? 'anonymous';
    const buckets: LimitBucket[] = [];
    const keyLimits = withBudgetConcurrency({ ...this.options.perKey, ...key?.limits });
    // The request log's key id for these requests, so the key's budget counters can be rebuilt from it.
    if (Object.keys(keyLimits).length > 0) buckets.push({ subject: `key:${keyId}`, limits: keyLimits, spendKeyId: key?.id ?? null });
    if (user !== undefined && this.options.perUser !== undefined && Object.keys(this.options.perUser).length > 0) {
      buckets.push({ subject: `user:${keyId}:${user}`, limits: withBudgetConcurrency(this.options.perUser) });
    }
    return buckets;
  }
}

/** A budget without an explicit in-flight cap gets the default one (see DEFAULT_BUDGET_CONCURRENCY). */
function withBudgetConcurrency(limits: LimitSet): LimitSet {
  if (limits.concurrent_requests !== undefined || (limits.spend_per_day === undefined && limits.spend_per_month === undefined)) return limits;
  return { ...limits, concurrent_requests: DEFAULT_BUDGET_CONCURRENCY };
}

/** Header suffixes: OpenAI's x-ratelimit-*-requests/-tokens, and Tandem's own for budgets. */
const HEADER_NAMES: Record<LimitName, { prefix: string; suffix: string }> = {
  concurrent_requests: { prefix: 'x-tandem-concurrency', suffix: 'requests' },
  requests_per_minute: { prefix: 'x-ratelimit', suffix: 'requests' },
  tokens_per_minute: { prefix: 'x-ratelimit', suffix: 'tokens' },
  spend_per_day: { prefix: 'x-tandem-budget', suffix: 'day' },
  spend_per_month: { prefix: 'x-tandem-budget', suffix: 'month' },
};

/** x-ratelimit-limit/remaining/reset-* for each limit, from the subject with the least room left. */
export function limitHeaders(states: readonly LimitState[], now: number): Record<string, string> {
  const tightest = new Map<LimitName, LimitState>();
  for (const state of states) {
    const seen = tightest.get(state.limit);
    if (seen === undefined || state.remaining < seen.remaining) tightest.set(state.limit, state);
  }
  const headers: Record<string, string> = {};
  for (const [limit, state] of tightest) {
    const { prefix, suffix } = HEADER_NAMES[limit];
    headers[`${prefix}-limit-${suffix}`] = formatAmount(state.max);
    headers[`${prefix}-remaining-${suffix}`] = formatAmount(state.remaining);
    // A concurrency slot frees when some request finishes, not at a time Tandem knows.
    if (limit !== 'concurrent_requests') headers[`${prefix}-reset-${suffix}`] = formatDuration(state.resetAt - now);
  }
  return headers;
}

function describeSubject(subject: string): string {
  if (subject.startsWith('key:')) return subject === 'key:anonymous' ? 'anonymous callers' : `API key ${subject.slice(4)}`;
  const [, key, ...user] = subject.split(':');
  return `user "${user.join(':')}" of ${key === 'anonymous' ? 'anonymous callers' : `API key ${key}`}`;
}

function formatAmount(n: number): string {
  return Number.isInteger(n) ? String(n) : String(Number(n.toPrecision(6)));
}

/** OpenAI's reset style: `20ms`, `1.5s`, `6m0s`, `3h2m0s`. */
export function formatDuration(ms: number): string {
  const clamped = Math.max(0, Math.ceil(ms));
  if (clamped < 1_000) return `${clamped}ms`;
  const totalS = clamped / 1_000;
  if (totalS < 60) return `${Number(totalS.toFixed(1))}s`;
  const s = Math.floor(totalS % 60);
  const m = Math.floor(totalS / 60) % 60;
  const h = Math.floor(totalS / 3_600);
  return h > 0 ? `${h}h${m}m${s}s` : `${m}m${s}s`;
}
