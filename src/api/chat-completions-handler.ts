/**
 * POST /v1/chat/completions: parse, plan, execute with fallbacks, encode, account, log.
 *
 * The request-log row is written before the last byte reaches the client (the store makes that a
 * microsecond-scale local write), so a client that got an answer always has a row, even if the process is
 * killed right after.
 */
import type { ServerResponse } from 'node:http';
import { costOf } from '../accounting/cost.js';
import { settleUsage } from '../accounting/settle-usage.js';
import type { Gateway } from '../gateway/gateway.js';
import { executeGenerate, executeStream, gatewaySideFailure, type AttemptRecord, type CallOptions, type DiscardedCall } from '../routing/execute-plan.js';
import { planRoute, type RoutePlan } from '../routing/plan-route.js';
import { prepareRoutePrivacy } from '../policy/privacy-policy.js';
import { privacyHeaders, privacyOutcome, type PrivacyAssessment } from '../privacy/assess-privacy.js';
import { protectLoggedBodies } from '../privacy/logged-bodies.js';
import type { ChatRequest, ToolCall } from '../spec/chat-request.js';
import { GatewayError } from '../spec/errors.js';
import type { ModelInfo } from '../spec/model-info.js';
import type { RequestRecord } from '../spec/request-record.js';
import type { StreamPart } from '../spec/stream-part.js';
import type { FinishReason, Usage } from '../spec/usage.js';
import { ChunkEncoder, DONE_LINE, encodeCompletion, streamErrorLine } from './openai-chat-encoder.js';
import { parseChatRequest } from './parse-chat-request.js';
import { policyContextFor } from './policy-context.js';
import type { RequestContext } from './request-context.js';
import { headerSafe, routeHeaders } from './route-headers.js';
import { parseJsonBody } from './read-body.js';
import { withRequestSpan } from '../telemetry/tracing/request-span.js';
import { activeTracer } from '../telemetry/tracing/tandem-tracer.js';
import { storeUnavailableError } from '../store/store-unavailable.js';

export async function handleChatCompletions(gateway: Gateway, ctx: RequestContext, res: ServerResponse): Promise<void> {
  gateway.activeRequests++;
  try {
    // Tracing off: no closure, no span (the common case stays allocation-free).
    if (activeTracer() === undefined) await answerChat(gateway, ctx, res);
    else await withRequestSpan(ctx.headers, () => answerChat(gateway, ctx, res));
  } finally {
    gateway.activeRequests--;
  }
}

