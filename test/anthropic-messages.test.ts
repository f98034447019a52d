/**
 * The Anthropic Messages API through Tandem, driven by the official `@anthropic-ai/sdk` client over real
 * HTTP: an Anthropic client reaching OpenAI-compatible models on fake upstreams on loopback.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import Anthropic from '@anthropic-ai/sdk';
import type { FakeUpstream } from '../src/providers/testing/fake-upstream.js';
import { startGateway, twoModelConfig, type Harness } from './helpers/gateway-harness.js';
import { startEchoUpstream } from './helpers/openai-upstream.js';

const weatherTool = {
  name: 'get_weather',
  description: 'Weather in a city',
  input_schema: { type: 'object' as const, properties: { city: { type: 'string' } }, required: ['city'] },
};

describe('the Anthropic SDK against Tandem', () => {
  let cloud: FakeUpstream;
  let local: FakeUpstream;
  let h: Harness;
  let client: Anthropic;
  before(async () => {
    cloud = await startEchoUpstream();
    local = await startEchoUpstream();
    h = await startGateway(twoModelConfig(cloud.url, local.url));
    client = new Anthropic({ baseURL: h.url, apiKey: 'unused', maxRetries: 0 });
  });
  after(async () => {
    await h.close();
    await cloud.close();
    await local.close();
  });

  test('messages.create: a route answers in Anthropic shape, with the x-tandem headers and a log row', async () => {
    const { data, response } = await client.messages
      .create({ model: 'tandem/auto', max_tokens: 64, system: 'Be brief.', messages: [{ role: 'user', content: 'hi there' }] })
      .withResponse();
    assert.equal(data.type, 'message');
    assert.equal(data.role, 'assistant');
    assert.equal(data.model, 'small');
    assert.deepEqual(data.content, [{ type: 'text', text: 'echo: hi there' }]);
    assert.equal(data.stop_reason, 'end_turn');
    assert.ok(data.usage.input_tokens > 0 && data.usage.output_tokens === 3);
    assert.match(data.id, /^msg_/);
    assert.equal(response.headers.get('x-tandem-model'), 'small');
    const id = response.headers.get('x-tandem-request-id') ?? '';
    assert.equal(response.headers.get('request-id'), id);
    const row = await h.gateway.store.requestLog.get(id);
    assert.equal(row?.route, 'tandem/auto');
    assert.equal(row?.status, 200);
    const upstream = local.requests.at(-1)?.json as { messages: Array<{ role: string; content: unknown }>; max_tokens: number };
    assert.deepEqual(upstream.messages[0], { role: 'system', content: 'Be brief.' });
    assert.equal(upstream.max_tokens, 64);
  });

  test('messages.stream with tools: events in order, tool input as an object, usage in message_delta', async () => {
    const stream = client.messages.stream({
      model: 'tandem/auto',
      max_tokens: 128,
      tools: [weatherTool],
      tool_choice: { type: 'any' },
      messages: [{ role: 'user', content: 'weather in Paris?' }],
    });
    const types: string[] = [];
    stream.on('streamEvent', (event) => types.push(event.type));
    const message = await stream.finalMessage();
    assert.deepEqual(types.slice(0, 2), ['message_start', 'content_block_start'], 'the SDK passes on every event but ping');
    assert.deepEqual(types.slice(-2), ['message_delta', 'message_stop']);
    assert.ok(types.includes('content_block_delta') && types.includes('content_block_stop'));
    assert.equal(message.stop_reason, 'tool_use');
    const call = message.content.find((b) => b.type === 'tool_use');
    assert.ok(call && call.type === 'tool_use');
    assert.equal(call.name, 'get_weather');
    assert.deepEqual(call.input, { city: 'Paris' });
    assert.ok(message.usage.input_tokens > 0, 'message_delta carries the settled input tokens');
    const upstream = cloud.requests.at(-1)?.json as { tools: unknown[]; tool_choice: unknown };
    assert.deepEqual(upstream.tools, [
      { type: 'function', function: { name: 'get_weather', description: 'Weather in a city', parameters: weatherTool.input_schema } },
    ]);
    assert.equal(upstream.tool_choice, 'required');
  });

  test('a streamed text answer arrives as text deltas', async () => {
    const stream = client.messages.stream({ model: 'large', max_tokens: 64, messages: [{ role: 'user', content: 'tell me a story' }] });
    let text = '';
    stream.on('text', (delta) => (text += delta));
    const message = await stream.finalMessage();
    assert.equal(text, 'echo: tell me a story');
    assert.equal(message.content[0]?.type === 'text' && message.content[0].text, 'echo: tell me a story');
    assert.equal(message.usage.output_tokens, 5);
  });

  test('on the wire: a ping follows message_start, and every event names its type twice', async () => {
    const res = await fetch(`${h.url}/v1/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'large', max_tokens: 16, stream: true, messages: [{ role: 'user', content: 'hello' }] }),
    });
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /^text\/event-stream/);
    const events = (await res.text())
      .trim()
      .split('\n\n')
      .map((block) => {
        const [eventLine, dataLine] = block.split('\n');
        const data = JSON.parse((dataLine ?? '').replace(/^data: /, '')) as { type: string };
        assert.equal(eventLine, `event: ${data.type}`);
        return data.type;
      });
    assert.deepEqual(events, [
      'message_start',
      'ping',
      'content_block_start',
      'content_block_delta',
      'content_block_delta',
      'content_block_stop',
      'message_delta',
      'message_stop',
    ]);
  });

  test('tool_use and tool_result turns, images and stop sequences reach the upstream in chat form', async () => {
    await client.messages.create({
      model: 'large',
      max_tokens: 32,
      stop_sequences: ['END'],
      metadata: { user_id: 'u-42' },
      tools: [weatherTool],
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'weather?' },
            { type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'iVBORw0KGgo=' } },
          ],
        },
        {
          role: 'assistant',
          content: [
            { type: 'text', text: 'Checking.' },
            { type: 'tool_use', id: 'toolu_9', name: 'get_weather', input: { city: 'Paris' } },
          ],
        },
        {
          role: 'user',
          content: [
            { type: 'tool_result', tool_use_id: 'toolu_9', content: '18°C' },
            { type: 'text', text: 'and tomorrow?' },
          ],
        },
      ],
    });
    const upstream = cloud.requests.at(-1)?.json as Record<string, unknown> & { messages: unknown[] };
    assert.deepEqual(upstream.messages, [
      {
        role: 'user',
        content: [
          { type: 'text', text: 'weather?' },
          { type: 'image_url', image_url: { url: 'data:image/png;base64,iVBORw0KGgo=' } },
        ],
      },
      {
        role: 'assistant',
        content: 'Checking.',
        tool_calls: [{ id: 'toolu_9', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } }],
      },
      { role: 'tool', tool_call_id: 'toolu_9', content: '18°C' },
      { role: 'user', content: [{ type: 'text', text: 'and tomorrow?' }] },
    ]);
    assert.deepEqual(upstream.stop, ['END']);
    assert.equal(upstream.user, 'u-42');
  });

  test('countTokens counts without calling a model', async () => {
    const before = cloud.requests.length + local.requests.length;
    const counted = await client.messages.countTokens({
      model: 'tandem/auto',
      system: 'Be brief.',
      messages: [{ role: 'user', content: 'How many tokens is this sentence?' }],
    });
    assert.ok(counted.input_tokens >= 8 && counted.input_tokens < 40, `counted ${counted.input_tokens}`);
    assert.equal(cloud.requests.length + local.requests.length, before);
  });

  test('errors are Anthropic errors with Anthropic statuses, and the SDK raises its own classes', async () => {
    await assert.rejects(client.messages.create({ model: 'no-such-model', max_tokens: 8, messages: [{ role: 'user', content: 'x' }] }), (error: unknown) => {
      assert.ok(error instanceof Anthropic.NotFoundError);
      assert.equal((error.error as { type: string }).type, 'error');
      assert.equal((error.error as { error: { type: string } }).error.type, 'not_found_error');
      return true;
    });
    const raw = await fetch(`${h.url}/v1/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'anthropic-version': '2023-06-01' },
      body: JSON.stringify({ model: 'large', messages: [{ role: 'user', content: 'x' }] }),
    });
    assert.equal(raw.status, 400);
    const body = (await raw.json()) as { type: string; error: { type: string; message: string } };
    assert.equal(body.type, 'error');
    assert.equal(body.error.type, 'invalid_request_error');
    assert.match(body.error.message, /max_tokens/);
    const malformed = await fetch(`${h.url}/v1/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"model": ' });
    assert.equal(malformed.status, 400);
    assert.equal(((await malformed.json()) as { error: { type: string } }).error.type, 'invalid_request_error');
    await assert.rejects(
      client.messages.create({
        model: 'large',
        max_tokens: 8,
        tools: [{ type: 'web_search_20250305', name: 'web_search' }],
        messages: [{ role: 'user', content: 'x' }],
      }),
      Anthropic.BadRequestError,
    );
  });
});

describe('the Anthropic SDK with authentication on', () => {
  let upstream: FakeUpstream;
  let h: Harness;
  before(async () => {
    upstream = await startEchoUpstream();
    h = await startGateway({ ...twoModelConfig(upstream.url, upstream.url), server: { auth: 'keys', api_keys: ['tdm_anthropic_test_key_0123456789'] } });
  });
  after(async () => {
    await h.close();
    await upstream.close();
  });

  test('the key is accepted as x-api-key, and a wrong one is an AuthenticationError', async () => {
    const good = new Anthropic({ baseURL: h.url, apiKey: 'tdm_anthropic_test_key_0123456789', maxRetries: 0 });
    const answer = await good.messages.create({ model: 'large', max_tokens: 8, messages: [{ role: 'user', content: 'hello' }] });
    assert.equal(answer.content[0]?.type === 'text' && answer.content[0].text, 'echo: hello');
    const bad = new Anthropic({ baseURL: h.url, apiKey: 'tdm_wrong', maxRetries: 0 });
    await assert.rejects(bad.messages.create({ model: 'large', max_tokens: 8, messages: [{ role: 'user', content: 'hello' }] }), (error: unknown) => {
      assert.ok(error instanceof Anthropic.AuthenticationError);
      assert.equal((error.error as { error: { type: string } }).error.type, 'authentication_error');
      return true;
    });
  });
});
