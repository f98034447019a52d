/**
 * Generated bad input over real HTTP: valid OpenAI and Anthropic bodies with random edits, a tenth of them also with an
 * oversized shape (nesting up to 10,000 levels deep, a list one past its server.max_* limit; those past
 * server.max_json_depth must get 400 json_too_deep, and no upstream's circuit may open), sent to every JSON endpoint
 * and every kind of route (scored with privacy pseudonymisation, rules, weighted, an Anthropic model),
 * streamed and not, and to the admin API's key creation. Whatever the edit, the answer is a success or
 * a 4xx in the API's own error shape (Anthropic's on /v1/messages, OpenAI's elsewhere; a 502 only where the upstream itself refused), never a 500, and never in
 * zod's own words; the server keeps serving; and every chat request that got an answer has its row. FUZZ_REQUESTS (default 400 per endpoint) and FUZZ_SEED widen a search.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { request } from 'undici';
import { startFakeUpstream, type FakeUpstream } from '../src/providers/testing/fake-upstream.js';
import { seededRandom } from '../src/testing/seeded-random.js';
import { startGateway, twoModelConfig, type Harness } from './helpers/gateway-harness.js';
import { startEchoUpstream } from './helpers/openai-upstream.js';
import { mutate, pick, type Json } from './helpers/request-mutator.js';
import { shapeEdit, type ShapedBody } from './helpers/shape-mutator.js';
import { DEFAULT_SHAPE_LIMITS } from '../src/api/json-shape-limits.js';

const COUNT = Number(process.env.FUZZ_REQUESTS ?? 400);
const SEED = Number(process.env.FUZZ_SEED ?? 20261205);
/** Share of generated bodies that also get an oversized shape: deep nesting or a list past its limit. */
const SHAPE_SHARE = 0.1;
/** The endpoints that answer through the chat pipeline: each answered request has a log row. */
const CHAT_ENDPOINTS = new Set(['/v1/chat/completions', '/v1/messages', '/v1/responses']);
const fixture = (name: string): unknown => JSON.parse(readFileSync(new URL(`../src/providers/anthropic/__fixtures__/${name}`, import.meta.url), 'utf8'));

const ROUTES = ['tandem/auto', 'by-rules', 'split', 'claude', 'small', 'large'];

