/**
 * The OpenAI API through Tandem, driven by the official `openai` client over real HTTP, with fake
 * OpenAI-compatible upstreams on loopback.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import OpenAI from 'openai';
import type { FakeUpstream } from '../src/providers/testing/fake-upstream.js';
import { startGateway, twoModelConfig, type Harness } from './helpers/gateway-harness.js';
import { startEchoUpstream } from './helpers/openai-upstream.js';

describe('chat completions through the openai client', () => {
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

  test('a short prompt on tandem/auto is answered by the small model, with x-tandem headers', async () => {
    const { data, response } = await h.client.chat.completions
      .create({ model: 'tandem/auto', messages: [{ role: 'user', content: 'hi there' }] })
      .withResponse();
    assert.equal(data.choices[0]?.message.content, 'echo: hi there');
    assert.equal(data.model, 'small');
    assert.equal(response.headers.get('x-tandem-model'), 'small');
    assert.match(response.headers.get('x-tandem-request-id') ?? '', /^[0-9a-f-]{36}$/);
    assert.match(response.headers.get('x-tandem-route-reason') ?? '', /heuristic score .* -> small/);
    assert.ok(Number(response.headers.get('x-tandem-overhead-ms')) >= 0);
    assert.equal((local.requests.at(-1)?.json as { model?: string } | undefined)?.model, 'llama-3.2-1b');
  });

  test('streams text deltas, and strips the usage chunk the client did not ask for', async () => {
    const stream = await h.client.chat.completions.create({ model: 'large', messages: [{ role: 'user', content: 'tell me a story' }], stream: true });
    let text = '';
    let usageChunks = 0;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta.content ?? '';
      if (chunk.usage) usageChunks++;
    }
    assert.equal(text, 'echo: tell me a story');
    assert.equal(usageChunks, 0);
    const upstreamBody = cloud.requests.at(-1)?.json as { stream_options?: { include_usage?: boolean } };
    assert.equal(upstreamBody.stream_options?.include_usage, true, 'Tandem asks the upstream for usage on every stream');
  });

  test('streams a usage chunk when the client asks for it', async () => {
    const stream = await h.client.chat.completions.create({
      model: 'large',
      messages: [{ role: 'user', content: 'count my tokens' }],
      stream: true,
      stream_options: { include_usage: true },
    });
    let usage: { prompt_tokens: number; completion_tokens: number } | undefined;
    for await (const chunk of stream) if (chunk.usage) usage = chunk.usage;
    assert.ok(usage && usage.prompt_tokens > 0 && usage.completion_tokens === 4);
  });

  test('tool calls come back whole and as streamed deltas', async () => {
    const tools = [{ type: 'function' as const, function: { name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' } } } } }];
    const whole = await h.client.chat.completions.create({ model: 'tandem/auto', messages: [{ role: 'user', content: 'weather in Paris?' }], tools });
    assert.equal(whole.choices[0]?.finish_reason, 'tool_calls');
    assert.equal(
      whole.choices[0]?.message.tool_calls?.[0]?.type === 'function' && whole.choices[0].message.tool_calls[0].function.arguments,
      '{"city":"Paris"}',
    );
    assert.equal(whole.model, 'large', 'the small model lacks tools, so the capability policy picks the large one');

    const stream = await h.client.chat.completions.create({ model: 'tandem/auto', messages: [{ role: 'user', content: 'weather?' }], tools, stream: true });
    let args = '';
    let name = '';
    let finish: string | null = null;
    for await (const chunk of stream) {
      const call = chunk.choices[0]?.delta.tool_calls?.[0];
      if (call?.function?.name) name = call.function.name;
      args += call?.function?.arguments ?? '';
      finish = chunk.choices[0]?.finish_reason ?? finish;
    }
    assert.equal(name, 'get_weather');
    assert.equal(args, '{"city":"Paris"}');
    assert.equal(finish, 'tool_calls');
  });

  test('passes sampling settings, response_format and unknown fields through to the upstream', async () => {
    await h.client.chat.completions.create({
      model: 'large',
      messages: [
        { role: 'system', content: 'be brief' },
        {
          role: 'user',
          content: [
            { type: 'text', text: 'json please' },
            { type: 'image_url', image_url: { url: 'data:image/png;base64,AAAA' } },
          ],
        },
      ],
      temperature: 0.2,
      top_p: 0.9,
      max_completion_tokens: 50,
      stop: ['\n\n'],
      seed: 7,
      user: 'u-1',
      metadata: { team: 'search' },
      response_format: { type: 'json_schema', json_schema: { name: 'x', schema: { type: 'object' } } },
      // @ts-expect-error: a field the OpenAI types don't know must still reach the upstream
      custom_vendor_field: { keep: true },
    });
    const sent = cloud.requests.at(-1)?.json as Record<string, unknown>;
    assert.equal(sent.temperature, 0.2);
    assert.equal(sent.top_p, 0.9);
    assert.equal(sent.max_completion_tokens, 50);
    assert.deepEqual(sent.stop, ['\n\n']);
    assert.equal(sent.seed, 7);
    assert.equal(sent.user, 'u-1');
    assert.deepEqual(sent.custom_vendor_field, { keep: true });
    assert.deepEqual(sent.response_format, { type: 'json_schema', json_schema: { name: 'x', schema: { type: 'object' } } });
    const messages = sent.messages as Array<{ content: unknown }>;
    assert.deepEqual(
      (messages[1]?.content as Array<{ type: string }> | undefined)?.map((p) => p.type),
      ['text', 'image_url'],
    );
  });

  test('GET /v1/models lists routes and models', async () => {
    const ids: string[] = [];
    for await (const model of h.client.models.list()) ids.push(model.id);
    assert.deepEqual(ids, ['tandem/auto', 'small', 'large']);
  });

  test('the openai client sees the request id as _request_id', async () => {
    const completion = await h.client.chat.completions.create({ model: 'large', messages: [{ role: 'user', content: 'id?' }] });
    const [row] = await h.gateway.store.requestLog.recent({ limit: 1 });
    assert.ok(completion._request_id);
    assert.equal(completion._request_id, row?.id);
  });

  test('GET /v1/models/{id} returns one route or model, and 404 in the error shape for an unknown id', async () => {
    const route = await h.client.models.retrieve('tandem/auto');
    assert.equal(route.id, 'tandem/auto');
    assert.equal(route.owned_by, 'tandem');
    const model = await h.client.models.retrieve('large');
    assert.equal(model.id, 'large');
    // Unencoded slashes, as a hand-written URL has them.
    const raw = await fetch(`${h.url}/v1/models/tandem/auto`);
    assert.equal(((await raw.json()) as { id: string }).id, 'tandem/auto');
    await assert.rejects(
      h.client.models.retrieve('gpt-9'),
      (error: unknown) => error instanceof OpenAI.NotFoundError && /Valid ids: tandem\/auto, small, large/.test(error.message),
    );
    const bad = await fetch(`${h.url}/v1/models/%E0%A4%A`);
    assert.equal(bad.status, 400);
  });

  test('health and readiness', async () => {
    assert.equal((await fetch(`${h.url}/healthz`)).status, 200);
    assert.equal((await fetch(`${h.url}/readyz`)).status, 200);
  });

  test('every answered request has a log row with route, model, tokens and cost', async () => {
    const { response } = await h.client.chat.completions.create({ model: 'tandem/auto', messages: [{ role: 'user', content: 'log me' }] }).withResponse();
    const id = response.headers.get('x-tandem-request-id') ?? '';
    assert.equal(response.headers.get('x-request-id'), id, 'the same id under the name OpenAI SDKs read');
    const row = await h.gateway.store.requestLog.get(id);
    assert.ok(row);
    assert.equal(row.route, 'tandem/auto');
    assert.equal(row.model, 'small');
    assert.equal(row.status, 200);
    assert.ok(row.inputTokens > 0 && row.outputTokens > 0);
    assert.ok(row.cost > 0 && row.baselineCost > row.cost, 'the baseline (large) costs more than the small model');
    assert.match(row.requestBody ?? '', /log me/);
    assert.match(row.responseBody ?? '', /echo: log me/);
    assert.deepEqual(
      row.candidates.map((c) => c.model),
      ['small', 'large'],
    );
  });
});
