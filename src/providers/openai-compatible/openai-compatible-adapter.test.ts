import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import type { OpenAICompatibleModelConfig } from '../../config/schema.js';
import type { ModelInfo } from '../../spec/model-info.js';
import { PoolRegistry } from '../http/pool-registry.js';
import { asRecord } from '../json-fields.js';
import { startFakeUpstream, type FakeUpstream } from '../testing/fake-upstream.js';
import { collect, conformanceTextRequest, context, rejection, runProviderConformance } from '../testing/provider-conformance.js';
import { createOpenAICompatibleAdapter } from './openai-compatible-adapter.js';

const pools = new PoolRegistry();

interface TestModel {
  baseUrl: string;
  timeoutMs?: number;
  apiKey?: string;
  headers?: Record<string, string>;
  embeddings?: boolean;
}

function makeAdapter(options: TestModel) {
  return createOpenAICompatibleAdapter({ ...adapterOptions(options), pools });
}

function adapterOptions(options: TestModel) {
  const config: OpenAICompatibleModelConfig = {
    provider: 'openai-compatible',
    model: 'gpt-4o-mini',
    base_url: options.baseUrl,
    api_key: options.apiKey,
    headers: options.headers ?? {},
    connections: 8,
    locality: 'cloud',
    context_window: 128_000,
    default_max_output_tokens: 1024,
    pricing: { input_per_1m: 0.15, output_per_1m: 0.6 },
    capabilities: { stream: true, tools: true, json: true, vision: true, embeddings: options.embeddings ?? false },
    timeout_ms: options.timeoutMs ?? 5_000,
  };
  const info: ModelInfo = {
    name: 'mini',
    upstreamModel: 'gpt-4o-mini',
    provider: 'openai-compatible',
    locality: 'cloud',
    contextWindow: 128_000,
    defaultMaxOutputTokens: 1024,
    pricing: { inputPer1M: 0.15, outputPer1M: 0.6, cachedInputPer1M: 0.075 },
    capabilities: config.capabilities,
    upstreamKey: new URL(options.baseUrl).origin,
    timeoutMs: config.timeout_ms,
  };
  return { name: 'mini', config, info };
}

runProviderConformance({
  name: 'openai-compatible',
  createAdapter: (baseUrl, overrides) => makeAdapter({ baseUrl: `${baseUrl}/v1`, ...overrides }),
  fixtures: {
    dir: fileURLToPath(new URL('./__fixtures__/', import.meta.url)),
    chatPath: '/v1/chat/completions',
    expected: {
      text: 'Paris — la Ville Lumière 🗼 — is the capital of France.',
      usage: { inputTokens: 1290, outputTokens: 15, cachedInputTokens: 1152, estimated: false },
      toolCalls: [
        { id: 'call_Z7mfXvKXWb3RJ2rYQyQKlHs1', name: 'get_weather', arguments: { location: 'Paris, France', unit: 'celsius' } },
        { id: 'call_4Yb1TcJrUqE6rMc2ZNGkIO7d', name: 'get_weather', arguments: { location: 'Tokyo, Japan', unit: 'celsius' } },
      ],
      toolCallText: '',
      textBeforeError: 'Paris — la Ville',
    },
  },
});

