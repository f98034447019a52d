/**
 * What counts against an upstream: only what the upstream did (a ProviderError). A failure thrown on
 * Tandem's side of the call is a 500 (or the adapter's own GatewayError) and leaves the circuit, a half-open
 * probe slot and the latency tracker as they were.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { policyContextFor } from '../gateway/policy-context.js';
import { modelSchema } from '../config/schema.js';
import { modelInfoFromConfig } from '../providers/model-info-from-config.js';
import type { ProviderAdapter } from '../providers/provider-adapter.js';
import type { ChatRequest } from '../spec/chat-request.js';
import { GatewayError, ProviderError } from '../spec/errors.js';
import { CircuitBreaker } from './circuit-breaker.js';
import { executeGenerate, type CallOptions } from './execute-plan.js';
import { LatencyTracker } from './latency-tracker.js';
import { planRoute } from './plan-route.js';
import { implicitRoute } from './route-runtime.js';

const info = modelInfoFromConfig(
  'cloud',
  modelSchema.parse({
    provider: 'openai-compatible',
    base_url: 'http://127.0.0.1:9/v1',
    model: 'gpt-4o',
    locality: 'cloud',
    context_window: 8_000,
    pricing: { input_per_1m: 1, output_per_1m: 2 },
  }),
);
const request: ChatRequest = { model: 'cloud', messages: [{ role: 'user', content: 'hi' }], stream: false, includeUsage: false, params: {}, extra: {} };
const call: CallOptions = { signal: new AbortController().signal, requestId: 'req-1', warn: () => undefined };

function adapterThrowing(error: () => unknown): ProviderAdapter {
  return {
    info,
    generate: async () => {
      throw error();
    },
    // biome-ignore lint/correctness/useYield: an upstream stream that fails before its first part
    stream: async function* () {
      throw error();
    },
    close: async () => undefined,
  };
}

async function run(adapter: ProviderAdapter, breaker: CircuitBreaker, latency = new LatencyTracker()): Promise<GatewayError> {
  const plan = await planRoute(implicitRoute(info), request, policyContextFor(request, {}, latency));
  const deps = { adapters: new Map([['cloud', adapter]]), breaker, latency, verifier: undefined, random: () => 0 };
  try {
    await executeGenerate(plan, request, call, deps);
  } catch (error) {
    if (error instanceof GatewayError) return error;
    throw error;
  }
  assert.fail('expected a GatewayError');
}

describe("failures on Tandem's side of an upstream call", () => {
  test('a bug while building the request: generic 500, circuit and latency untouched, however often', async () => {
    const breaker = new CircuitBreaker({ failureThreshold: 1, cooldownMs: 60_000 });
    const latency = new LatencyTracker();
    const errors = console.error;
    console.error = () => undefined; // the detail goes to the operator's log
    try {
      for (let i = 0; i < 5; i++) {
        const error = await run(
          adapterThrowing(() => new TypeError('cannot read properties of undefined (secret detail)')),
          breaker,
          latency,
        );
        assert.equal(error.status, 500);
        assert.equal(error.code, 'internal_error');
        assert.doesNotMatch(error.message, /secret detail/);
        assert.match(error.message, /the model was not at fault/);
      }
    } finally {
      console.error = errors;
    }
    assert.equal(breaker.state(info.upstreamKey), 'closed');
    assert.equal(latency.ttftP90('cloud', 1), undefined);
  });

  test("the engine's stack limit (deep input) is the client's 400; an adapter's own GatewayError passes as is", async () => {
    const breaker = new CircuitBreaker({ failureThreshold: 1, cooldownMs: 60_000 });
    const deep = await run(
      adapterThrowing(() => new RangeError('Maximum call stack size exceeded')),
      breaker,
    );
    assert.equal(deep.status, 400);
    assert.equal(deep.code, 'request_too_complex');
    const refused = await run(
      adapterThrowing(() => new GatewayError({ status: 400, param: 'messages', message: 'no' })),
      breaker,
    );
    assert.equal(refused.param, 'messages');
    assert.equal(breaker.state(info.upstreamKey), 'closed');
  });

  test("a half-open probe that fails on Tandem's side frees its slot and leaves the circuit half-open", async () => {
    let now = 0;
    const breaker = new CircuitBreaker({ failureThreshold: 1, cooldownMs: 1_000, now: () => now });
    // The upstream's own failure opens it.
    const upstream = await run(
      adapterThrowing(() => new ProviderError({ provider: 'cloud', statusCode: 503, message: 'overloaded' })),
      breaker,
    );
    assert.equal(upstream.status, 503);
    assert.equal(breaker.state(info.upstreamKey), 'open');
    now = 2_000;
    const errors = console.error;
    console.error = () => undefined;
    try {
      assert.equal(
        (
          await run(
            adapterThrowing(() => new TypeError('bug')),
            breaker,
          )
        ).status,
        500,
      );
    } finally {
      console.error = errors;
    }
    assert.equal(breaker.state(info.upstreamKey), 'half-open');
    assert.equal(breaker.tryAcquire(info.upstreamKey), true, 'the probe slot is free again');
  });
});

describe('time waited on upstreams', () => {
  test("a retry-after wait counts as upstream time, so it never shows as Tandem's overhead", async () => {
    let calls = 0;
    const adapter: ProviderAdapter = {
      info,
      generate: async () => {
        calls++;
        if (calls === 1) throw new ProviderError({ provider: 'cloud', statusCode: 503, message: 'busy', retryAfterMs: 120 });
        return { id: 'r1', model: 'gpt-4o', text: 'ok', toolCalls: [], finishReason: { unified: 'stop', raw: 'stop' } };
      },
      stream: async function* () {
        yield* [];
      },
      close: async () => undefined,
    };
    const latency = new LatencyTracker();
    const plan = await planRoute(implicitRoute(info), request, policyContextFor(request, {}, latency));
    const deps = {
      adapters: new Map([['cloud', adapter]]),
      breaker: new CircuitBreaker({ failureThreshold: 5, cooldownMs: 60_000 }),
      latency,
      verifier: undefined,
      random: () => 0,
    };
    const outcome = await executeGenerate(plan, request, call, deps);
    assert.equal(calls, 2);
    const attemptsMs = outcome.attempts.reduce((sum, a) => sum + a.durationMs, 0);
    // Overhead is total minus upstreamMs: the 120 ms wait between the attempts must be in upstreamMs.
    // (Timers may fire up to a millisecond early against performance.now().)
    assert.ok(outcome.upstreamMs >= attemptsMs + 115, `upstreamMs ${outcome.upstreamMs} = attempts ${attemptsMs} + the 120 ms wait`);
  });
});
