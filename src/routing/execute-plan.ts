/**
 * Carries out a RoutePlan: tries the planned models in order, retrying retryable failures with jittered
 * backoff (honouring retry-after), skipping upstreams whose circuit is open, and falling back to the next
 * model — all before the first byte reaches the client. After that, a stream is never retried.
 *
 * Whose failure it was decides what counts against an upstream. Adapters report everything the upstream
 * did (HTTP statuses, connection failures, timeouts, malformed answers) as a ProviderError; anything else
 * thrown during an attempt was thrown on Tandem's side (building or encoding the upstream request, the
 * privacy view, reading the answer). Those never touch the circuit breaker or the latency tracker, are not
 * retried on other models, and reach the client as Tandem's own error: a 400 when the input made Tandem
 * fail, else a 500 with a generic message (docs/decisions/input-shape-limits.md).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { upstreamView } from '../privacy/upstream-view.js';
import type { CallContext, ProviderAdapter } from '../providers/provider-adapter.js';
import type { ChatRequest } from '../spec/chat-request.js';
import { GatewayError, ProviderError } from '../spec/errors.js';
import type { ModelInfo } from '../spec/model-info.js';
import type { ChatResult, StreamPart } from '../spec/stream-part.js';
import type { CircuitBreaker } from './circuit-breaker.js';
import type { LatencyTracker } from './latency-tracker.js';
import type { RoutePlan } from './plan-route.js';
import { resultToParts } from './result-to-parts.js';
import { withOutputLimit } from './with-output-limit.js';
import { routingTrace } from './routing-trace.js';
import type { AnswerVerifier } from './answer-verifier.js';

export type { AnswerVerifier } from './answer-verifier.js';

export interface AttemptRecord {
  model: string;
  error: string | null;
  durationMs: number;
}

export interface ExecutionDeps {
  adapters: ReadonlyMap<string, ProviderAdapter>;
  breaker: CircuitBreaker;
  latency: LatencyTracker;
  verifier: AnswerVerifier | undefined;
  random?: () => number;
}

export interface CallOptions {
  signal: AbortSignal;
  requestId: string;
  warn(message: string): void;
}

/** A model call whose answer the client did not get (a cascade's rejected small answer): still paid for. */
export interface DiscardedCall {
  model: ModelInfo;
  result: ChatResult;
}

interface Outcome {
  model: ModelInfo;
  attempts: AttemptRecord[];
  /** Milliseconds spent waiting on upstreams, retries included: not Tandem's overhead. */
  upstreamMs: number;
  ttftMs: number;
  discarded: DiscardedCall[];
  verifierScore: number | null;
}

export interface GenerateOutcome extends Outcome {
  result: ChatResult;
}

export interface StreamOutcome extends Outcome {
  /** Parts already read from the upstream (up to and including the first content part). */
  head: StreamPart[];
  /** The rest of the stream. */
  tail: AsyncIterator<StreamPart>;
}

export async function executeGenerate(plan: RoutePlan, request: ChatRequest, call: CallOptions, deps: ExecutionDeps): Promise<GenerateOutcome> {
  const cascade = await runCascade(plan, request, call, deps);
  if (cascade.accepted) return cascade.accepted;
  const out = await tryInOrder(cascade.order, plan, call, deps, cascade, async (adapter, ctx, model) => {
    const view = upstreamView({ privacy: plan.privacy, model, request });
    return view.restoreResult(await adapter.generate(withOutputLimit(view.request, model), ctx));
  });
  return generated(out, cascade.discarded, cascade.score);
}

/**
 * tryInOrder's outcome with its result named as GenerateOutcome names it, written out as one literal:
 * `{ ...out, result }` adds a property the spread source lacks, which V8 11 (Node 20) runs through a slow
 * path (~1-2 µs per object against ~50 ns), on every request here.
 */
function generated(out: Outcome & { value: ChatResult }, discarded: DiscardedCall[], verifierScore: number | null): GenerateOutcome & { value: ChatResult } {
  const { value, model, attempts, upstreamMs, ttftMs } = out;
  return { value, model, attempts, upstreamMs, ttftMs, discarded, verifierScore, result: value };
}