describe('openai-compatible adapter', () => {
  let upstream: FakeUpstream;
  before(async () => {
    upstream = await startFakeUpstream();
  });
  after(() => upstream.close());

  const okBody = {
    id: 'chatcmpl-1',
    object: 'chat.completion',
    model: 'gpt-4o-mini-2024-07-18',
    system_fingerprint: 'fp_1',
    choices: [
      {
        index: 0,
        message: { role: 'assistant', content: 'Hi', refusal: null },
        logprobs: { content: [{ token: 'Hi', logprob: -0.1, bytes: [72, 105], top_logprobs: [] }] },
        finish_reason: 'length',
      },
    ],
    usage: { prompt_tokens: 3, completion_tokens: 1, total_tokens: 4 },
  };

  test('sends the OpenAI body: upstream model id, params, unknown fields untouched, auth and config headers', async () => {
    upstream.on('/v1/chat/completions', { body: okBody });
    const adapter = makeAdapter({ baseUrl: `${upstream.url}/v1`, apiKey: 'sk-test', headers: { 'HTTP-Referer': 'https://example.org' } });
    const warnings: string[] = [];
    const result = await adapter.generate(
      {
        ...conformanceTextRequest,
        model: 'tandem/auto',
        params: { max_tokens: 32, temperature: 0.2, stop: ['\n'], seed: 7, n: 2, response_format: { type: 'json_object' } },
        extra: { top_k: 40, reasoning_effort: 'low', stream_options: { include_usage: true } },
      },
      context(undefined, warnings),
    );
    await adapter.close();
    const sent = upstream.requests.at(-1);
    assert.equal(sent?.headers.authorization, 'Bearer sk-test');
    assert.equal(sent?.headers['http-referer'], 'https://example.org');
    assert.deepEqual(sent?.json, {
      top_k: 40,
      reasoning_effort: 'low',
      model: 'gpt-4o-mini',
      messages: conformanceTextRequest.messages,
      temperature: 0.2,
      stop: ['\n'],
      seed: 7,
      response_format: { type: 'json_object' },
      max_tokens: 32,
    });
    assert.deepEqual(warnings, ['n=2 is not supported; one choice is generated']);
    assert.equal(result.finishReason.unified, 'length');
    assert.deepEqual(result.extra, { system_fingerprint: 'fp_1', logprobs: okBody.choices[0]?.logprobs });
    assert.deepEqual(result.usage, { inputTokens: 3, outputTokens: 1, estimated: false });
  });

  test('keeps max_completion_tokens when the client used it', async () => {
    upstream.on('/v1/chat/completions', { body: okBody });
    const adapter = makeAdapter({ baseUrl: `${upstream.url}/v1` });
    await adapter.generate({ ...conformanceTextRequest, params: { max_tokens: 100 }, extra: { max_completion_tokens: 500 } }, context());
    await adapter.close();
    const body = asRecord(upstream.requests.at(-1)?.json);
    assert.equal(body?.max_completion_tokens, 100);
    assert.equal('max_tokens' in (body ?? {}), false);
  });

  test('asks for stream usage only when the gateway wants it', async () => {
    upstream.on('/v1/chat/completions', { chunks: ['data: [DONE]\n\n'] });
    const adapter = makeAdapter({ baseUrl: `${upstream.url}/v1` });
    await collect(adapter.stream(conformanceTextRequest, context()));
    assert.deepEqual(asRecord(upstream.requests.at(-1)?.json)?.stream_options, { include_usage: true });
    await collect(adapter.stream(conformanceTextRequest, { ...context(), requestStreamUsage: false }));
    const body = asRecord(upstream.requests.at(-1)?.json);
    assert.equal(body?.stream, true);
    assert.equal(body?.stream_options, undefined);
    await adapter.close();
  });

  test('a stream that ends with no events still starts and finishes with reason other', async () => {
    upstream.on('/v1/chat/completions', { chunks: [': just a comment\n\n'] });
    const adapter = makeAdapter({ baseUrl: `${upstream.url}/v1` });
    const streamed = await collect(adapter.stream(conformanceTextRequest, context()));
    await adapter.close();
    assert.deepEqual(streamed.parts, [{ type: 'start' }, { type: 'finish', finishReason: { unified: 'other', raw: undefined } }]);
  });

  test('an `event: error` line and a JSON answer to a stream request are errors, not empty streams', async () => {
    const adapter = makeAdapter({ baseUrl: `${upstream.url}/v1` });
    upstream.on('/v1/chat/completions', { chunks: ['event: error\ndata: {"message":"overloaded"}\n\n'] });
    const streamed = await collect(adapter.stream(conformanceTextRequest, context()));
    assert.match(streamed.error?.message ?? '', /overloaded/);

    upstream.on('/v1/chat/completions', { body: { error: { message: 'model not loaded' } } });
    const error = await rejection(collect(adapter.stream(conformanceTextRequest, context())));
    assert.equal(error.kind, 'protocol');
    assert.match(error.message, /model not loaded/);
    await adapter.close();
  });

  test('models on one origin share one pool; the pool closes with the last adapter', async () => {
    const registry = new PoolRegistry();
    const base = { baseUrl: `${upstream.url}/v1` };
    const a = createOpenAICompatibleAdapter({ ...adapterOptions(base), pools: registry });
    const b = createOpenAICompatibleAdapter({ ...adapterOptions({ ...base, timeoutMs: 1_000 }), pools: registry });
    assert.equal(registry.size, 1);
    await a.close();
    await a.close();
    assert.equal(registry.size, 1);
    await b.close();
    assert.equal(registry.size, 0);
  });

  test('keeps connections alive across calls', async () => {
    const fresh = await startFakeUpstream();
    const adapter = makeAdapter({ baseUrl: `${fresh.url}/v1` });
    try {
      fresh.on('/v1/chat/completions', (request) =>
        asRecord(request.json)?.stream === true
          ? { chunks: ['data: {"choices":[{"index":0,"delta":{"content":"Hi"}}]}\n\n', 'data: [DONE]\n\n'] }
          : { body: okBody },
      );
      for (let i = 0; i < 6; i++) {
        await adapter.generate(conformanceTextRequest, context());
        const streamed = await collect(adapter.stream(conformanceTextRequest, context()));
        assert.equal(streamed.text, 'Hi');
      }
      assert.equal(fresh.requests.length, 12);
      // undici may open a second socket when a call starts in the same tick the previous response ended,
      // but sequential calls never need a new connection each.
      assert.ok(fresh.connections <= 2, `12 calls used ${fresh.connections} connections`);
    } finally {
      await adapter.close();
      await fresh.close();
    }
  });

  test('embeddings: POST /embeddings, rows in index order, usage', async () => {
    upstream.on('/v1/embeddings', {
      body: {
        object: 'list',
        data: [
          { object: 'embedding', index: 1, embedding: [0.3, 0.4] },
          { object: 'embedding', index: 0, embedding: [0.1, 0.2] },
        ],
        model: 'text-embedding-3-small',
        usage: { prompt_tokens: 5, total_tokens: 5 },
      },
    });
    const adapter = makeAdapter({ baseUrl: `${upstream.url}/v1`, embeddings: true });
    assert.ok(adapter.embed);
    const result = await adapter.embed(['a', 'b'], context());
    await adapter.close();
    assert.deepEqual(result.embeddings, [
      [0.1, 0.2],
      [0.3, 0.4],
    ]);
    assert.deepEqual(result.usage, { inputTokens: 5, estimated: false });
    assert.deepEqual(upstream.requests.at(-1)?.json, { model: 'gpt-4o-mini', input: ['a', 'b'] });
    const chatOnly = makeAdapter({ baseUrl: `${upstream.url}/v1` });
    assert.equal(chatOnly.embed, undefined);
    await chatOnly.close();
  });
});
