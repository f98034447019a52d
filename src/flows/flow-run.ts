/**
 * One running flow: its steps share the client's abort signal, one budget reservation (the flow's worst
 * case, reserved up front) and one list of child rows. Each step is planned on its own input with its own
 * route's policies, so the privacy policy judges what that step sends (a subtask with personal data stays
 * on local models), then executed with the route's retries and fallbacks (routing/execute-plan.ts).
 *
 * A step starts only while the reservation still covers its worst case on top of what was spent and what
 * the steps in flight may still spend; otherwise it is recorded as `skipped` and FlowBudgetExhausted is
 * thrown. Each step gets an OpenTelemetry span, and its attempts nest under it.
 */
import { context, trace } from '@opentelemetry/api';
import { costOf, worstCaseCost } from '../accounting/cost.js';
import { settleUsage } from '../accounting/settle-usage.js';
import type { FlowChatCall as ChatCall } from './flow-answer.js';
import type { Gateway } from '../gateway/gateway.js';
import { policyContextFor } from '../gateway/policy-context.js';
import { requestedOutputTokens } from '../policy/policy.js';
import { prepareRoutePrivacy } from '../policy/privacy-policy.js';
import { executeGenerate, executeStream, type ExecutionDeps, type StreamOutcome } from '../routing/execute-plan.js';
import { planRoute, type RoutePlan } from '../routing/plan-route.js';
import type { RouteRuntime } from '../routing/route-runtime.js';
import { fixedRouter } from '../routing/routers/fixed-router.js';
import type { ChatMessage, ChatRequest } from '../spec/chat-request.js';
import { GatewayError } from '../spec/errors.js';
import type { ModelInfo } from '../spec/model-info.js';
import type { ChatResult } from '../spec/stream-part.js';
import type { Usage } from '../spec/usage.js';
import type { FlowStepRecord } from '../store/flow-steps.js';
import { failSpan, startChildSpan } from '../telemetry/tracing/tandem-tracer.js';
import type { FlowStepConfig } from './flow-schema.js';
import { renderTemplate, type TemplateVars } from './flow-template.js';

/** No step may start: the flow's reservation cannot cover it. Answered as 429 `budget_exceeded`. */
export class FlowBudgetExhausted extends GatewayError {
  constructor(step: string, needed: number, left: number) {
    super({
      status: 429,
      code: 'budget_exceeded',
      message: `The flow's budget reservation cannot cover step "${step}" (it may cost up to ${needed.toPrecision(3)}, ${Math.max(0, left).toPrecision(3)} is left); the flow stopped before starting it.`,
    });
  }
}

/** A step that did not answer: its status in the child row, and the error. */
export class StepFailure extends Error {
  constructor(
    readonly step: string,
    readonly status: FlowStepRecord['status'],
    readonly error: unknown,
  ) {
    super(`step ${step} ${status}: ${errorMessage(error)}`, { cause: error });
    this.name = 'StepFailure';
  }
}

export interface StepAnswer {
  result: ChatResult;
  model: ModelInfo;
  usage: Usage;
  cost: number;
}

/** A streaming step under way: read `outcome`, then call `close` once with what the stream delivered. */
export interface OpenStream {
  outcome: StreamOutcome;
  model: ModelInfo;
  close(end: { usage: Usage; status: FlowStepRecord['status']; error: string | null }): number;
}

export interface StepOptions {
  /** JSON schema the answer must match: sent as response_format json_schema (a grammar on embedded models). */
  schema?: { name: string; schema: Record<string, unknown> };
  timeoutMs?: number;
  /** Extra messages after the rendered prompt (a repair turn). */
  followUp?: ChatMessage[];
}

export class FlowRun {
  private readonly records: FlowStepRecord[] = [];
  private nextIndex = 0;
  private spent = 0;
  /** Worst cases of the steps in flight. */
  private inFlight = 0;
  /** Time spent waiting on upstreams, over every step (not Tandem's overhead); overlapping steps count once each. */
  upstreamMs = 0;
  private readonly routes = new Map<FlowStepConfig, RouteRuntime>();
  /** Set when the client's request was pseudonymised: every step then works on placeholders, and says so. */
  pseudonymised = false;