export async function executeStream(plan: RoutePlan, request: ChatRequest, call: CallOptions, deps: ExecutionDeps): Promise<StreamOutcome> {
  const cascade = await runCascade(plan, request, call, deps);
  if (cascade.accepted) {
    const parts = resultToParts(cascade.accepted.result);
    return { ...cascade.accepted, head: [], tail: toAsync(parts) };
  }
  const out = await tryInOrder(cascade.order, plan, call, deps, cascade, async (adapter, ctx, model) => {
    const view = upstreamView({ privacy: plan.privacy, model, request });
    if (!adapter.info.capabilities.stream) {
      // The model cannot stream: answer whole, replayed as one stream.
      const result = view.restoreResult(await adapter.generate(withOutputLimit(view.request, model), ctx));
      return { head: [] as StreamPart[], tail: toAsync(resultToParts(result)) };
    }
    const iterator = view.restoreStream(adapter.stream(withOutputLimit(view.request, model), ctx))[Symbol.asyncIterator]();
    const head: StreamPart[] = [];
    for (;;) {
      const next = await iterator.next();
      if (next.done) break;
      const part = next.value;
      if (part.type === 'error') throw part.error;
      head.push(part);
      if (part.type !== 'start') break; // the first content (text, reasoning, refusal, tool call) or the finish
    }
    return { head, tail: iterator };
  });
  return { ...out, head: out.value.head, tail: out.value.tail, discarded: cascade.discarded, verifierScore: cascade.score };
}

/**
 * A request no upstream answered: the client's error, with what its attempts left behind for the request's
 * row (each attempt, and the time spent on upstreams and their backoff, which is not Tandem's overhead).
 */
export class UpstreamFailure extends GatewayError {
  constructor(
    error: GatewayError,
    readonly attempts: readonly AttemptRecord[],
    readonly upstreamMs: number,
  ) {
    super({ status: error.status, type: error.type, message: error.message, param: error.param, code: error.code, headers: error.headers, cause: error.cause });
  }
}

/** What the attempts of one request left behind: the records, and the upstreams' own failures (for the client's status). */
interface Trail {
  attempts: AttemptRecord[];
  failures: ProviderError[];
}

interface CascadeState extends Trail {
  accepted: GenerateOutcome | undefined;
  order: ModelInfo[];
  discarded: DiscardedCall[];
  score: number | null;
}

/** The cascade's first step: the small model answers whole, the verifier accepts it or it is discarded. */
async function runCascade(plan: RoutePlan, request: ChatRequest, call: CallOptions, deps: ExecutionDeps): Promise<CascadeState> {
  const cascade = plan.decision.cascade;
  const state: CascadeState = { accepted: undefined, order: plan.order, attempts: [], failures: [], discarded: [], score: null };
  const small = plan.order[0];
  const large = plan.route.models.find((m) => m.name === cascade?.escalateTo);
  const verifier = cascade?.verifier ?? deps.verifier;
  if (!cascade || !verifier || !small || !large || !plan.candidates.some((c) => c.model === large.name && c.allowed)) return state;
  state.order = [large, ...plan.order.filter((m) => m !== small && m !== large)];
  const started = performance.now();
  const smallTrail: Trail = { attempts: [], failures: state.failures };
  try {
    const out = await tryInOrder([small], plan, call, deps, smallTrail, async (adapter, ctx, model) => {
      const view = upstreamView({ privacy: plan.privacy, model, request });
      return view.restoreResult(await adapter.generate(withOutputLimit(view.request, model), ctx));
    });
    const score = verifier.score({ request, answer: out.value.text });
    state.score = score;
    if (score >= cascade.threshold) {
      state.accepted = generated(out, [], score);
      return state;
    }
    state.discarded.push({ model: small, result: out.value });
    state.attempts.push(...out.attempts.slice(0, -1), {
      model: small.name,
      error: `answer rejected by verifier (${score.toFixed(3)} < ${cascade.threshold.toFixed(3)})`,
      durationMs: performance.now() - started,
    });
  } catch (error) {
    // Only the small model's own failures escalate; Tandem's (and a client gone) end the request.
    if (error instanceof GatewayError && error.code !== 'upstream_unavailable' && error.code !== 'upstream_rejected') throw error;
    // The small model's own attempts, not the summary its failure carries (the message would repeat them).
    state.attempts.push(...smallTrail.attempts);
  }
  return state;
}

