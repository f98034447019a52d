/**
 * The journey of one chat request, the same behind every API edge (OpenAI chat completions, Anthropic
 * messages, OpenAI responses): resolve the route, authorize the key, assess privacy, plan, admit against
 * budgets and rates, execute with fallbacks, settle usage and cost, record the row and notify observers.
 *
 * An edge is a codec around this: it turns its wire format into a ChatRequest (the `parse` thunk, so a body
 * that does not parse is recorded like any other failure), and turns the answer, its parts and failures
 * back into its wire format. Nothing here knows a wire format; the logged response body is encoded by the
 * edge's `encodeForLog`.
 *
 * The request-log row is written before the last byte reaches the client (the store makes that a
 * microsecond-scale local write), so a client that got an answer always has a row, even if the process is
 * killed right after: a whole answer is returned once its row is written, and a stream's final `finish`
 * part (which carries the settled usage) is yielded once its row is written.
 */
import { settleUsage } from '../accounting/settle-usage.js';
import { answerFlow } from '../flows/answer-flow.js';
import { prepareRoutePrivacy } from '../policy/privacy-policy.js';
import { privacyHeaders, privacyOutcome, type PrivacyAssessment } from '../privacy/assess-privacy.js';
import { protectLoggedBodies } from '../privacy/logged-bodies.js';
import type { TaskStudentAnswer } from '../distill/task-stage.js';
import {
  executeGenerate,
  executeStream,
  gatewaySideFailure,
  UpstreamFailure,
  type CallOptions,
  type ExecutionDeps,
  type GenerateOutcome,
  type StreamOutcome,
} from '../routing/execute-plan.js';
import { resultToParts } from '../routing/result-to-parts.js';
import { retrieveContext } from '../retrieval/retrieval-stage.js';
import { cacheHitModel, type CachedAnswer } from '../cache/cache-stage.js';
import { planRoute, type RoutePlan } from '../routing/plan-route.js';
import type { ChatRequest } from '../spec/chat-request.js';
import { GatewayError } from '../spec/errors.js';
import type { RequestRecord } from '../spec/request-record.js';
import type { StreamPart } from '../spec/stream-part.js';
import type { Usage } from '../spec/usage.js';
import { storeUnavailableError } from '../store/store-unavailable.js';
import type { AnswerMeta, AnswerPart, ChatAnswer, ChatCall, StreamedAnswer, WholeAnswer } from './chat-answer.js';
import type { Gateway } from './gateway.js';
import { policyContextFor } from './policy-context.js';
import { newRecord, settleRecord } from './request-record-fields.js';
import { StreamCollector } from './stream-collector.js';

export type { AnswerMeta, AnswerPart, ChatAnswer, ChatCall, StreamedAnswer, WholeAnswer } from './chat-answer.js';

/** A request that got no answer: recorded already; the edge sends `error` in its own shape with `meta`'s headers. */
export class PipelineFailure extends Error {
  constructor(
    readonly error: GatewayError,
    readonly meta: AnswerMeta,
  ) {
    super(error.message, { cause: error });
    this.name = 'PipelineFailure';
  }
}

/** Logged as the error (status 499, nginx's convention) when the client goes away mid-stream. */
const CLIENT_CLOSED = 'client closed the stream';

