/**
 * Answers a request on a flow route (docs/flows.md), called by the pipeline (gateway/pipeline.ts) once the
 * route is resolved, the key authorized, privacy assessed and the route planned. It returns the same
 * WholeAnswer / StreamedAnswer every edge already encodes, so flows work through every API unchanged.
 *
 * - Budgets: the flow's worst case (every step at its output limit, the repair turn and the fallback
 *   included) is reserved up front; the parent row's cost, the sum of its steps, settles it.
 * - Privacy: a pseudonymised request stays pseudonymised through every step (each step's input is built
 *   from the placeholder copy) and the final answer is restored once, here. Every step's own input is
 *   judged by the privacy policy (flow-run.ts).
 * - Records: one parent row (the request's own, through gateway.finish) and one child row per step
 *   (store.flowSteps), written before the last byte reaches the client.
 * - Streaming: the final step (action, fallback or synthesis) streams to the client as it arrives; time to
 *   first token is measured from the request's arrival. A client that leaves aborts every running step.
 */
import { costOf } from '../accounting/cost.js';
import { settleUsage } from '../accounting/settle-usage.js';
import { protectLoggedBodies } from '../privacy/logged-bodies.js';
import type { Gateway } from '../gateway/gateway.js';
import type {
  FlowAnswer as ChatAnswer,
  FlowAnswerPart as AnswerPart,
  FlowChatCall as ChatCall,
  FlowStreamedAnswer as StreamedAnswer,
  FlowWholeAnswer as WholeAnswer,
} from './flow-answer.js';
import { StreamCollector } from '../gateway/stream-collector.js';
import { privacyHeaders, type PrivacyAssessment } from '../privacy/assess-privacy.js';
import { createRestorer, restore, type PseudonymMapping } from '../privacy/pseudonymise.js';
import type { RouteRuntime } from '../routing/route-runtime.js';
import { lastUserText, type ChatRequest } from '../spec/chat-request.js';
import { GatewayError } from '../spec/errors.js';
import type { RequestRecord } from '../spec/request-record.js';
import type { StreamPart } from '../spec/stream-part.js';
import type { Usage } from '../spec/usage.js';
import { quickPromptTokens } from '../accounting/estimate-tokens.js';
import type { FinalStep } from './final-step.js';
import { FlowRun, StepFailure, type StepAnswer } from './flow-run.js';
import type { FlowConfig, FlowStepConfig } from './flow-schema.js';
import { planExecuteSynthesise } from './plan-execute-synthesise.js';
import { triageAct } from './triage-act.js';

export interface FlowCall {
  gateway: Gateway;
  call: ChatCall;
  request: ChatRequest;
  route: RouteRuntime;
  flow: FlowConfig;
  privacy: PrivacyAssessment | undefined;
  record: RequestRecord;
  headers: Record<string, string>;
  warnings: string[];
}

const CLIENT_CLOSED = 'client closed the stream';