async function tryInOrder<T>(
  order: readonly ModelInfo[],
  plan: RoutePlan,
  call: CallOptions,
  deps: ExecutionDeps,
  trail: Trail,
  run: (adapter: ProviderAdapter, ctx: CallContext, model: ModelInfo) => Promise<T>,
): Promise<Outcome & { value: T }> {
  const { attempts, failures } = trail;
  const { retry } = plan.route;
  const random = deps.random ?? Math.random;
  let upstreamMs = 0;
  let lastError: unknown;
  for (const model of order) {
    const adapter = deps.adapters.get(model.name);
    // The policies already keep cloud models out of a local-only plan; this is the last line, right at the call.
    if (plan.privacy?.localOnly && model.locality !== 'local') {
      attempts.push({ model: model.name, error: 'skipped: the request may only reach local models', durationMs: 0 });
      continue;
    }
    if (!adapter) {
      attempts.push({ model: model.name, error: 'model not available (adapter failed to start)', durationMs: 0 });
      continue;
    }
    for (let attempt = 1; attempt <= retry.max_attempts; attempt++) {
      if (call.signal.aborted) throw clientClosed();
      if (!deps.breaker.tryAcquire(model.upstreamKey)) {
        attempts.push({ model: model.name, error: 'circuit open', durationMs: 0 });
        const open = new ProviderError({ provider: model.name, message: `circuit open for ${model.upstreamKey}`, statusCode: 503 });
        lastError ??= open;
        failures.push(open);
        break;
      }
      const started = performance.now();
      const trace = routingTrace()?.attempt(model, attempts.length);
      const ctx: CallContext = { signal: call.signal, requestId: call.requestId, warn: call.warn, requestStreamUsage: true };
      try {
        const value = await run(adapter, ctx, model);
        const durationMs = performance.now() - started;
        upstreamMs += durationMs;
        deps.breaker.recordSuccess(model.upstreamKey);
        deps.latency.record(model.name, durationMs);
        attempts.push({ model: model.name, error: null, durationMs });
        trace?.succeeded();
        return { value, model, attempts, upstreamMs, ttftMs: durationMs, discarded: [], verifierScore: null };
      } catch (error) {
        const durationMs = performance.now() - started;
        if (!(error instanceof ProviderError)) {
          deps.breaker.release(model.upstreamKey);
          attempts.push({ model: model.name, error: `tandem: ${describe(error)}`, durationMs });
          trace?.failed(error);
          if (call.signal.aborted) throw clientClosed();
          const failure = gatewaySideFailure(model, error);
          // The client gets a generic 500; the operator needs the cause, with the request id to find the row.
          if (failure.status >= 500) console.error(`tandem: request ${call.requestId}: failure on Tandem's side of the call to ${model.name}:`, error);
          throw failure;
        }
        upstreamMs += durationMs;
        attempts.push({ model: model.name, error: describe(error), durationMs });
        trace?.failed(error);
        if (call.signal.aborted) throw clientClosed();
        lastError = error;
        failures.push(error);
        const failure = classify(error);
        if (failure === 'fatal') {
          deps.breaker.recordSuccess(model.upstreamKey);
          throw new UpstreamFailure(upstreamRejected(model, error), attempts, upstreamMs);
        }
        deps.breaker.recordFailure(model.upstreamKey);
        if (failure === 'next-model' || attempt === retry.max_attempts) break;
        const retryAfter = error instanceof ProviderError ? error.retryAfterMs : undefined;
        if (retryAfter !== undefined && retryAfter > retry.max_backoff_ms) break; // rather try the next model now
        const backoff = Math.min(retry.max_backoff_ms, retry.initial_backoff_ms * 2 ** (attempt - 1)) * (0.5 + random() / 2);
        // The wait is the upstream's doing (its retry-after, or backoff after its failure): upstream time,
        // not Tandem's overhead.
        const waitStarted = performance.now();
        try {
          await sleep(retryAfter ?? backoff, undefined, { signal: call.signal });
        } catch {
          throw clientClosed();
        } finally {
          upstreamMs += performance.now() - waitStarted;
        }
      }
    }
  }
  throw new UpstreamFailure(exhausted(lastError, trail), attempts, upstreamMs);
}

/** retry: same model again; next-model: skip to the next candidate; fatal: the request itself is wrong. */
function classify(error: unknown): 'retry' | 'next-model' | 'fatal' {
  if (!(error instanceof ProviderError)) return 'next-model';
  if (error.isRetryable) return 'retry';
  // A bad key or an unknown model upstream is the upstream's configuration, not the client's fault.
  if (error.statusCode === 401 || error.statusCode === 403 || error.statusCode === 404) return 'next-model';
  if (error.kind === 'protocol') return 'next-model';
  return 'fatal';
}

/**
 * The client's error for a single upstream call with no candidate left to try (embeddings): the same
 * statuses a chat request gets once its fallbacks are exhausted, or the upstream's 4xx when the input
 * itself was refused.
 */
export function singleCallFailure(model: ModelInfo, error: unknown, signal: AbortSignal, durationMs: number): GatewayError {
  if (error instanceof GatewayError) return error;
  if (signal.aborted) return clientClosed();
  if (!(error instanceof ProviderError)) return gatewaySideFailure(model, error);
  if (classify(error) === 'fatal') return upstreamRejected(model, error);
  return exhausted(error, { attempts: [{ model: model.name, error: describe(error), durationMs }], failures: [error] });
}