export async function answerChat(gateway: Gateway, call: ChatCall): Promise<ChatAnswer> {
  const { caller } = call;
  const record = newRecord(caller, gateway.logBodies);
  const headers: Record<string, string> = {};
  const warnings: string[] = [];
  const options: CallOptions = { signal: call.signal, requestId: caller.id, warn: (m) => void (warnings.includes(m) || warnings.push(m)) };
  let plan: RoutePlan | undefined;
  let privacy: PrivacyAssessment | undefined;
  try {
    const request = call.parse();
    record.requestedModel = request.model;
    record.stream = request.stream;
    const route = gateway.resolve(request.model);
    record.route = route.name;
    gateway.governance?.authorize(caller.key ?? null, { route: route.name, requestedModel: request.model });
    // A retrieval route's context goes in first, so privacy, context-fit and routing judge it (docs/retrieval.md).
    const retrieval = route.name === null ? undefined : gateway.config.routes[route.name]?.retrieval;
    const retrieved = retrieval ? await retrieveContext(gateway, retrieval, request, call.signal) : null;
    if (retrieved && retrieved.sources.length > 0) headers['x-tandem-sources'] = (record.sources = retrieved.sources).join(',');
    const policyCtx = policyContextFor(request, caller.headers, gateway.latency);
    if (retrieved?.private && !policyCtx.sensitive) {
      Object.assign(policyCtx, { sensitive: true, sensitiveBecause: `private collection ${retrieved.collection}` });
    }
    // Recorded before planning so a blocked or refused request still logs what was found (counts only).
    // Awaited: a large body's detection runs on a worker thread, not on the event loop.
    privacy = await prepareRoutePrivacy(route.policies, request, policyCtx);
    if (privacy) record.privacy = privacyOutcome(privacy);
    plan = await planRoute(route, request, policyCtx);
    // Experiments send their candidate arm to the candidate model; drift monitors see the input (lifecycle/lifecycle-stage.ts).
    if (gateway.lifecycle) plan = gateway.lifecycle.plan(plan, request, caller.id, caller, policyCtx);
    if (gateway.governance) plan = gateway.governance.restrictPlan(caller.key ?? null, plan);
    record.candidates = plan.candidates;
    record.reason = plan.reason;
    record.score = plan.decision.score;
    record.threshold = plan.decision.threshold;
    // Its row could not be kept (database down, spool off): refuse before an upstream is called and billed.
    if (gateway.store.health?.().accepting === false) throw storeUnavailableError();
    // A flow route answers in steps, each planned, admitted and recorded on its own (docs/flows.md).
    const flow = route.name === null ? undefined : gateway.config.routes[route.name]?.flow;
    if (flow) return await answerFlow({ gateway, call, request, route, flow, privacy, record, headers, warnings });
    // The route's answer cache (docs/caching.md): a hit replays an earlier answer, cost 0, no model called.
    const cached =
      (await gateway.cache?.lookup({
        route: route.name,
        request,
        headers: caller.headers,
        keyId: caller.keyId,
        privacy: record.privacy,
        sensitive: policyCtx.sensitive === true,
        warn: options.warn,
        signal: call.signal,
      })) ?? null;
    if (cached) headers['x-tandem-cache'] = record.cache = cached.status;
    if (cached?.hit) {
      // A hit is still a request of this key: it counts against request rates and the in-flight cap, not
      // against tokens or spend (it uses none; RequestLimiter.settle counts a hit's tokens as 0).
      const limits = await gateway.governance?.admit({ ...ADMIT_NOTHING_SPENT, requestId: caller.id, key: caller.key ?? null, request });
      Object.assign(headers, limits);
      return await cachedAnswer({ gateway, call, request, plan, record, headers, warnings }, cached.hit, cached.how ?? 'exact');
    }
    // A task route's student answers when it is confident (docs/distillation.md): a local answer, cost 0.
    const student = route.name === null ? null : (gateway.tasks?.answer(route.name, request, caller.keyId) ?? null);
    const models = student ? [student.model] : plan.order;
    const limits = await gateway.governance?.admit({ requestId: caller.id, key: caller.key ?? null, request, models, promptTokens: policyCtx.promptTokens });
    Object.assign(headers, limits);
    Object.assign(headers, privacyHeaders(plan.privacy));
    const step: Step = { gateway, call, request, plan, record, headers, warnings, keep: cached?.keep };
    if (student) {
      record.reason = plan.reason = `${student.model.name} answered (task student)`;
      const answered = studentOutcome(student, performance.now() - caller.started);
      const answer = request.stream
        ? streamedAnswer(step, { ...answered, head: [], tail: replay(resultToParts(student.result)) })
        : await wholeAnswer(step, { ...answered, result: student.result });
      // A shadow check asks the (cloud) teacher afterwards: never for a request that must stay local.
      if (route.name !== null && !policyCtx.sensitive && plan.privacy?.localOnly !== true) gateway.tasks?.served(route.name, request, student);
      return answer;
    }
    const deps: ExecutionDeps = { adapters: gateway.adapters, breaker: gateway.breaker, latency: gateway.latency, verifier: gateway.verifier };
    if (!request.stream) {
      const whole = await wholeAnswer(step, await executeGenerate(plan, request, options, deps));
      if (route.name !== null) gateway.tasks?.taught(route.name, request, whole.result.text, plan.privacy?.cloudView?.request, whole.meta.model ?? undefined);
      return whole;
    }
    return streamedAnswer(step, await executeStream(plan, request, options, deps));
  } catch (error) {
    const failure = error instanceof GatewayError ? error : internalError(error);
    record.status = failure.status;
    record.error = failure.message;
    record.totalMs = performance.now() - caller.started;
    record.overheadMs = record.totalMs;
    if (failure instanceof UpstreamFailure) {
      // Every upstream failed: the row says how, and their time (backoff included) is not Tandem's overhead.
      record.attempts = [...failure.attempts];
      record.overheadMs = Math.max(0, record.totalMs - failure.upstreamMs);
    }
    protectLoggedBodies(record, privacy, gateway.config.store.log_bodies);
    await gateway.finish(record);
    Object.assign(headers, privacyHeaders(plan?.privacy), failure.headers);
    throw new PipelineFailure(failure, {
      model: record.model,
      reason: record.reason || failure.code || 'error',
      overheadMs: record.overheadMs,
      score: null,
      threshold: null,
      headers,
    });
  }
}