const tool: Json = {
  type: 'function',
  function: {
    name: 'get_weather',
    description: 'Weather for a city',
    parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
  },
};
const CHAT_BODIES: Json[] = [
  { model: 'tandem/auto', messages: [{ role: 'user', content: 'Hello, my email is ana@example.com' }] },
  {
    model: 'claude',
    messages: [
      { role: 'system', content: 'Be brief.' },
      {
        role: 'user',
        content: [
          { type: 'text', text: 'What is in this picture?' },
          { type: 'image_url', image_url: { url: 'data:image/png;base64,iVBORw0KGgo=', detail: 'low' } },
        ],
      },
    ],
    max_tokens: 50,
    temperature: 0.2,
    stop: ['\n\n'],
    metadata: { team: 'search' },
  },
  {
    model: 'large',
    messages: [
      { role: 'user', content: 'Weather in Paris?' },
      { role: 'assistant', content: null, tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } }] },
      { role: 'tool', tool_call_id: 'call_1', content: '18C and sunny' },
    ],
    tools: [tool],
    tool_choice: { type: 'function', function: { name: 'get_weather' } },
    parallel_tool_calls: false,
  },
  {
    model: 'by-rules',
    messages: [
      { role: 'developer', content: 'Answer in JSON.' },
      { role: 'user', content: 'List three colours.' },
    ],
    response_format: {
      type: 'json_schema',
      json_schema: { name: 'colours', schema: { type: 'object', properties: { colours: { type: 'array', items: { type: 'string' } } } }, strict: true },
    },
    seed: 7,
    top_p: 0.9,
    user: 'user-42',
  },
  {
    model: 'split',
    messages: [{ role: 'user', content: 'Tell me a story about a cat.' }],
    stream: true,
    stream_options: { include_usage: true },
    max_completion_tokens: 64,
    metadata: { sensitive: 'false' },
  },
  { model: 'claude', messages: [{ role: 'user', content: 'Weather in Oslo?' }], tools: [tool], tool_choice: 'auto', stream: true },
];
const anthropicTool: Json = {
  name: 'get_weather',
  description: 'Weather for a city',
  input_schema: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
};
const MESSAGES_BODIES: Json[] = [
  { model: 'tandem/auto', max_tokens: 64, messages: [{ role: 'user', content: 'Hello, my email is ana@example.com' }] },
  {
    model: 'claude',
    max_tokens: 50,
    system: [{ type: 'text', text: 'Be brief.' }],
    messages: [
      {
        role: 'user',
        content: [
          { type: 'text', text: 'What is in this picture?' },
          { type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'iVBORw0KGgo=' } },
        ],
      },
    ],
    temperature: 0.2,
    top_k: 5,
    stop_sequences: ['\n\n'],
    metadata: { user_id: 'user-42' },
  },
  {
    model: 'large',
    max_tokens: 64,
    messages: [
      { role: 'user', content: 'Weather in Paris?' },
      { role: 'assistant', content: [{ type: 'tool_use', id: 'toolu_1', name: 'get_weather', input: { city: 'Paris' } }] },
      { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_1', content: '18C and sunny' }] },
    ],
    tools: [anthropicTool],
    tool_choice: { type: 'tool', name: 'get_weather', disable_parallel_tool_use: true },
  },
  { model: 'split', max_tokens: 64, stream: true, messages: [{ role: 'user', content: 'Tell me a story about a cat.' }] },
  {
    model: 'claude',
    max_tokens: 64,
    stream: true,
    tools: [anthropicTool],
    tool_choice: { type: 'auto' },
    messages: [{ role: 'user', content: 'Weather in Oslo?' }],
  },
];
const COUNT_TOKENS_BODIES: Json[] = MESSAGES_BODIES.map((body) => {
  const { max_tokens: _max, stream: _stream, temperature: _t, top_k: _k, stop_sequences: _s, metadata: _m, ...rest } = body as Record<string, Json>;
  return rest;
});
const functionTool: Json = {
  type: 'function',
  name: 'get_weather',
  description: 'Weather for a city',
  parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
  strict: false,
};
const RESPONSES_BODIES: Json[] = [
  { model: 'tandem/auto', input: 'Hello, my email is ana@example.com' },
  {
    model: 'claude',
    instructions: 'Be brief.',
    input: [
      {
        role: 'user',
        content: [
          { type: 'input_text', text: 'What is in this picture?' },
          { type: 'input_image', image_url: 'data:image/png;base64,iVBORw0KGgo=', detail: 'low' },
        ],
      },
    ],
    max_output_tokens: 50,
    temperature: 0.2,
    store: false,
    metadata: { team: 'search' },
  },
  {
    model: 'large',
    input: [
      { role: 'user', content: 'Weather in Paris?' },
      { type: 'function_call', call_id: 'call_1', name: 'get_weather', arguments: '{"city":"Paris"}' },
      { type: 'function_call_output', call_id: 'call_1', output: '18C and sunny' },
    ],
    tools: [functionTool],
    tool_choice: { type: 'function', name: 'get_weather' },
    parallel_tool_calls: false,
  },
  {
    model: 'by-rules',
    input: [
      { role: 'developer', content: 'Answer in JSON.' },
      { role: 'user', content: 'List three colours.' },
    ],
    text: {
      format: {
        type: 'json_schema',
        name: 'colours',
        schema: { type: 'object', properties: { colours: { type: 'array', items: { type: 'string' } } } },
        strict: true,
      },
    },
    top_p: 0.9,
    user: 'user-42',
  },
  { model: 'split', input: 'Tell me a story about a cat.', stream: true, max_output_tokens: 64 },
  { model: 'claude', input: 'Weather in Oslo?', tools: [functionTool], tool_choice: 'auto', stream: true },
];
const ROUTE_BODIES: Json[] = CHAT_BODIES.map((body) => ({ ...(body as Record<string, Json>), prompt: 'Hello' }));
const KEY_BODIES: Json[] = [
  {
    name: 'ci',
    routes: ['tandem/auto'],
    models: ['large'],
    limits: { requests_per_minute: 60, tokens_per_minute: 10_000, spend_per_day: 5, spend_per_month: 50 },
    expires_at: '2099-01-01',
  },
  { name: 'batch', expires_at: 4_102_444_800_000 },
];
const ADMIN = { authorization: 'Bearer admin-secret-for-the-fuzz-test' };
const EMBEDDING_BODIES: Json[] = [
  { model: 'large', input: 'hello world' },
  { model: 'large', input: ['a', 'b'], encoding_format: 'float', dimensions: 8 },
];