/**
 * A failure on Tandem's side of an upstream call. A GatewayError is passed on as it is (an adapter refusing
 * the client's input). During the call, a RangeError is the engine's stack or string limit, which only the
 * input's size or nesting can reach (server.max_json_depth set very high): the client's to fix, 400; after
 * the answer (`stage: 'answer'`, encoding it for the client) it is not the client's doing. Anything else is
 * a fault in Tandem: 500, with a generic message (the caller logs the detail, not the client).
 */
export function gatewaySideFailure(model: ModelInfo, error: unknown, stage: 'call' | 'answer' = 'call'): GatewayError {
  if (error instanceof GatewayError) return error;
  if (error instanceof RangeError && stage === 'call') {
    return new GatewayError({
      status: 400,
      code: 'request_too_complex',
      message: `The request is too large or too deeply nested for Tandem to send to model "${model.name}"; send a flatter request (server.max_json_depth bounds the nesting).`,
      cause: error,
    });
  }
  return new GatewayError({
    status: 500,
    type: 'server_error',
    code: 'internal_error',
    message: `Tandem failed while preparing the request for model "${model.name}" or reading its answer; the model was not at fault. The gateway's error log has the details under this request's id (x-request-id).`,
    cause: error,
  });
}

function upstreamRejected(model: ModelInfo, error: unknown): GatewayError {
  const status = error instanceof ProviderError && error.statusCode !== undefined && error.statusCode < 500 ? error.statusCode : 502;
  const detail = error instanceof ProviderError ? upstreamMessage(error) : describe(error);
  return new GatewayError({ status, code: 'upstream_rejected', message: `Model "${model.name}" rejected the request: ${detail}`, cause: error });
}

/**
 * Every candidate failed. When each upstream that was reached refused with 429, the client gets 429 with the
 * soonest retry-after among them, so its SDK raises a rate-limit error and waits as long as it must; else
 * 503 (overloaded, unreachable), 504 (timed out) or 502.
 */
function exhausted(lastError: unknown, trail: Trail): GatewayError {
  const tried = summarizeAttempts(trail.attempts);
  const { failures } = trail;
  if (failures.length > 0 && failures.every((f) => f.statusCode === 429)) {
    const waits = failures.map((f) => f.retryAfterMs).filter((ms): ms is number => ms !== undefined);
    const soonest = waits.length > 0 ? Math.min(...waits) : undefined;
    return new GatewayError({
      status: 429,
      code: 'rate_limit_exceeded',
      message: `Every candidate model is rate-limited${soonest === undefined ? '' : `; retry in ${(soonest / 1000).toFixed(1)} s`}: ${tried}`,
      headers: soonest === undefined ? {} : { 'retry-after': String(Math.ceil(soonest / 1000)), 'retry-after-ms': String(Math.ceil(soonest)) },
      cause: lastError,
    });
  }
  let status = 502;
  if (lastError instanceof ProviderError) {
    if (lastError.kind === 'timeout') status = 504;
    else if (lastError.statusCode === 429 || lastError.statusCode === 503 || lastError.kind === 'connection') status = 503;
  }
  return new GatewayError({ status, code: 'upstream_unavailable', message: `All candidate models failed: ${tried}`, cause: lastError });
}

/** `a: <failure> (3 attempts); b: <failure>`: the same failure of the same model is said once, with its count. */
function summarizeAttempts(attempts: readonly AttemptRecord[]): string {
  const groups: { model: string; error: string; count: number }[] = [];
  for (const attempt of attempts) {
    const error = attempt.error ?? 'ok';
    const last = groups.at(-1);
    if (last !== undefined && last.model === attempt.model && last.error === error) last.count++;
    else groups.push({ model: attempt.model, error, count: 1 });
  }
  return groups.map((g) => `${g.model}: ${g.error}${g.count > 1 ? ` (${g.count} attempts)` : ''}`).join('; ');
}

function clientClosed(): GatewayError {
  return new GatewayError({ status: 499, code: 'client_closed', message: 'client closed the request' });
}

function describe(error: unknown): string {
  if (error instanceof ProviderError) {
    // Adapters' messages usually name the status already ("x answered 429: …"): say it once.
    const status = error.statusCode !== undefined && !error.message.includes(String(error.statusCode)) ? ` ${error.statusCode}` : '';
    const prefix = error.kind === 'http' && status === '' ? '' : `${error.kind}${status}: `;
    return `${prefix}${error.message}`.slice(0, 300);
  }
  return error instanceof Error ? error.message.slice(0, 300) : String(error);
}

function upstreamMessage(error: ProviderError): string {
  if (error.body) {
    try {
      const parsed = JSON.parse(error.body) as { error?: { message?: unknown } };
      if (typeof parsed.error?.message === 'string') return parsed.error.message;
    } catch {
      // not JSON: fall through
    }
  }
  return error.message;
}

async function* toAsync<T>(items: Iterable<T>): AsyncGenerator<T> {
  yield* items;
}