/** A failure that is not a GatewayError: Tandem's own bug, a 500 that names it. */
export function internalError(error: unknown): GatewayError {
  return new GatewayError({
    status: 500,
    type: 'server_error',
    message: `Internal error: ${error instanceof Error ? error.message : String(error)}`,
    cause: error,
  });
}

interface Step {
  gateway: Gateway;
  call: ChatCall;
  request: ChatRequest;
  plan: RoutePlan;
  record: RequestRecord;
  headers: Record<string, string>;
  /** Notes from adapters about settings they could not honour; sent as x-tandem-warnings. */
  warnings: string[];
  /** A cache miss: keeps the complete answer (docs/caching.md). */
  keep?: ((answer: CachedAnswer) => void) | undefined;
}

function withWarnings(step: Step): Record<string, string> {
  return step.warnings.length === 0 ? step.headers : { ...step.headers, 'x-tandem-warnings': step.warnings.join('; ') };
}

async function wholeAnswer(step: Step, outcome: GenerateOutcome): Promise<WholeAnswer> {
  const { gateway, call, request, plan, record } = step;
  const { result, model } = outcome;
  let usage: Usage;
  let encoded: string | null = null;
  try {
    usage = await settleUsage({ reported: result.usage, request, text: result.text, toolCalls: result.toolCalls, adapter: gateway.adapters.get(model.name) });
    if (gateway.logBodies) encoded = call.encodeForLog({ result, usage, model: model.name });
  } catch (error) {
    // The upstream answered and billed: Tandem's own failure after that still leaves a row naming the model
    // and what it reported, so the reservation settles on the spend (docs/decisions/input-shape-limits.md).
    const reported = result.usage ?? { inputTokens: 0, outputTokens: 0, estimated: true };
    settleRecord(record, plan.route.baseline, { outcome, usage: reported, totalMs: 0, overheadMs: 0, status: 500 });
    const failure = gatewaySideFailure(model, error, 'answer');
    if (failure.status >= 500) console.error(`tandem: request ${call.caller.id}: answering from ${model.name} failed on Tandem's side:`, error);
    throw failure;
  }
  const totalMs = performance.now() - call.caller.started;
  const overheadMs = Math.max(0, totalMs - outcome.upstreamMs);
  settleRecord(record, plan.route.baseline, { outcome, usage, totalMs, overheadMs, status: 200 });
  if (record.responseBody === null && encoded !== null) record.responseBody = encoded;
  if (outcome.verifierScore !== null) record.score = outcome.verifierScore;
  protectLoggedBodies(record, plan.privacy, gateway.config.store.log_bodies);
  await gateway.finish(record);
  step.keep?.({ result, usage, model: model.name });
  const meta: AnswerMeta = {
    model: model.name,
    reason: plan.reason,
    overheadMs,
    score: record.score,
    threshold: record.threshold,
    headers: withWarnings(step),
  };
  return { stream: false, request, result, usage, meta, encoded };
}

function streamedAnswer(step: Step, outcome: StreamOutcome): StreamedAnswer {
  const overheadMs = Math.max(0, performance.now() - step.call.caller.started - outcome.upstreamMs);
  const meta: AnswerMeta = {
    model: outcome.model.name,
    reason: step.plan.reason,
    overheadMs,
    score: outcome.verifierScore ?? step.record.score,
    threshold: step.record.threshold,
    headers: withWarnings(step),
  };
  return { stream: true, request: step.request, meta, parts: streamParts(step, outcome, overheadMs) };
}

