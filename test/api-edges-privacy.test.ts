/**
 * Personal data in the places only the Anthropic and Responses APIs have (system blocks, tool_result and
 * document blocks, metadata.user_id; instructions, function_call_output, input_file, function_call
 * arguments) is found like anywhere else: on a local-only route the request never reaches the cloud model,
 * and on a pseudonymise route the cloud model sees placeholders, never the values.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { request } from 'undici';
import type { TandemConfigInput } from '../src/config/schema.js';
import type { FakeUpstream } from '../src/providers/testing/fake-upstream.js';
import { startGateway, type Harness } from './helpers/gateway-harness.js';
import { startEchoUpstream } from './helpers/openai-upstream.js';

const EMAIL = 'olivia.schmidt@example.net';
const CARD = '4111 1111 1111 1111';

type Carrier = { name: string; path: '/v1/messages' | '/v1/responses'; body: (model: string) => Record<string, unknown>; value: string };

const tool = { name: 'lookup', description: 'Look up an order', input_schema: { type: 'object', properties: { q: { type: 'string' } } } };
const functionTool = { type: 'function', name: 'lookup', parameters: { type: 'object', properties: { q: { type: 'string' } } } };

const CARRIERS: Carrier[] = [
  {
    name: 'messages: system blocks',
    path: '/v1/messages',
    value: EMAIL,
    body: (model) => ({ model, max_tokens: 32, system: [{ type: 'text', text: `Reply to ${EMAIL}.` }], messages: [{ role: 'user', content: 'hi' }] }),
  },
  {
    name: 'messages: tool_result content',
    path: '/v1/messages',
    value: CARD,
    body: (model) => ({
      model,
      max_tokens: 32,
      tools: [tool],
      messages: [
        { role: 'user', content: 'my order?' },
        { role: 'assistant', content: [{ type: 'tool_use', id: 'toolu_1', name: 'lookup', input: { q: 'order' } }] },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_1', content: [{ type: 'text', text: `paid with card ${CARD}` }] }] },
      ],
    }),
  },
  {
    name: 'messages: tool_use input',
    path: '/v1/messages',
    value: EMAIL,
    body: (model) => ({
      model,
      max_tokens: 32,
      tools: [tool],
      messages: [
        { role: 'user', content: 'find it' },
        { role: 'assistant', content: [{ type: 'tool_use', id: 'toolu_1', name: 'lookup', input: { q: EMAIL } }] },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_1', content: 'none' }] },
      ],
    }),
  },
  {
    name: 'messages: plain-text document',
    path: '/v1/messages',
    value: EMAIL,
    body: (model) => ({
      model,
      max_tokens: 32,
      messages: [
        {
          role: 'user',
          content: [
            { type: 'document', source: { type: 'text', media_type: 'text/plain', data: `Contact: ${EMAIL}` } },
            { type: 'text', text: 'summarise' },
          ],
        },
      ],
    }),
  },
  {
    name: 'responses: instructions',
    path: '/v1/responses',
    value: EMAIL,
    body: (model) => ({ model, instructions: `Send the summary to ${EMAIL}.`, input: 'hi' }),
  },
  {
    name: 'responses: function_call arguments and output',
    path: '/v1/responses',
    value: CARD,
    body: (model) => ({
      model,
      tools: [functionTool],
      input: [
        { role: 'user', content: 'my order?' },
        { type: 'function_call', call_id: 'call_1', name: 'lookup', arguments: JSON.stringify({ q: CARD }) },
        { type: 'function_call_output', call_id: 'call_1', output: `card ${CARD} was charged` },
      ],
    }),
  },
  {
    name: 'responses: input_text part',
    path: '/v1/responses',
    value: EMAIL,
    body: (model) => ({ model, input: [{ role: 'user', content: [{ type: 'input_text', text: `write to ${EMAIL}` }] }] }),
  },
];

describe('privacy on the Anthropic and Responses edges', () => {
  let cloud: FakeUpstream;
  let local: FakeUpstream;
  let h: Harness;

  before(async () => {
    cloud = await startEchoUpstream();
    local = await startEchoUpstream({ answer: () => 'local answer' });
    const model = (url: string, locality: 'local' | 'cloud'): TandemConfigInput['models'][string] => ({
      provider: 'openai-compatible',
      base_url: `${url}/v1`,
      locality,
      timeout_ms: 2_000,
      capabilities: { tools: true },
    });
    h = await startGateway({
      models: { cloud: model(cloud.url, 'cloud'), local: model(local.url, 'local') },
      routes: {
        'local-only': { models: ['cloud', 'local'], policies: [{ type: 'privacy', mode: 'local-only' }], router: { type: 'fixed', model: 'cloud' } },
        pseudonymise: { models: ['cloud', 'local'], policies: [{ type: 'privacy', mode: 'pseudonymise' }], router: { type: 'fixed', model: 'cloud' } },
      },
    });
  });
  after(async () => {
    await h.close();
    await cloud.close();
    await local.close();
  });

  async function send(carrier: Carrier, route: string): Promise<{ status: number; cloudSaw: string; localCalls: number }> {
    const [cloudBefore, localBefore] = [cloud.requests.length, local.requests.length];
    const res = await request(`${h.url}${carrier.path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(carrier.body(route)),
    });
    await res.body.text();
    return {
      status: res.statusCode,
      cloudSaw: cloud.requests
        .slice(cloudBefore)
        .map((r) => r.body)
        .join('\n'),
      localCalls: local.requests.length - localBefore,
    };
  }

  for (const carrier of CARRIERS) {
    test(`${carrier.name}: kept local on local-only, placeholders on pseudonymise`, async () => {
      const kept = await send(carrier, 'local-only');
      assert.equal(kept.status, 200);
      assert.equal(kept.cloudSaw, '', 'the cloud model got the request');
      assert.equal(kept.localCalls, 1);

      const hidden = await send(carrier, 'pseudonymise');
      assert.equal(hidden.status, 200);
      assert.ok(hidden.cloudSaw.length > 0, 'the cloud model answered');
      const escaped = JSON.stringify(carrier.value).slice(1, -1);
      assert.ok(!hidden.cloudSaw.includes(carrier.value) && !hidden.cloudSaw.includes(escaped), `the cloud model saw ${carrier.value}`);
      assert.match(hidden.cloudSaw, /<[A-Z_]+_1_[a-z0-9]{4}>/);
    });
  }

  test('metadata.user_id reaches a cloud model only as its keyed hash', async () => {
    const before = cloud.requests.length;
    const res = await request(`${h.url}/v1/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'pseudonymise', max_tokens: 16, metadata: { user_id: EMAIL }, messages: [{ role: 'user', content: 'hello' }] }),
    });
    assert.equal(res.statusCode, 200, await res.body.text());
    const sent = cloud.requests.slice(before).map((r) => r.json as { user?: string });
    assert.equal(sent.length, 1);
    assert.match(sent[0]?.user ?? '', /^u-[0-9a-f]{32}$/);
  });
});