export async function answerFlow(o: FlowCall): Promise<ChatAnswer> {
  const { gateway, call, request, route, flow, privacy, record, headers } = o;
  const warn = (m: string): void => void (o.warnings.includes(m) || o.warnings.push(m));
  // Pseudonymised: every step works on the placeholder copy; the answer is restored once, at the end.
  const pseudonymised = privacy?.action === 'pseudonymised' && privacy.cloudView !== undefined;
  const input = pseudonymised ? (privacy.cloudView as { request: ChatRequest }).request : request;
  const mapping: PseudonymMapping = pseudonymised ? (privacy.cloudView as { mapping: PseudonymMapping }).mapping : new Map();
  const inputText = lastUserText(input);
  const promptTokens = quickPromptTokens(input);
  const probe = new FlowRun(gateway, call, route, Number.POSITIVE_INFINITY, warn);
  const worst = worstCase(probe, flow, promptTokens);
  const admitted = await gateway.governance?.admit({
    requestId: call.caller.id,
    key: call.caller.key ?? null,
    request,
    models: [],
    promptTokens,
    worstCase: { tokens: worst.tokens, spend: worst.spend },
  });
  Object.assign(headers, admitted, privacyHeaders(privacy));
  const run = new FlowRun(gateway, call, route, worst.spend, warn);
  run.pseudonymised = pseudonymised;
  record.reason = `flow ${flow.type}`;
  let final: FinalStep | undefined;
  try {
    final = flow.type === 'triage-act' ? await triageAct(run, flow, input, inputText) : await planExecuteSynthesise(run, flow, input, inputText);
    record.reason = `flow ${flow.type}: ${final.reason}`;
    const finalStep = final;
    const stepsHeader = (model: string): string => [stepsSoFar(run), `${finalStep.name}=${model}`].filter((s) => s !== '').join(', ');
    if (!request.stream) {
      const answer = await run.generate(final.name, final.spec, final.request);
      const text = restore(answer.result.text, mapping);
      const result = { ...answer.result, text };
      let encoded: string | null = null;
      const usage = await finishFlow(o, run, final, answer.model.name, answer, null, 200, null, (sum) => {
        if (gateway.logBodies) record.responseBody = encoded = call.encodeForLog({ result, usage: sum, model: answer.model.name });
      });
      headers['x-tandem-flow-steps'] = stepsSoFar(run);
      const whole: WholeAnswer = { stream: false, request, result, usage, meta: meta(o, run, answer.model.name), encoded };
      return whole;
    }
    const open = await run.stream(final.name, final.spec, final.request);
    headers['x-tandem-flow-steps'] = stepsHeader(open.model.name);
    const streamed: StreamedAnswer = {
      stream: true,
      request,
      meta: meta(o, run, open.model.name),
      parts: streamParts(o, run, finalStep, open, mapping),
    };
    return streamed;
  } catch (error) {
    // The parent row (written by the pipeline) carries what was spent; the steps are written here.
    record.cost = run.cost;
    const totals = sumSteps(run);
    record.inputTokens = totals.inputTokens;
    record.outputTokens = totals.outputTokens;
    record.tokensEstimated = totals.estimated;
    record.model = run.steps.at(-1)?.model ?? null;
    // The failure's response says how far the flow got (the pipeline sends these headers with the error).
    if (run.steps.length > 0) headers['x-tandem-flow-steps'] = stepsSoFar(run);
    await writeSteps(gateway, run);
    if (error instanceof StepFailure) throw stepError(error);
    throw error;
  }
}

/** `triage=gpt-4.1, action:refund=llama`; a step that did not succeed shows its status: `subtask:3=gpt-4.1(failed)`. */
function stepsSoFar(run: FlowRun): string {
  return run.steps.map((s) => `${s.step}=${s.model ?? '-'}${s.status === 'ok' ? '' : `(${s.status})`}`).join(', ');
}

/** The client's error for a failed final step: the step's own GatewayError (status kept), else 502. */
function stepError(failure: StepFailure): GatewayError {
  if (failure.error instanceof GatewayError) return failure.error;
  return new GatewayError({ status: 502, code: 'upstream_unavailable', message: `Flow step "${failure.step}" failed: ${failure.message}`, cause: failure });
}

