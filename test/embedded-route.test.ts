/** The built-in route on a fresh install: the shipped stories260K GGUF, run in-process, through the openai client. */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { builtinConfig } from '../src/config/builtin-config.js';
import { startGateway, type Harness } from './helpers/gateway-harness.js';

describe('built-in local route', () => {
  let h: Harness;
  before(async () => {
    const config = builtinConfig();
    h = await startGateway({ models: config.models, routes: config.routes });
  });
  after(async () => h.close());

  test('answers whole and streamed, with exact (not estimated) usage, at zero cost', async () => {
    const body = { model: 'tandem/auto', messages: [{ role: 'user' as const, content: 'Once upon a time' }], max_tokens: 24, temperature: 0, seed: 1 };
    const { data, response } = await h.client.chat.completions.create(body).withResponse();
    assert.equal(response.headers.get('x-tandem-model'), 'stories-260k');
    assert.ok((data.choices[0]?.message.content ?? '').length > 0);
    assert.ok(data.usage && data.usage.completion_tokens > 0 && data.usage.completion_tokens <= 24);

    const stream = await h.client.chat.completions.create({ ...body, stream: true, stream_options: { include_usage: true } });
    let text = '';
    let usage: { prompt_tokens: number; completion_tokens: number } | undefined;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta.content ?? '';
      if (chunk.usage) usage = chunk.usage;
    }
    assert.equal(text, data.choices[0]?.message.content, 'greedy decoding gives the same text either way');
    assert.deepEqual(usage && [usage.prompt_tokens, usage.completion_tokens], [data.usage?.prompt_tokens, data.usage?.completion_tokens]);

    const row = await h.gateway.store.requestLog.get(response.headers.get('x-tandem-request-id') ?? '');
    assert.equal(row?.tokensEstimated, false);
    assert.equal(row?.cost, 0);
  });
});