  constructor(
    readonly gateway: Gateway,
    readonly call: ChatCall,
    /** The flow's route. */
    readonly route: RouteRuntime,
    /** The flow's worst case, reserved up front. */
    readonly reserved: number,
    private readonly warn: (message: string) => void,
  ) {}

  get steps(): readonly FlowStepRecord[] {
    return [...this.records].sort((a, b) => a.index - b.index);
  }

  get cost(): number {
    return this.spent;
  }

  /** The route a step runs on: its own, or the flow route's policies over the step's models. */
  routeFor(spec: FlowStepConfig): RouteRuntime {
    const known = this.routes.get(spec);
    if (known) return known;
    let route: RouteRuntime;
    if (spec.route !== undefined) {
      const named = this.gateway.routes.get(spec.route);
      if (!named) throw new GatewayError({ status: 500, message: `flow step route "${spec.route}" is not configured` });
      // The flow route's privacy policy judges every step: a step route without one of its own gets it.
      const flowPrivacy = this.route.policies.find((p) => p.name === 'privacy');
      route = flowPrivacy && !named.policies.some((p) => p.name === 'privacy') ? { ...named, policies: [flowPrivacy, ...named.policies] } : named;
    } else {
      const names = spec.models ?? [spec.model as string];
      const models = names.map((name) => {
        const model = this.gateway.models.get(name);
        if (!model) throw new GatewayError({ status: 500, message: `flow step model "${name}" is not configured` });
        return model;
      });
      route = { ...this.route, models, router: fixedRouter({ model: (models[0] as ModelInfo).name }), fallbacks: undefined };
    }
    this.routes.set(spec, route);
    return route;
  }

  /** The step's request: its system and user messages rendered, the client's sampling settings kept where they apply. */
  request(spec: FlowStepConfig, vars: TemplateVars, base: ChatRequest, options: StepOptions = {}): ChatRequest {
    const messages: ChatMessage[] = [];
    if (spec.system !== undefined) messages.push({ role: 'system', content: renderTemplate(spec.system, vars) });
    messages.push({ role: 'user', content: renderTemplate(spec.prompt, vars) }, ...(options.followUp ?? []));
    const params: ChatRequest['params'] = {};
    if (base.params.user !== undefined) params.user = base.params.user;
    if (base.params.metadata !== undefined) params.metadata = base.params.metadata;
    if (spec.max_tokens !== undefined) params.max_tokens = spec.max_tokens;
    if (spec.temperature !== undefined) params.temperature = spec.temperature;
    if (options.schema) params.response_format = { type: 'json_schema', json_schema: { name: options.schema.name, schema: options.schema.schema } };
    return { model: base.model, messages, stream: false, includeUsage: true, params, extra: {} };
  }

  /** The most a step may cost on any model it may reach, for a prompt of `promptTokens`. */
  worstCase(spec: FlowStepConfig, promptTokens: number): number {
    let worst = 0;
    for (const model of this.routeFor(spec).models) {
      const maxOutputTokens = spec.max_tokens ?? model.defaultMaxOutputTokens;
      worst = Math.max(worst, worstCaseCost({ promptTokens, maxOutputTokens, model }));
    }
    return worst;
  }

  /** Opens the step's span (its policy, routing and attempt spans nest under it) and prepares the step inside it. */
  private async begin(name: string, spec: FlowStepConfig, request: ChatRequest) {
    const span = startChildSpan(`tandem.flow.step ${name}`, { attributes: { 'tandem.flow.step': name } });
    const inSpan = <T>(fn: () => Promise<T>): Promise<T> => (span ? context.with(trace.setSpan(context.active(), span), fn) : fn());
    try {
      return { span, inSpan, prepared: await inSpan(() => this.prepare(name, spec, request)) };
    } catch (error) {
      if (span) {
        failSpan(span, error);
        span.end();
      }
      throw error;
    }
  }