interface Reply {
  status: number;
  text: string;
  contentType: string;
}

const ANTHROPIC_ERROR_TYPES = new Set([
  'invalid_request_error',
  'authentication_error',
  'permission_error',
  'not_found_error',
  'request_too_large',
  'rate_limit_error',
  'api_error',
  'overloaded_error',
]);

interface Outcome {
  path: string;
  /** What the shape generator put in, if anything. */
  shaped: ShapedBody | null;
  body: string;
  headers: Record<string, string>;
  reply: Reply;
}

describe('generated bad input', () => {
  let openai: FakeUpstream;
  let anthropic: FakeUpstream;
  let h: Harness;
  const failures: string[] = [];
  let answeredChats = 0;

  before(async () => {
    openai = await startEchoUpstream();
    openai.on('/v1/embeddings', (recorded) => {
      const { input } = recorded.json as { input: string[] };
      return {
        body: {
          object: 'list',
          data: input.map((_, index) => ({ object: 'embedding', index, embedding: [0.1, 0.2] })),
          model: 'x',
          usage: { prompt_tokens: 2, total_tokens: 2 },
        },
      };
    });
    const textChunks = readFileSync(new URL('../src/providers/anthropic/__fixtures__/text.chunks.txt', import.meta.url), 'utf8');
    anthropic = await startFakeUpstream({
      '/v1/messages': (recorded) => {
        const body = recorded.json as { stream?: boolean; tools?: unknown[] };
        if (body.stream) return { headers: { 'content-type': 'text/event-stream' }, chunks: [textChunks] };
        return { body: fixture(body.tools ? 'tool-call.json' : 'text.json') };
      },
    });
    const base = twoModelConfig(openai.url, openai.url);
    const large = base.models?.large;
    if (large?.provider !== 'openai-compatible') throw new Error('twoModelConfig changed: large is no longer openai-compatible');
    h = await startGateway({
      ...base,
      server: { admin_key: 'admin-secret-for-the-fuzz-test' },
      models: {
        ...base.models,
        large: { ...large, capabilities: { tools: true, json: true, vision: true, embeddings: true } },
        claude: {
          provider: 'anthropic',
          base_url: anthropic.url,
          model: 'claude-sonnet-4-20250514',
          api_key: 'sk-ant-test',
          locality: 'cloud',
          context_window: 200_000,
          pricing: { input_per_1m: 3, output_per_1m: 15 },
          capabilities: { tools: true, json: true, vision: true },
          timeout_ms: 2_000,
        },
      },
      routes: {
        'tandem/auto': {
          models: ['small', 'large', 'claude'],
          policies: [
            { type: 'privacy', mode: 'pseudonymise' },
            { type: 'context-fit' },
            { type: 'capability' },
            { type: 'budget', max_cost_per_request: 1 },
            { type: 'latency', max_ttft_ms: 5_000 },
          ],
          router: { type: 'scored', small: 'small', large: 'large', threshold: 0.5 },
          fallbacks: ['claude'],
        },
        'by-rules': {
          models: ['small', 'large'],
          policies: [{ type: 'privacy', mode: 'local-only' }],
          router: {
            type: 'rules',
            rules: [{ when: { metadata: { team: 'search' }, max_messages: 4, last_user_matches: 'colou?rs' }, model: 'large' }],
            default: 'small',
          },
        },
        split: { models: ['small', 'claude'], router: { type: 'weighted', weights: { small: 1, claude: 1 } } },
      },
    });
  });
  after(async () => {
    await h.close();
    await openai.close();
    await anthropic.close();
  });

  async function send(path: string, body: string, headers: Record<string, string> = {}): Promise<Reply> {
    const res = await request(`${h.url}${path}`, { method: 'POST', body, headers: { 'content-type': 'application/json', ...headers } });
    return { status: res.statusCode, text: await res.body.text(), contentType: String(res.headers['content-type'] ?? '') };
  }

  /** Records what is wrong with a reply, if anything: a 500, a 5xx the upstream did not cause, a shapeless error. */
  function check(outcome: Outcome): void {
    const { reply } = outcome;
    const problem = problemWith(reply, outcome.path) ?? depthProblem(outcome);
    if (problem)
      failures.push(
        `${problem}\n  request: ${outcome.body.slice(0, 600)}\n  headers: ${JSON.stringify(outcome.headers)}\n  reply: ${reply.status} ${reply.text.slice(0, 400)}`,
      );
  }

  function problemWith(reply: Reply, path: string): string | null {
    if (reply.status === 500) return 'a 500';
    if (reply.status >= 200 && reply.status < 300) return null;
    if (!reply.contentType.startsWith('application/json')) return `a ${reply.status} that is not JSON`;
    let parsed: { type?: unknown; error?: { message?: unknown; type?: unknown } };
    try {
      parsed = JSON.parse(reply.text) as typeof parsed;
    } catch {
      return `a ${reply.status} whose body does not parse`;
    }
    if (typeof parsed.error?.message !== 'string' || typeof parsed.error.type !== 'string') return `a ${reply.status} not in the API's error shape`;
    // Anthropic's shape: {"type": "error", "error": {"type", "message"}}, with its own type names.
    const anthropic = path.startsWith('/v1/messages');
    if (anthropic !== (parsed.type === 'error')) return `a ${reply.status} in the other API's error shape`;
    if (anthropic && !ANTHROPIC_ERROR_TYPES.has(parsed.error.type)) return `a ${reply.status} with an error type Anthropic does not have`;
    // zod's own words mean a field's problem went out undescribed (describe-request-issue.ts).
    if (/Invalid input|received (undefined|string|number|object|array|boolean|null)/.test(parsed.error.message))
      return `a ${reply.status} whose message is not clear`;
    // The echo upstream answers every chat request; a 5xx there means Tandem sent something it could not take.
    if (reply.status >= 500 && !/upstream|provider|model/i.test(parsed.error.message)) return `a ${reply.status} not caused by an upstream`;
    return null;
  }

  /** A body nested past server.max_json_depth is refused at the edge, on every endpoint, whatever else is wrong with it. */
  function depthProblem(outcome: Outcome): string | null {
    const depth = outcome.shaped?.depth ?? null;
    if (depth === null || depth <= DEFAULT_SHAPE_LIMITS.max_json_depth) return null;
    // OpenAI's shape carries it as `code`; Anthropic's, which has no code, at the end of the message.
    return outcome.reply.status === 400 && /"code":"json_too_deep"|\(json_too_deep\)"/.test(outcome.reply.text)
      ? null
      : `a body ${depth} levels deep not refused as too deep`;
  }

  function randomHeaders(random: () => number): Record<string, string> {
    const headers: Record<string, string> = {};
    if (random() < 0.2) headers['x-tandem-sensitive'] = pick(random, ['true', 'false', '1', 'yes', '', 'TRUE ', 'maybe']);
    if (random() < 0.2) headers['x-tandem-max-latency-ms'] = pick(random, ['10', '0', '-5', 'NaN', '1e309', '99999999999999999999', 'abc', '']);
    return headers;
  }

  /** Sends COUNT generated bodies; returns how many were answered with a 2xx. */
  async function fuzz(path: string, bases: readonly Json[], seed: number, fixedHeaders: Record<string, string> = {}): Promise<number> {
    const random = seededRandom(seed);
    failures.length = 0;
    let answered = 0;
    for (let i = 0; i < COUNT; i++) {
      const base = bases[i % bases.length] ?? null;
      const withRoute = random() < 0.3 && base !== null && typeof base === 'object' && !Array.isArray(base) ? { ...base, model: pick(random, ROUTES) } : base;
      const mutated = mutate(random, withRoute);
      const shaped = random() < SHAPE_SHARE ? shapeEdit(random, mutated) : null;
      const body = shaped?.text ?? JSON.stringify(mutated);
      const headers = { ...randomHeaders(random), ...fixedHeaders };
      const reply = await send(path, body, headers);
      check({ path, shaped, body, headers, reply });
      if (reply.status >= 300) continue;
      answered++;
      if (CHAT_ENDPOINTS.has(path)) answeredChats++;
    }
    return answered;
  }

  /** The generator must keep enough requests valid to reach routing, upstreams and the store. */
  function assertEnoughValid(answered: number, share = 0.1): void {
    assert.ok(answered > COUNT * share, `only ${answered} of ${COUNT} generated requests were valid: the generator lost its base`);
  }

  test('chat completions: never a 500, always the error shape', async () => {
    const answered = await fuzz('/v1/chat/completions', CHAT_BODIES, SEED);
    assert.deepEqual(failures, []);
    assertEnoughValid(answered);
    // The upstreams answer every request they get: an open circuit would mean Tandem blamed them for its own failure.
    for (const model of h.gateway.models.values()) assert.equal(h.gateway.breaker.state(model.upstreamKey), 'closed', model.name);
  });

  test('route dry runs: never a 500, always the error shape', async () => {
    const answered = await fuzz('/v1/route', ROUTE_BODIES, SEED + 1);
    assert.deepEqual(failures, []);
    assertEnoughValid(answered);
  });

  test('embeddings: never a 500, always the error shape', async () => {
    const answered = await fuzz('/v1/embeddings', EMBEDDING_BODIES, SEED + 2);
    assert.deepEqual(failures, []);
    assertEnoughValid(answered);
  });

  test('anthropic messages: never a 500, always the Anthropic error shape', async () => {
    const answered = await fuzz('/v1/messages', MESSAGES_BODIES, SEED + 4);
    assert.deepEqual(failures, []);
    assertEnoughValid(answered, 0.05); // unknown top-level fields are refused, as Anthropic refuses them
  });

  test('anthropic count_tokens: never a 500, always the Anthropic error shape', async () => {
    const answered = await fuzz('/v1/messages/count_tokens', COUNT_TOKENS_BODIES, SEED + 5);
    assert.deepEqual(failures, []);
    assertEnoughValid(answered);
  });

  test('responses: never a 500, always the error shape', async () => {
    const answered = await fuzz('/v1/responses', RESPONSES_BODIES, SEED + 6);
    assert.deepEqual(failures, []);
    assertEnoughValid(answered);
    for (const model of h.gateway.models.values()) assert.equal(h.gateway.breaker.state(model.upstreamKey), 'closed', model.name);
  });

  test('the server still answers, and every answered chat request has its row', async () => {
    const healthy = await request(`${h.url}/healthz`);
    assert.equal(healthy.statusCode, 200);
    await healthy.body.dump();
    const rows = await h.gateway.store.requestLog.recent({ limit: 100_000 });
    assert.equal(rows.filter((row) => row.status === 200).length, answeredChats);
  });

  test('admin key creation: never a 500, always the error shape', async () => {
    const answered = await fuzz('/admin/keys', KEY_BODIES, SEED + 3, ADMIN);
    assert.deepEqual(failures, []);
    assertEnoughValid(answered, 0.05); // every object in a key is strict: most edits are refused
  });
});