async function answerChat(gateway: Gateway, ctx: RequestContext, res: ServerResponse): Promise<void> {
  const record = newRecord(ctx, gateway.logBodies);
  const abort = new AbortController();
  const onClose = (): void => {
    if (!res.writableFinished) abort.abort();
  };
  res.once('close', onClose);
  const warnings: string[] = [];
  const call: CallOptions = { signal: abort.signal, requestId: ctx.id, warn: (m) => void (warnings.includes(m) || warnings.push(m)) };
  let plan: RoutePlan | undefined;
  let privacy: PrivacyAssessment | undefined;
  try {
    const request = parseChatRequest(parseJsonBody(ctx.bodyText, gateway.config.server), gateway.config.server);
    record.requestedModel = request.model;
    record.stream = request.stream;
    const route = gateway.resolve(request.model);
    record.route = route.name;
    gateway.governance?.authorize(ctx.key ?? null, { route: route.name, requestedModel: request.model });
    const policyCtx = policyContextFor(request, ctx.headers, gateway.latency);
    // Recorded before planning so a blocked or refused request still logs what was found (counts only).
    // Awaited: a large body's detection runs on a worker thread, not on the event loop.
    privacy = await prepareRoutePrivacy(route.policies, request, policyCtx);
    if (privacy) record.privacy = privacyOutcome(privacy);
    plan = await planRoute(route, request, policyCtx);
    if (gateway.governance) plan = gateway.governance.restrictPlan(ctx.key ?? null, plan);
    record.candidates = plan.candidates;
    record.reason = plan.reason;
    record.score = plan.decision.score;
    record.threshold = plan.decision.threshold;
    // Its row could not be kept (database down, spool off): refuse before an upstream is called and billed.
    if (gateway.store.health?.().accepting === false) throw storeUnavailableError();
    const limits = await gateway.governance?.admit({ requestId: ctx.id, key: ctx.key ?? null, request, models: plan.order, promptTokens: policyCtx.promptTokens });
    // setHeader, not writeHead: they then go out with whichever response follows, success or error.
    for (const [name, value] of Object.entries(limits ?? {})) res.setHeader(name, value);
    const deps = { adapters: gateway.adapters, breaker: gateway.breaker, latency: gateway.latency, verifier: gateway.verifier };
    if (request.stream) await streamAnswer({ gateway, ctx, res, request, plan, call, deps, record, warnings });
    else await wholeAnswer({ gateway, ctx, res, request, plan, call, deps, record, warnings });
  } catch (error) {
    const failure = error instanceof GatewayError ? error : internalError(error);
    record.status = failure.status;
    record.error = failure.message;
    record.totalMs = performance.now() - ctx.started;
    record.overheadMs = record.totalMs;
    protectLoggedBodies(record, privacy, gateway.config.store.log_bodies);
    await gateway.finish(record);
    if (!res.headersSent && !res.destroyed) {
      sendError(res, failure, {
        ...routeHeaders({ ctx, model: record.model, reason: record.reason || failure.code || 'error', overheadMs: record.overheadMs }),
        ...privacyHeaders(plan?.privacy),
      });
    } else if (!res.writableEnded && !res.destroyed) {
      res.end(streamErrorLine(failure.message, failure.type) + DONE_LINE);
    }
  } finally {
    res.off('close', onClose);
  }
}

/** Logged as the error (status 499, nginx's convention) when the client goes away mid-stream. */
const CLIENT_CLOSED = 'client closed the stream';

interface AnswerOptions {
  /** Notes from adapters about settings they could not honour; sent as x-tandem-warnings. */
  warnings: string[];
  gateway: Gateway;
  ctx: RequestContext;
  res: ServerResponse;
  request: ChatRequest;
  plan: RoutePlan;
  call: CallOptions;
  deps: Parameters<typeof executeGenerate>[3];
  record: RequestRecord;
}

async function wholeAnswer(o: AnswerOptions): Promise<void> {
  const outcome = await executeGenerate(o.plan, o.request, o.call, o.deps);
  const { result, model } = outcome;
  let usage: Usage;
  let body: string;
  try {
    usage = await settleUsage({ reported: result.usage, request: o.request, text: result.text, toolCalls: result.toolCalls, adapter: o.gateway.adapters.get(model.name) });
    body = JSON.stringify(encodeCompletion({ id: `chatcmpl-${o.ctx.id}`, created: Math.floor(o.ctx.time / 1000), model: model.name, result, usage }));
  } catch (error) {
    // The upstream answered and billed: Tandem's own failure after that still leaves a row naming the model
    // and what it reported, so the reservation settles on the spend (docs/decisions/input-shape-limits.md).
    const reported = result.usage ?? { inputTokens: 0, outputTokens: 0, estimated: true };
    finishRecord(o, { model, usage: reported, attempts: outcome.attempts, discarded: outcome.discarded, ttftMs: outcome.ttftMs, totalMs: 0, overheadMs: 0, status: 500 });
    const failure = gatewaySideFailure(model, error, 'answer');
    if (failure.status >= 500) console.error(`tandem: request ${o.ctx.id}: answering from ${model.name} failed on Tandem's side:`, error);
    throw failure;
  }
  const totalMs = performance.now() - o.ctx.started;
  const overheadMs = Math.max(0, totalMs - outcome.upstreamMs);
  finishRecord(o, { model, usage, attempts: outcome.attempts, discarded: outcome.discarded, ttftMs: outcome.ttftMs, totalMs, overheadMs, status: 200 });
  if (o.record.responseBody === null && o.gateway.logBodies) o.record.responseBody = body;
  if (outcome.verifierScore !== null) o.record.score = outcome.verifierScore;
  protectLoggedBodies(o.record, o.plan.privacy, o.gateway.config.store.log_bodies);
  await o.gateway.finish(o.record);
  o.res.writeHead(200, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(body),
    ...routeHeaders({ ctx: o.ctx, model: model.name, reason: o.plan.reason, overheadMs, score: o.record.score, threshold: o.record.threshold }),
    ...privacyHeaders(o.plan.privacy),
    ...warningHeader(o.warnings),
  });
  o.res.end(body);
}

