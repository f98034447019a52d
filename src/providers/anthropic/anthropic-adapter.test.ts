import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import type { AnthropicModelConfig } from '../../config/schema.js';
import type { ChatRequest } from '../../spec/chat-request.js';
import type { ModelInfo } from '../../spec/model-info.js';
import { PoolRegistry } from '../http/pool-registry.js';
import { asRecord } from '../json-fields.js';
import { startFakeUpstream, type FakeUpstream } from '../testing/fake-upstream.js';
import { collect, conformanceTextRequest, context, rejection, runProviderConformance } from '../testing/provider-conformance.js';
import { createAnthropicAdapter } from './anthropic-adapter.js';

const pools = new PoolRegistry();

function makeAdapter(options: { baseUrl: string; timeoutMs?: number; apiKey?: string }) {
  const config: AnthropicModelConfig = {
    provider: 'anthropic',
    model: 'claude-sonnet-4-20250514',
    base_url: options.baseUrl,
    api_key: options.apiKey ?? 'sk-ant-test',
    api_version: '2023-06-01',
    headers: { 'anthropic-beta': 'prompt-caching-2024-07-31' },
    connections: 8,
    locality: 'cloud',
    context_window: 200_000,
    default_max_output_tokens: 4096,
    pricing: { input_per_1m: 3, output_per_1m: 15, cached_input_per_1m: 0.3 },
    capabilities: { stream: true, tools: true, json: true, vision: true, embeddings: false },
    timeout_ms: options.timeoutMs ?? 5_000,
  };
  const info: ModelInfo = {
    name: 'sonnet',
    upstreamModel: 'claude-sonnet-4-20250514',
    provider: 'anthropic',
    locality: 'cloud',
    contextWindow: 200_000,
    defaultMaxOutputTokens: 4096,
    pricing: { inputPer1M: 3, outputPer1M: 15, cachedInputPer1M: 0.3 },
    capabilities: config.capabilities,
    upstreamKey: new URL(options.baseUrl).origin,
    timeoutMs: config.timeout_ms,
  };
  return createAnthropicAdapter({ name: 'sonnet', config, info, pools });
}

runProviderConformance({
  name: 'anthropic',
  createAdapter: (baseUrl, overrides) => makeAdapter({ baseUrl, ...overrides }),
  fixtures: {
    dir: fileURLToPath(new URL('./__fixtures__/', import.meta.url)),
    chatPath: '/v1/messages',
    expected: {
      text: 'Paris — la Ville Lumière 🗼 — is the capital of France.',
      usage: { inputTokens: 21 + 1843, outputTokens: 18, cachedInputTokens: 1843, cacheWriteTokens: 0, estimated: false },
      toolCalls: [
        { id: 'toolu_01A09q90qw90lq917835lq9', name: 'get_weather', arguments: { location: 'Paris, France', unit: 'celsius' } },
        { id: 'toolu_01T1x1fJ34qAmk2tNTrN7Up6', name: 'get_weather', arguments: { location: 'Tokyo, Japan', unit: 'celsius' } },
      ],
      toolCallText: "I'll check the current weather in both cities for you.",
      textBeforeError: 'Paris — la Ville Lumière',
    },
  },
});

const okMessage = {
  id: 'msg_1',
  type: 'message',
  role: 'assistant',
  model: 'claude-sonnet-4-20250514',
  content: [{ type: 'text', text: 'ok' }],
  stop_reason: 'end_turn',
  stop_sequence: null,
  usage: { input_tokens: 10, output_tokens: 1 },
};

