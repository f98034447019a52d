/**
 * The OpenAI Responses API through Tandem, driven by the official `openai` client (`client.responses`)
 * over real HTTP, against OpenAI-compatible models on fake upstreams on loopback.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import OpenAI from 'openai';
import type { FakeUpstream } from '../src/providers/testing/fake-upstream.js';
import { startGateway, twoModelConfig, type Harness } from './helpers/gateway-harness.js';
import { startEchoUpstream } from './helpers/openai-upstream.js';

const weatherTool = {
  type: 'function' as const,
  name: 'get_weather',
  description: 'Weather in a city',
  parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
  strict: false,
};

describe('the Responses API through the openai client', () => {
  let cloud: FakeUpstream;
  let local: FakeUpstream;
  let h: Harness;
  before(async () => {
    cloud = await startEchoUpstream();
    local = await startEchoUpstream();
    h = await startGateway(twoModelConfig(cloud.url, local.url));
  });
  after(async () => {
    await h.close();
    await cloud.close();
    await local.close();
  });

  test('responses.create: input as a string, instructions as the system message, output_text and usage', async () => {
    const { data, response } = await h.client.responses
      .create({ model: 'tandem/auto', instructions: 'Be brief.', input: 'hi there', max_output_tokens: 50 })
      .withResponse();
    assert.equal(data.object, 'response');
    assert.equal(data.status, 'completed');
    assert.equal(data.output_text, 'echo: hi there');
    assert.equal(data.model, 'small');
    assert.match(data.id, /^resp_/);
    assert.ok((data.usage?.input_tokens ?? 0) > 0);
    assert.equal(data.usage?.output_tokens, 3);
    assert.equal(data.usage?.total_tokens, (data.usage?.input_tokens ?? 0) + 3);
    assert.equal(response.headers.get('x-tandem-model'), 'small');
    const upstream = local.requests.at(-1)?.json as { messages: unknown[]; max_tokens: number };
    assert.deepEqual(upstream.messages, [
      { role: 'system', content: 'Be brief.' },
      { role: 'user', content: 'hi there' },
    ]);
    assert.equal(upstream.max_tokens, 50);
    const row = await h.gateway.store.requestLog.get(response.headers.get('x-tandem-request-id') ?? '');
    assert.equal(row?.route, 'tandem/auto');
    assert.equal(row?.outputTokens, 3);
  });

  test('streamed: response.* events in order, text deltas, and response.completed with usage', async () => {
    const stream = await h.client.responses.create({ model: 'large', input: [{ role: 'user', content: 'tell me a story' }], stream: true });
    const types: string[] = [];
    let text = '';
    let completed: OpenAI.Responses.Response | undefined;
    for await (const event of stream) {
      types.push(event.type);
      if (event.type === 'response.output_text.delta') text += event.delta;
      if (event.type === 'response.completed') completed = event.response;
    }
    assert.equal(text, 'echo: tell me a story');
    assert.deepEqual(types.slice(0, 4), ['response.created', 'response.in_progress', 'response.output_item.added', 'response.content_part.added']);
    assert.deepEqual(types.slice(-4), ['response.output_text.done', 'response.content_part.done', 'response.output_item.done', 'response.completed']);
    assert.equal(completed?.status, 'completed');
    assert.equal(completed?.usage?.output_tokens, 5);
    assert.equal(
      completed?.output[0]?.type === 'message' && completed.output[0].content[0]?.type === 'output_text' && completed.output[0].content[0].text,
      'echo: tell me a story',
    );
  });

  test('function tools: a function_call item whole and streamed, and its output goes back as a tool message', async () => {
    const whole = await h.client.responses.create({ model: 'tandem/auto', input: 'weather in Paris?', tools: [weatherTool], tool_choice: 'required' });
    const call = whole.output.find((item) => item.type === 'function_call');
    assert.ok(call && call.type === 'function_call');
    assert.equal(call.name, 'get_weather');
    assert.equal(call.arguments, '{"city":"Paris"}');
    assert.equal(call.call_id, 'call_1');
    const upstream = cloud.requests.at(-1)?.json as { tools: unknown[]; tool_choice: unknown };
    assert.deepEqual(upstream.tools, [
      { type: 'function', function: { name: 'get_weather', description: 'Weather in a city', parameters: weatherTool.parameters, strict: false } },
    ]);
    assert.equal(upstream.tool_choice, 'required');

    const stream = await h.client.responses.create({ model: 'tandem/auto', input: 'weather?', tools: [weatherTool], stream: true });
    let args = '';
    let done: string | undefined;
    for await (const event of stream) {
      if (event.type === 'response.function_call_arguments.delta') args += event.delta;
      if (event.type === 'response.function_call_arguments.done') done = event.arguments;
    }
    assert.equal(args, '{"city":"Paris"}');
    assert.equal(done, '{"city":"Paris"}');

    await h.client.responses.create({
      model: 'large',
      input: [
        { role: 'user', content: 'weather in Paris?' },
        { type: 'function_call', call_id: 'call_1', name: 'get_weather', arguments: '{"city":"Paris"}' },
        { type: 'function_call_output', call_id: 'call_1', output: '18°C' },
      ],
    });
    const followUp = cloud.requests.at(-1)?.json as { messages: unknown[] };
    assert.deepEqual(followUp.messages, [
      { role: 'user', content: 'weather in Paris?' },
      { role: 'assistant', content: null, tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } }] },
      { role: 'tool', tool_call_id: 'call_1', content: '18°C' },
    ]);
  });

  test('text.format json_schema becomes response_format, input_image a vision part', async () => {
    await h.client.responses.create({
      model: 'large',
      input: [
        {
          role: 'user',
          content: [
            { type: 'input_text', text: 'describe' },
            { type: 'input_image', image_url: 'https://example.com/cat.png', detail: 'low' },
          ],
        },
      ],
      text: { format: { type: 'json_schema', name: 'answer', schema: { type: 'object', properties: { a: { type: 'string' } } }, strict: true } },
    });
    const upstream = cloud.requests.at(-1)?.json as { messages: unknown[]; response_format: unknown };
    assert.deepEqual(upstream.response_format, {
      type: 'json_schema',
      json_schema: { name: 'answer', schema: { type: 'object', properties: { a: { type: 'string' } } }, strict: true },
    });
    assert.deepEqual(upstream.messages, [
      {
        role: 'user',
        content: [
          { type: 'text', text: 'describe' },
          { type: 'image_url', image_url: { url: 'https://example.com/cat.png', detail: 'low' } },
        ],
      },
    ]);
  });

  test('state is refused with a 400 that says so, never ignored; errors are OpenAI errors', async () => {
    for (const extra of [{ store: true }, { previous_response_id: 'resp_123' }] as const) {
      await assert.rejects(h.client.responses.create({ model: 'large', input: 'hi', ...extra }), (error: unknown) => {
        assert.ok(error instanceof OpenAI.BadRequestError);
        assert.match(error.message, /stateless/);
        return true;
      });
    }
    const ok = await h.client.responses.create({ model: 'large', input: 'hi', store: false });
    assert.equal(ok.output_text, 'echo: hi');
    await assert.rejects(h.client.responses.create({ model: 'nope', input: 'hi' }), OpenAI.NotFoundError);
    await assert.rejects(h.client.responses.create({ model: 'large', input: 'hi', tools: [{ type: 'web_search_preview' }] }), (error: unknown) => {
      assert.ok(error instanceof OpenAI.BadRequestError);
      assert.equal(error.param, 'tools[0].type');
      return true;
    });
    await assert.rejects(h.client.responses.create({ model: 'large', input: [{ type: 'item_reference', id: 'msg_1' }] }), OpenAI.BadRequestError);
  });
});