  /** Runs a step whole. Throws StepFailure (recorded) or FlowBudgetExhausted (recorded as skipped). */
  async generate(name: string, spec: FlowStepConfig, request: ChatRequest, options: StepOptions = {}): Promise<StepAnswer> {
    const { span, inSpan, prepared } = await this.begin(name, spec, request);
    const { plan, worst, index, started, privacy, mayShadow } = prepared;
    const timeout = options.timeoutMs === undefined ? undefined : AbortSignal.timeout(options.timeoutMs);
    const signal = timeout === undefined ? this.call.signal : AbortSignal.any([this.call.signal, timeout]);
    try {
      // A task route's student answers the step when it is sure (docs/distillation.md), as on the route itself.
      const student = spec.route === undefined ? null : (this.gateway.tasks?.answer(spec.route, request) ?? null);
      if (student && spec.route !== undefined) {
        const usage = await settleUsage({ reported: student.result.usage, request, text: student.result.text, toolCalls: [], adapter: undefined });
        const cost = costOf(usage, student.model.pricing);
        this.spent += cost;
        const elapsed = performance.now() - started;
        span?.setAttributes({ 'gen_ai.request.model': student.model.name, 'tandem.cost': cost });
        this.records.push(this.record({ index, name, started, model: student.model.name, status: 'ok', usage, cost, ttftMs: elapsed, privacy, error: null }));
        // Its shadow check asks the (cloud) teacher afterwards: never for a step that must stay local.
        if (mayShadow) this.gateway.tasks?.served(spec.route, request, student);
        return { result: student.result, model: student.model, usage, cost };
      }
      const outcome = await inSpan(() => executeGenerate(plan, request, { signal, requestId: `${this.call.caller.id}/${name}`, warn: this.warn }, this.deps()));
      const { result, model } = outcome;
      const usage = await settleUsage({
        reported: result.usage,
        request,
        text: result.text,
        toolCalls: result.toolCalls,
        adapter: this.gateway.adapters.get(model.name),
      });
      const discarded = outcome.discarded.reduce((sum, d) => sum + (d.result.usage ? costOf(d.result.usage, d.model.pricing) : 0), 0);
      const cost = costOf(usage, model.pricing) + discarded;
      this.spent += cost;
      this.upstreamMs += outcome.upstreamMs;
      span?.setAttributes({ 'gen_ai.request.model': model.name, 'tandem.cost': cost });
      this.records.push(this.record({ index, name, started, model: model.name, status: 'ok', usage, cost, ttftMs: outcome.ttftMs, privacy, error: null }));
      // A task route's teacher answering a step teaches its student, as on the route itself.
      if (spec.route !== undefined) this.gateway.tasks?.taught(spec.route, request, result.text, plan.privacy?.cloudView?.request, model.name);
      return { result, model, usage, cost };
    } catch (error) {
      const status: FlowStepRecord['status'] = this.call.signal.aborted ? 'cancelled' : timeout?.aborted ? 'timeout' : 'failed';
      const message = status === 'timeout' ? `timed out after ${options.timeoutMs} ms` : errorMessage(error);
      if (span) failSpan(span, error);
      this.recordUnanswered({ index, name, started, privacy }, plan.order[0]?.name ?? null, status, message);
      throw new StepFailure(name, status, status === 'timeout' ? new Error(message) : error);
    } finally {
      this.inFlight -= worst;
      span?.end();
    }
  }

  /** Starts a streaming step (the final answer): the stream's first part has arrived when this resolves. */
  async stream(name: string, spec: FlowStepConfig, request: ChatRequest): Promise<OpenStream> {
    const { span, inSpan, prepared } = await this.begin(name, spec, request);
    const { plan, worst, index, started, privacy } = prepared;
    const streaming = { ...request, stream: true };
    let outcome: StreamOutcome;
    try {
      outcome = await inSpan(() =>
        executeStream(plan, streaming, { signal: this.call.signal, requestId: `${this.call.caller.id}/${name}`, warn: this.warn }, this.deps()),
      );
    } catch (error) {
      this.inFlight -= worst;
      const status = this.call.signal.aborted ? 'cancelled' : 'failed';
      if (span) {
        failSpan(span, error);
        span.end();
      }
      this.recordUnanswered({ index, name, started, privacy }, plan.order[0]?.name ?? null, status, errorMessage(error));
      throw new StepFailure(name, status, error);
    }
    const ttftMs = performance.now() - started;
    let closed = false;
    return {
      outcome,
      model: outcome.model,
      close: (end) => {
        if (closed) return 0;
        closed = true;
        this.inFlight -= worst;
        const cost = costOf(end.usage, outcome.model.pricing);
        this.spent += cost;
        this.upstreamMs += performance.now() - started;
        if (span) {
          if (end.error !== null) failSpan(span, new Error(end.error));
          span.setAttributes({ 'gen_ai.request.model': outcome.model.name, 'tandem.cost': cost });
          span.end();
        }
        this.records.push(
          this.record({ index, name, started, model: outcome.model.name, status: end.status, usage: end.usage, cost, ttftMs, privacy, error: end.error }),
        );
        return cost;
      },
    };
  }