describe('anthropic adapter', () => {
  let upstream: FakeUpstream;
  before(async () => {
    upstream = await startFakeUpstream({ '/v1/messages': { body: okMessage } });
  });
  after(() => upstream.close());

  async function sent(request: ChatRequest, options: { stream?: boolean } = {}) {
    const adapter = makeAdapter({ baseUrl: upstream.url });
    const warnings: string[] = [];
    if (options.stream) await collect(adapter.stream(request, context(undefined, warnings))).catch(() => undefined);
    else await adapter.generate(request, context(undefined, warnings));
    await adapter.close();
    const last = upstream.requests.at(-1);
    return { body: asRecord(last?.json) ?? {}, headers: last?.headers ?? {}, warnings };
  }

  test('headers: x-api-key, anthropic-version and the configured headers', async () => {
    const { headers } = await sent(conformanceTextRequest);
    assert.equal(headers['x-api-key'], 'sk-ant-test');
    assert.equal(headers['anthropic-version'], '2023-06-01');
    assert.equal(headers['anthropic-beta'], 'prompt-caching-2024-07-31');
    assert.equal(headers.authorization, undefined);
  });

  test('system and developer messages become `system`; params map; max_tokens defaults', async () => {
    const { body, warnings } = await sent({
      ...conformanceTextRequest,
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'developer', content: [{ type: 'text', text: 'Use metric units.' }] },
        { role: 'user', content: 'Hi' },
      ],
      params: { temperature: 1.5, top_p: 0.9, stop: ['END'], seed: 1, user: 'u-42' },
      extra: { top_k: 5, store: true, max_completion_tokens: 10 },
    });
    assert.deepEqual(body.system, [
      { type: 'text', text: 'Be brief.' },
      { type: 'text', text: 'Use metric units.' },
    ]);
    assert.deepEqual(body.messages, [{ role: 'user', content: [{ type: 'text', text: 'Hi' }] }]);
    assert.equal(body.max_tokens, 4096);
    assert.equal(body.temperature, 1);
    assert.equal(body.top_p, 0.9);
    assert.equal(body.top_k, 5);
    assert.deepEqual(body.stop_sequences, ['END']);
    assert.deepEqual(body.metadata, { user_id: 'u-42' });
    assert.equal(body.model, 'claude-sonnet-4-20250514');
    assert.equal('seed' in body || 'store' in body || 'max_completion_tokens' in body, false);
    assert.deepEqual(
      warnings.sort(),
      [
        'store is not supported by Anthropic and was ignored',
        'seed is not supported by Anthropic and was ignored',
        "temperature 1.5 is above Anthropic's maximum; sent as 1",
      ].sort(),
    );
  });

  test('images: data URLs → base64 source, http URLs → url source', async () => {
    const { body } = await sent({
      ...conformanceTextRequest,
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'Compare these.' },
            { type: 'image_url', image_url: { url: 'data:image/png;base64,iVBORw0KGgo=' } },
            { type: 'image_url', image_url: { url: 'https://example.org/cat.jpg', detail: 'high' } },
          ],
        },
      ],
    });
    assert.deepEqual(body.messages, [
      {
        role: 'user',
        content: [
          { type: 'text', text: 'Compare these.' },
          { type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'iVBORw0KGgo=' } },
          { type: 'image', source: { type: 'url', url: 'https://example.org/cat.jpg' } },
        ],
      },
    ]);
  });

  test('tool calls and results round-trip: tool_use blocks, merged tool_result user turn, tools and tool_choice', async () => {
    const { body } = await sent({
      ...conformanceTextRequest,
      messages: [
        { role: 'user', content: 'Weather in Paris and Tokyo?' },
        {
          role: 'assistant',
          content: 'Checking.  ',
          tool_calls: [
            { id: 'toolu_1', type: 'function', function: { name: 'get_weather', arguments: '{"location":"Paris"}' } },
            { id: 'toolu_2', type: 'function', function: { name: 'get_weather', arguments: '{"location":"Tokyo"}' } },
          ],
        },
        { role: 'tool', tool_call_id: 'toolu_1', content: '18°C' },
        { role: 'tool', tool_call_id: 'toolu_2', content: [{ type: 'text', text: '24°C' }] },
        { role: 'user', content: 'And tomorrow?' },
      ],
      params: {
        tools: [{ type: 'function', function: { name: 'get_weather', description: 'Weather', parameters: { type: 'object' } } }],
        tool_choice: { type: 'function', function: { name: 'get_weather' } },
        parallel_tool_calls: false,
      },
    });
    assert.deepEqual(body.messages, [
      { role: 'user', content: [{ type: 'text', text: 'Weather in Paris and Tokyo?' }] },
      {
        role: 'assistant',
        content: [
          { type: 'text', text: 'Checking.  ' },
          { type: 'tool_use', id: 'toolu_1', name: 'get_weather', input: { location: 'Paris' } },
          { type: 'tool_use', id: 'toolu_2', name: 'get_weather', input: { location: 'Tokyo' } },
        ],
      },
      {
        role: 'user',
        content: [
          { type: 'tool_result', tool_use_id: 'toolu_1', content: '18°C' },
          { type: 'tool_result', tool_use_id: 'toolu_2', content: [{ type: 'text', text: '24°C' }] },
          { type: 'text', text: 'And tomorrow?' },
        ],
      },
    ]);
    assert.deepEqual(body.tools, [{ name: 'get_weather', input_schema: { type: 'object' }, description: 'Weather' }]);
    assert.deepEqual(body.tool_choice, { type: 'tool', name: 'get_weather', disable_parallel_tool_use: true });
  });

  test('tool_choice: auto → auto, required → any, none → none', async () => {
    const tools = [{ type: 'function' as const, function: { name: 'f', parameters: { type: 'object' } } }];
    for (const [choice, expected] of [
      ['auto', { type: 'auto' }],
      ['required', { type: 'any' }],
      ['none', { type: 'none' }],
    ] as const) {
      const { body } = await sent({ ...conformanceTextRequest, params: { tools, tool_choice: choice } });
      assert.deepEqual(body.tool_choice, expected);
    }
  });

  test('a trailing assistant prefill loses trailing whitespace; consecutive user turns merge', async () => {
    const { body } = await sent({
      ...conformanceTextRequest,
      messages: [
        { role: 'user', content: 'One.' },
        { role: 'user', content: 'Two.' },
        { role: 'assistant', content: 'The answer is ' },
      ],
    });
    assert.deepEqual(body.messages, [
      {
        role: 'user',
        content: [
          { type: 'text', text: 'One.' },
          { type: 'text', text: 'Two.' },
        ],
      },
      { role: 'assistant', content: [{ type: 'text', text: 'The answer is' }] },
    ]);
  });

  test('response_format json_schema is enforced with a forced tool and comes back as text', async () => {
    const schema = { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] };
    upstream.on('/v1/messages', (request) =>
      asRecord(request.json)?.stream === true
        ? {
            chunks: [
              'event: message_start\ndata: {"type":"message_start","message":{"id":"msg_j","model":"claude","usage":{"input_tokens":5,"output_tokens":1}}}\n\n',
              'event: content_block_start\ndata: {"type":"content_block_start","index":0,"content_block":{"type":"tool_use","id":"toolu_j","name":"json_response","input":{}}}\n\n',
              'event: content_block_delta\ndata: {"type":"content_block_delta","index":0,"delta":{"type":"input_json_delta","partial_json":"{\\"city\\": "}}\n\n',
              'event: content_block_delta\ndata: {"type":"content_block_delta","index":0,"delta":{"type":"input_json_delta","partial_json":"\\"Paris\\"}"}}\n\n',
              'event: content_block_stop\ndata: {"type":"content_block_stop","index":0}\n\n',
              'event: message_delta\ndata: {"type":"message_delta","delta":{"stop_reason":"tool_use"},"usage":{"output_tokens":9}}\n\n',
              'event: message_stop\ndata: {"type":"message_stop"}\n\n',
            ],
          }
        : {
            body: {
              ...okMessage,
              content: [{ type: 'tool_use', id: 'toolu_j', name: 'json_response', input: { city: 'Paris' } }],
              stop_reason: 'tool_use',
            },
          },
    );
    const request: ChatRequest = {
      ...conformanceTextRequest,
      params: { response_format: { type: 'json_schema', json_schema: { name: 'answer', schema } } },
    };
    const adapter = makeAdapter({ baseUrl: upstream.url });
    const result = await adapter.generate(request, context());
    const body = asRecord(upstream.requests.at(-1)?.json);
    assert.deepEqual(body?.tool_choice, { type: 'tool', name: 'json_response' });
    assert.deepEqual(asRecord((body?.tools as unknown[] | undefined)?.[0])?.input_schema, schema);
    assert.deepEqual(JSON.parse(result.text), { city: 'Paris' });
    assert.deepEqual(result.toolCalls, []);
    assert.equal(result.finishReason.unified, 'stop');

    const streamed = await collect(adapter.stream(request, context()));
    assert.deepEqual(JSON.parse(streamed.text), { city: 'Paris' });
    assert.equal(streamed.toolCalls.size, 0);
    assert.equal(streamed.finish?.finishReason.unified, 'stop');
    await adapter.close();
    upstream.on('/v1/messages', { body: okMessage });
  });

  test('stop reasons: max_tokens → length, refusal → content-filter, stop_sequence → stop', async () => {
    const adapter = makeAdapter({ baseUrl: upstream.url });
    for (const [raw, unified] of [
      ['max_tokens', 'length'],
      ['refusal', 'content-filter'],
      ['stop_sequence', 'stop'],
    ] as const) {
      upstream.on('/v1/messages', { body: { ...okMessage, stop_reason: raw } });
      const result = await adapter.generate(conformanceTextRequest, context());
      assert.deepEqual(result.finishReason, { unified, raw });
    }
    await adapter.close();
    upstream.on('/v1/messages', { body: okMessage });
  });

  test('529 overloaded is retryable; the error event status follows its type', async () => {
    const adapter = makeAdapter({ baseUrl: upstream.url });
    upstream.on('/v1/messages', {
      status: 529,
      body: { type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } },
    });
    const error = await rejection(adapter.generate(conformanceTextRequest, context()));
    assert.equal(error.statusCode, 529);
    assert.equal(error.isRetryable, true);
    assert.match(error.message, /Overloaded/);

    upstream.on('/v1/messages', {
      chunks: ['event: error\ndata: {"type":"error","error":{"type":"invalid_request_error","message":"bad"}}\n\n'],
    });
    const streamed = await collect(adapter.stream(conformanceTextRequest, context()));
    assert.equal(streamed.error?.statusCode, 400);
    assert.equal(streamed.error?.isRetryable, false);
    await adapter.close();
    upstream.on('/v1/messages', { body: okMessage });
  });

  test('a base_url that already ends in /v1 is not doubled', async () => {
    const adapter = makeAdapter({ baseUrl: `${upstream.url}/v1` });
    await adapter.generate(conformanceTextRequest, context());
    await adapter.close();
    assert.equal(upstream.requests.at(-1)?.path, '/v1/messages');
  });
});