/** Worst cases of every step, from the client's prompt size: what the flow reserves before it starts. */
function worstCase(probe: FlowRun, flow: FlowConfig, promptTokens: number): { spend: number; tokens: number } {
  const outputOf = (spec: FlowStepConfig): number => Math.max(...probe.routeFor(spec).models.map((m) => spec.max_tokens ?? m.defaultMaxOutputTokens));
  const template = (spec: FlowStepConfig): number => Math.ceil((spec.prompt.length + (spec.system?.length ?? 0)) / 3);
  const fallbackModel = flow.fallback_model ?? probe.route.baseline.name;
  const fallback: FlowStepConfig = { model: fallbackModel, prompt: '{{input}}' };
  const fallbackSpend = probe.worstCase(fallback, promptTokens);
  const fallbackTokens = promptTokens + outputOf(fallback);
  if (flow.type === 'triage-act') {
    const triagePrompt = promptTokens + template(flow.triage);
    const triageOut = outputOf(flow.triage);
    // The repair turn carries the first answer too.
    let spend = probe.worstCase(flow.triage, triagePrompt) + probe.worstCase(flow.triage, triagePrompt + triageOut + 40);
    let tokens = triagePrompt + triageOut + triagePrompt + 2 * triageOut + 40;
    let last = { spend: fallbackSpend, tokens: fallbackTokens };
    for (const action of Object.values(flow.actions)) {
      const prompt = promptTokens + template(action) + triageOut;
      const candidate = { spend: probe.worstCase(action, prompt), tokens: prompt + outputOf(action) };
      if (candidate.spend > last.spend) last = candidate;
    }
    spend += last.spend;
    tokens += last.tokens;
    return { spend, tokens };
  }
  const planPrompt = promptTokens + template(flow.planner);
  const planOut = outputOf(flow.planner);
  const subtaskPrompt = promptTokens + template(flow.executor) + planOut;
  const subtaskOut = outputOf(flow.executor);
  const synthPrompt = promptTokens + template(flow.synthesiser) + flow.max_subtasks * (subtaskOut + planOut);
  const synth = { spend: probe.worstCase(flow.synthesiser, synthPrompt), tokens: synthPrompt + outputOf(flow.synthesiser) };
  const last = synth.spend >= fallbackSpend ? synth : { spend: fallbackSpend, tokens: fallbackTokens };
  return {
    spend: probe.worstCase(flow.planner, planPrompt) + flow.max_subtasks * probe.worstCase(flow.executor, subtaskPrompt) + last.spend,
    tokens: planPrompt + planOut + flow.max_subtasks * (subtaskPrompt + subtaskOut) + last.tokens,
  };
}

function sumSteps(run: FlowRun): { inputTokens: number; outputTokens: number; estimated: boolean } {
  let inputTokens = 0;
  let outputTokens = 0;
  let estimated = false;
  for (const s of run.steps) {
    inputTokens += s.inputTokens;
    outputTokens += s.outputTokens;
    estimated ||= s.tokensEstimated;
  }
  return { inputTokens, outputTokens, estimated };
}

async function writeSteps(gateway: Gateway, run: FlowRun): Promise<void> {
  const steps = run.steps;
  if (steps.length === 0) return;
  try {
    await gateway.store.flowSteps?.append(steps);
  } catch (error) {
    // The parent row is what bills and audits; a lost step row is reported, never fails the answer.
    console.error(`tandem: the step rows of flow ${run.call.caller.id} were not stored: ${error instanceof Error ? error.message : String(error)}`);
  }
}

/**
 * Completes the parent row: cost is the sum of the steps, tokens their sums, the baseline what the route's
 * baseline model would have charged for the client's prompt and this answer in one call (counted when the
 * fallback step was that model answering the request itself, else estimated and said so in the reason).
 */
async function finishFlow(
  o: FlowCall,
  run: FlowRun,
  final: FinalStep,
  model: string,
  answer: Pick<StepAnswer, 'usage'>,
  ttftMs: number | null,
  status: number,
  error: string | null,
  /** Sets the logged response body from the summed usage, before the row is written. */
  encode: (usage: Usage) => void,
): Promise<Usage> {
  const { record, route, call, gateway } = o;
  const totals = sumSteps(run);
  const usage: Usage = { inputTokens: totals.inputTokens, outputTokens: totals.outputTokens, estimated: totals.estimated };
  record.model = model;
  record.inputTokens = usage.inputTokens;
  record.outputTokens = usage.outputTokens;
  record.tokensEstimated = usage.estimated;
  record.cost = run.cost;
  const counted = final.name === 'fallback' && model === route.baseline.name;
  const baselineUsage = counted ? answer.usage : { inputTokens: quickPromptTokens(o.request), outputTokens: answer.usage.outputTokens };
  record.baselineCost = costOf(baselineUsage, route.baseline.pricing);
  if (!counted) record.reason += '; baseline estimated';
  record.totalMs = performance.now() - call.caller.started;
  record.ttftMs = ttftMs ?? record.totalMs;
  record.overheadMs = Math.max(0, record.totalMs - run.upstreamMs);
  record.status = status;
  record.error = error;
  encode(usage);
  // A pseudonymise route's log keeps placeholders in both bodies, as for any request (privacy/logged-bodies.ts).
  protectLoggedBodies(record, o.privacy, gateway.config.store.log_bodies);
  // Queued together, so the SQLite store commits the steps and the parent row in one group commit.
  const steps = writeSteps(gateway, run);
  await gateway.finish(record);
  await steps;
  return usage;
}