  /** Privacy, planning and the budget check of a step, before any model is called. */
  private async prepare(
    name: string,
    spec: FlowStepConfig,
    request: ChatRequest,
  ): Promise<{ plan: RoutePlan; worst: number; index: number; started: number; privacy: string | null; mayShadow: boolean }> {
    const index = this.nextIndex++;
    const started = performance.now();
    let privacy: string | null = null;
    try {
      if (this.call.signal.aborted) throw new GatewayError({ status: 499, code: 'client_closed', message: 'client closed the request' });
      const route = this.routeFor(spec);
      const ctx = policyContextFor(request, this.call.caller.headers, this.gateway.latency);
      const assessed = await prepareRoutePrivacy(route.policies, request, ctx);
      privacy = assessed?.action ?? null;
      if (this.pseudonymised && (privacy === null || privacy === 'none')) privacy = 'pseudonymised';
      let plan = await planRoute(route, request, ctx);
      if (this.gateway.governance) plan = this.gateway.governance.restrictPlan(this.call.caller.key ?? null, plan);
      let worst = 0;
      for (const model of plan.order) {
        worst = Math.max(worst, worstCaseCost({ promptTokens: ctx.promptTokens, maxOutputTokens: requestedOutputTokens(request, model), model }));
      }
      const left = this.reserved - this.spent - this.inFlight;
      // A relative epsilon: sums of float prices must not refuse a step that exactly fits.
      if (worst > left + this.reserved * 1e-9) {
        this.recordUnanswered({ index, name, started, privacy }, plan.order[0]?.name ?? null, 'skipped', 'the reservation cannot cover it');
        throw new FlowBudgetExhausted(name, worst, left);
      }
      this.inFlight += worst;
      return { plan, worst, index, started, privacy, mayShadow: !ctx.sensitive && plan.privacy?.localOnly !== true };
    } catch (error) {
      if (error instanceof FlowBudgetExhausted) throw error;
      const status = this.call.signal.aborted ? 'cancelled' : 'failed';
      this.recordUnanswered({ index, name, started, privacy }, null, status, errorMessage(error));
      throw new StepFailure(name, status, error);
    }
  }

  private deps(): ExecutionDeps {
    const { gateway } = this;
    return { adapters: gateway.adapters, breaker: gateway.breaker, latency: gateway.latency, verifier: gateway.verifier };
  }

  /** The row of a step that ended without an answer: no usage, no cost. */
  private recordUnanswered(
    at: { index: number; name: string; started: number; privacy: string | null },
    model: string | null,
    status: FlowStepRecord['status'],
    error: string,
  ): void {
    this.records.push(this.record({ ...at, model, status, usage: null, cost: 0, ttftMs: null, error }));
  }

  private record(r: {
    index: number;
    name: string;
    started: number;
    model: string | null;
    status: FlowStepRecord['status'];
    usage: Usage | null;
    cost: number;
    ttftMs: number | null;
    privacy: string | null;
    error: string | null;
  }): FlowStepRecord {
    const { caller } = this.call;
    return {
      parentId: caller.id,
      parentTime: caller.time,
      index: r.index,
      step: r.name,
      model: r.model,
      status: r.status,
      inputTokens: r.usage?.inputTokens ?? 0,
      outputTokens: r.usage?.outputTokens ?? 0,
      tokensEstimated: r.usage?.estimated ?? false,
      cost: r.cost,
      startMs: r.started - caller.started,
      durationMs: performance.now() - r.started,
      ttftMs: r.ttftMs,
      privacy: r.privacy,
      error: r.error === null ? null : r.error.slice(0, 500),
    };
  }
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