async function streamAnswer(o: AnswerOptions): Promise<void> {
  const outcome = await executeStream(o.plan, o.request, o.call, o.deps);
  const { model, res } = { model: outcome.model, res: o.res };
  const overheadMs = Math.max(0, performance.now() - o.ctx.started - outcome.upstreamMs);
  res.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache',
    // No `connection` header: node answers keep-alive or close as the client (and a drain) asked; forcing
    // keep-alive here overrode a client's `Connection: close` and the drain's.
    ...routeHeaders({
      ctx: o.ctx,
      model: model.name,
      reason: o.plan.reason,
      overheadMs,
      score: outcome.verifierScore ?? o.record.score,
      threshold: o.record.threshold,
    }),
    ...privacyHeaders(o.plan.privacy),
    ...warningHeader(o.warnings),
  });
  const encoder = new ChunkEncoder(`chatcmpl-${o.ctx.id}`, Math.floor(o.ctx.time / 1000), model.name);
  const collected = new Collected();
  let pending = encoder.role();
  let failure: string | null = null;
  const emit = async (part: StreamPart): Promise<void> => {
    collected.add(part);
    pending += encoder.part(part);
    if (pending.length > 0 && part.type !== 'finish') {
      const ok = res.write(pending);
      pending = '';
      if (!ok) await waitForDrain(res, o.call.signal);
    }
  };
  try {
    for (const part of outcome.head) await emit(part);
    for (;;) {
      if (o.call.signal.aborted) throw new Error(CLIENT_CLOSED);
      const next = await outcome.tail.next();
      if (next.done) break;
      if (next.value.type === 'error') {
        failure = o.call.signal.aborted ? CLIENT_CLOSED : next.value.error.message;
        break;
      }
      await emit(next.value);
    }
  } catch (error) {
    if (o.call.signal.aborted) failure = CLIENT_CLOSED;
    else failure = error instanceof Error ? error.message : String(error);
    await outcome.tail.return?.();
  }
  const usage = await settleUsage({ reported: collected.usage, request: o.request, text: collected.text, toolCalls: collected.toolCalls(), adapter: o.gateway.adapters.get(model.name) });
  if (failure === null) {
    if (!collected.finish) pending += encoder.part({ type: 'finish', finishReason: { unified: 'other', raw: undefined } });
    if (o.request.includeUsage) pending += encoder.usage(usage);
  } else {
    pending += streamErrorLine(`upstream stream failed: ${failure}`);
  }
  const totalMs = performance.now() - o.ctx.started;
  finishRecord(o, {
    model,
    usage,
    attempts: outcome.attempts,
    discarded: outcome.discarded,
    ttftMs: outcome.ttftMs,
    totalMs,
    overheadMs,
    status: failure === null ? 200 : failure === CLIENT_CLOSED ? 499 : 502,
  });
  if (failure !== null) o.record.error = failure;
  if (outcome.verifierScore !== null) o.record.score = outcome.verifierScore;
  if (o.gateway.logBodies) {
    o.record.responseBody = JSON.stringify(
      encodeCompletion({
        id: `chatcmpl-${o.ctx.id}`,
        created: Math.floor(o.ctx.time / 1000),
        model: model.name,
        result: { id: '', model: model.name, text: collected.text, toolCalls: collected.toolCalls(), finishReason: collected.finish ?? { unified: 'other', raw: undefined }, extra: collected.extra },
        usage,
      }),
    );
  }
  protectLoggedBodies(o.record, o.plan.privacy, o.gateway.config.store.log_bodies);
  await o.gateway.finish(o.record);
  if (!res.destroyed) res.end(pending + DONE_LINE);
}