async function* streamParts(step: Step, outcome: StreamOutcome, overheadMs: number): AsyncGenerator<AnswerPart, void, undefined> {
  const { gateway, call, request, plan, record } = step;
  const { model } = outcome;
  const signal = call.signal;
  const collected = new StreamCollector();
  let failure: string | null = null;
  let recorded = false;
  // Written once, whichever way the stream ends: to the end, mid-stream failure, or the edge stopping early.
  const recordRow = async (): Promise<Usage> => {
    recorded = true;
    const usage = await settleUsage({
      reported: collected.usage,
      request,
      text: collected.text,
      toolCalls: collected.toolCalls(),
      adapter: gateway.adapters.get(model.name),
    });
    const totalMs = performance.now() - call.caller.started;
    const status = failure === null ? 200 : failure === CLIENT_CLOSED ? 499 : 502;
    settleRecord(record, plan.route.baseline, { outcome, usage, totalMs, overheadMs, status });
    if (failure !== null) record.error = failure;
    if (outcome.verifierScore !== null) record.score = outcome.verifierScore;
    if (gateway.logBodies) record.responseBody = call.encodeForLog({ result: collected.result(model.name), usage, model: model.name });
    protectLoggedBodies(record, plan.privacy, gateway.config.store.log_bodies);
    await gateway.finish(record);
    return usage;
  };
  try {
    try {
      for (const part of outcome.head) {
        collected.add(part);
        if (isContent(part)) yield part;
      }
      for (;;) {
        if (signal.aborted) throw new Error(CLIENT_CLOSED);
        const next = await outcome.tail.next();
        if (next.done) break;
        const part = next.value;
        if (part.type === 'error') {
          failure = signal.aborted ? CLIENT_CLOSED : part.error.message;
          break;
        }
        collected.add(part);
        if (isContent(part)) yield part;
      }
    } catch (error) {
      failure = signal.aborted ? CLIENT_CLOSED : error instanceof Error ? error.message : String(error);
      await outcome.tail.return?.();
    }
    const usage = await recordRow();
    if (failure === null) step.keep?.({ result: collected.result(model.name), usage, model: model.name });
    if (failure === null && plan.route.name !== null)
      gateway.tasks?.taught(plan.route.name, request, collected.text, plan.privacy?.cloudView?.request, model.name);
    if (failure === null) yield { type: 'finish', finishReason: collected.finish ?? { unified: 'other', raw: undefined }, usage };
    else if (failure !== CLIENT_CLOSED) yield { type: 'failed', message: `upstream stream failed: ${failure}` };
  } finally {
    // The edge stopped iterating early (its client left while it waited to write): the row is still written.
    if (!recorded) {
      failure ??= CLIENT_CLOSED;
      await outcome.tail.return?.();
      await recordRow();
    }
  }
}

/** Admission of a request that calls no model: one request, no tokens, no spend. */
const ADMIT_NOTHING_SPENT = { models: [], promptTokens: 0, worstCase: { tokens: 0, spend: 0 } } as const;

/** A cached answer replayed, whole or streamed: no upstream, cost 0, the baseline cost of what it replaces. */
async function cachedAnswer(step: Step, hit: CachedAnswer, how: string): Promise<ChatAnswer> {
  const model = cacheHitModel(step.gateway.models, step.plan.route.baseline, hit.model);
  step.record.reason = step.plan.reason = `cache hit (${how}) of ${hit.model}`;
  const answered = studentOutcome({ model }, performance.now() - step.call.caller.started);
  const result = { ...hit.result, usage: hit.usage };
  return step.request.stream
    ? streamedAnswer(step, { ...answered, head: [], tail: replay(resultToParts(result)) })
    : await wholeAnswer(step, { ...answered, result });
}

/** A student's answer as the outcome of a call that took `elapsedMs` and no upstream time. */
function studentOutcome(student: Pick<TaskStudentAnswer, 'model'>, elapsedMs: number): Omit<GenerateOutcome, 'result'> {
  return {
    model: student.model,
    attempts: [{ model: student.model.name, error: null, durationMs: elapsedMs }],
    upstreamMs: 0,
    ttftMs: elapsedMs,
    discarded: [],
    verifierScore: null,
  };
}

async function* replay(parts: StreamPart[]): AsyncGenerator<StreamPart, void, undefined> {
  yield* parts;
}

function isContent(part: StreamPart): part is Exclude<StreamPart, { type: 'start' | 'finish' | 'error' }> {
  return part.type !== 'start' && part.type !== 'finish' && part.type !== 'error';
}