function meta(o: FlowCall, run: FlowRun, model: string): WholeAnswer['meta'] {
  const headers = o.warnings.length === 0 ? o.headers : { ...o.headers, 'x-tandem-warnings': o.warnings.join('; ') };
  return {
    model,
    reason: o.record.reason,
    overheadMs: Math.max(0, performance.now() - o.call.caller.started - run.upstreamMs),
    score: null,
    threshold: null,
    headers,
  };
}

async function* streamParts(
  o: FlowCall,
  run: FlowRun,
  final: FinalStep,
  open: Awaited<ReturnType<FlowRun['stream']>>,
  mapping: PseudonymMapping,
): AsyncGenerator<AnswerPart, void, undefined> {
  const { call, gateway } = o;
  const { outcome } = open;
  const signal = call.signal;
  const collected = new StreamCollector();
  const restorer = mapping.size === 0 ? null : createRestorer(mapping);
  let ttftMs: number | null = null;
  let failure: string | null = null;
  let recorded = false;
  const recordRow = async (): Promise<Usage> => {
    recorded = true;
    // The upstream's own counts, else Tandem's (marked estimated), as for any streamed answer.
    const settled = await settleUsage({
      reported: collected.usage,
      request: final.request,
      text: collected.text,
      toolCalls: collected.toolCalls(),
      adapter: gateway.adapters.get(open.model.name),
    });
    const status = failure === null ? 'ok' : failure === CLIENT_CLOSED ? 'cancelled' : 'failed';
    open.close({ usage: settled, status, error: failure });
    const httpStatus = failure === null ? 200 : failure === CLIENT_CLOSED ? 499 : 502;
    return finishFlow(o, run, final, open.model.name, { usage: settled }, ttftMs, httpStatus, failure, (usage) => {
      if (!gateway.logBodies) return;
      const result = collected.result(open.model.name);
      o.record.responseBody = call.encodeForLog({ result: { ...result, text: restore(result.text, mapping) }, usage, model: open.model.name });
    });
  };
  const content = (part: StreamPart): AnswerPart | null => {
    if (part.type === 'start' || part.type === 'finish' || part.type === 'error') return null;
    if (part.type === 'text-delta' && restorer) {
      const text = restorer.push(part.text);
      return text === '' ? null : { ...part, text };
    }
    return part;
  };
  try {
    try {
      const emit = function* (part: StreamPart): Generator<AnswerPart> {
        collected.add(part);
        const out = content(part);
        if (out) {
          ttftMs ??= performance.now() - call.caller.started;
          yield out;
        }
      };
      for (const part of outcome.head) yield* emit(part);
      for (;;) {
        if (signal.aborted) throw new Error(CLIENT_CLOSED);
        const next = await outcome.tail.next();
        if (next.done) break;
        if (next.value.type === 'error') {
          failure = signal.aborted ? CLIENT_CLOSED : next.value.error.message;
          break;
        }
        yield* emit(next.value);
      }
      const rest = restorer?.flush();
      if (rest) yield { type: 'text-delta', text: rest };
    } catch (error) {
      failure = signal.aborted ? CLIENT_CLOSED : error instanceof Error ? error.message : String(error);
      await outcome.tail.return?.();
    }
    const usage = await recordRow();
    if (failure === null) yield { type: 'finish', finishReason: collected.finish ?? { unified: 'other', raw: undefined }, usage };
    else if (failure !== CLIENT_CLOSED) yield { type: 'failed', message: `flow step ${final.name} failed: ${failure}` };
  } finally {
    if (!recorded) {
      failure ??= CLIENT_CLOSED;
      await outcome.tail.return?.();
      await recordRow();
    }
  }
}