/** Accumulates a stream's content for accounting and the logged response body. */
class Collected {
  text = '';
  usage: Usage | undefined;
  finish: FinishReason | undefined;
  /** Streamed `reasoning_content` and `refusal`, under those names (ChatResult.extra). */
  readonly extra: Record<string, string> = {};
  private readonly calls: Array<{ id: string; name: string; args: string }> = [];

  add(part: StreamPart): void {
    if (part.type === 'text-delta') this.text += part.text;
    else if (part.type === 'reasoning-delta') this.extra.reasoning_content = (this.extra.reasoning_content ?? '') + part.text;
    else if (part.type === 'refusal-delta') this.extra.refusal = (this.extra.refusal ?? '') + part.text;
    else if (part.type === 'tool-call-delta') {
      const call = (this.calls[part.index] ??= { id: '', name: '', args: '' });
      if (part.id) call.id = part.id;
      if (part.name) call.name += part.name;
      call.args += part.argumentsDelta;
    } else if (part.type === 'finish') {
      this.finish = part.finishReason;
      this.usage = part.usage;
    }
  }

  toolCalls(): ToolCall[] {
    return this.calls.filter(Boolean).map((c) => ({ id: c.id, type: 'function', function: { name: c.name, arguments: c.args } }));
  }
}

function warningHeader(warnings: readonly string[]): Record<string, string> {
  return warnings.length === 0 ? {} : { 'x-tandem-warnings': headerSafe(warnings.join('; ')) };
}

function finishRecord(
  o: AnswerOptions,
  r: { model: ModelInfo; usage: Usage; attempts: AttemptRecord[]; discarded: DiscardedCall[]; ttftMs: number; totalMs: number; overheadMs: number; status: number },
): void {
  const record = o.record;
  record.model = r.model.name;
  record.attempts = r.attempts;
  record.inputTokens = r.usage.inputTokens;
  record.outputTokens = r.usage.outputTokens;
  record.tokensEstimated = r.usage.estimated;
  const discardedCost = r.discarded.reduce((sum, d) => sum + (d.result.usage ? costOf(d.result.usage, d.model.pricing) : 0), 0);
  record.cost = costOf(r.usage, r.model.pricing) + discardedCost;
  record.baselineCost = costOf(r.usage, o.plan.route.baseline.pricing);
  record.ttftMs = r.ttftMs;
  record.totalMs = r.totalMs;
  record.overheadMs = r.overheadMs;
  record.status = r.status;
}

function newRecord(ctx: RequestContext, logBodies: boolean): RequestRecord {
  return {
    id: ctx.id,
    time: ctx.time,
    keyId: ctx.keyId,
    route: null,
    requestedModel: '',
    model: null,
    candidates: [],
    reason: '',
    score: null,
    threshold: null,
    attempts: [],
    stream: false,
    inputTokens: 0,
    outputTokens: 0,
    tokensEstimated: false,
    cost: 0,
    baselineCost: 0,
    ttftMs: null,
    totalMs: 0,
    overheadMs: 0,
    status: 0,
    error: null,
    requestBody: logBodies ? ctx.bodyText : null,
    responseBody: null,
  };
}

export function sendError(res: ServerResponse, error: GatewayError, headers: Record<string, string> = {}): void {
  const body = JSON.stringify(error.toJSON());
  res.writeHead(error.status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), ...headers, ...error.headers });
  res.end(body);
}

export function internalError(error: unknown): GatewayError {
  return new GatewayError({ status: 500, type: 'server_error', message: `Internal error: ${error instanceof Error ? error.message : String(error)}`, cause: error });
}

function waitForDrain(res: ServerResponse, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      res.off('drain', done);
      signal.removeEventListener('abort', done);
      resolve();
    };
    res.once('drain', done);
    signal.addEventListener('abort', done, { once: true });
  });
}
