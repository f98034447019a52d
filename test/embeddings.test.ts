/** POST /v1/embeddings through Tandem with the official openai client, against a fake OpenAI upstream. */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startFakeUpstream, type FakeUpstream } from '../src/providers/testing/fake-upstream.js';
import { startGateway, twoModelConfig, type Harness } from './helpers/gateway-harness.js';

/** One vector per input, its values derived from the text, so order and precision can be checked. */
function vectorFor(text: string, dimensions: number): number[] {
  return Array.from({ length: dimensions }, (_, i) => (text.charCodeAt(i % text.length) + i) / 1_000);
}

describe('embeddings', () => {
  let upstream: FakeUpstream;
  let h: Harness;
  before(async () => {
    upstream = await startFakeUpstream({
      '/v1/embeddings': (recorded) => {
        const body = recorded.json as { input: string[]; dimensions?: number };
        const data = body.input.map((text, index) => ({ object: 'embedding', index, embedding: vectorFor(text, body.dimensions ?? 6) }));
        return { body: { object: 'list', data: data.reverse(), model: 'text-embedding-3-small', usage: { prompt_tokens: 7, total_tokens: 7 } } };
      },
    });
    const config = twoModelConfig(upstream.url, upstream.url);
    const large = config.models?.large;
    if (large?.provider !== 'openai-compatible') throw new Error('twoModelConfig changed: large is no longer openai-compatible');
    h = await startGateway({
      ...config,
      models: { ...config.models, large: { ...large, capabilities: { ...large.capabilities, embeddings: true } } },
      embeddings_model: 'large',
    });
  });
  after(async () => {
    await h.close();
    await upstream.close();
  });

  test('the client default (base64, decoded by the client) gives the upstream floats to float32 precision, in input order', async () => {
    const result = await h.client.embeddings.create({ model: 'large', input: ['hello', 'world'] });
    assert.equal(result.data.length, 2);
    for (const [i, text] of ['hello', 'world'].entries()) {
      const got = result.data[i]?.embedding ?? [];
      assert.equal(result.data[i]?.index, i);
      assert.deepEqual(
        got,
        vectorFor(text, 6).map((v) => Math.fround(v)),
      );
    }
    assert.equal(result.usage.prompt_tokens, 7);
    // Tandem asked the upstream for floats, whatever the client asked of Tandem.
    const sent = upstream.requests.at(-1)?.json as Record<string, unknown>;
    assert.equal(sent.encoding_format, undefined);
  });

  test('float on request, as JSON numbers exactly as the upstream sent them', async () => {
    const result = await h.client.embeddings.create({ model: 'large', input: 'hello', encoding_format: 'float' });
    assert.deepEqual(result.data[0]?.embedding, vectorFor('hello', 6));
  });

  test('dimensions, user and unknown fields reach the upstream', async () => {
    const result = await h.client.embeddings.create({
      model: 'large',
      input: 'hello',
      dimensions: 3,
      user: 'user-7',
      encoding_format: 'float',
      ...{ truncate: 'END' },
    });
    assert.equal(result.data[0]?.embedding.length, 3);
    const sent = upstream.requests.at(-1)?.json as Record<string, unknown>;
    assert.equal(sent.dimensions, 3);
    assert.equal(sent.user, 'user-7');
    assert.equal(sent.truncate, 'END');
    assert.equal(sent.model, 'gpt-4o');
  });

  test('a route name falls back to embeddings_model', async () => {
    const result = await h.client.embeddings.create({ model: 'tandem/auto', input: 'hello', encoding_format: 'float' });
    assert.equal(result.model, 'large');
  });

  test('a bad field gets a 400 naming it', async () => {
    await assert.rejects(h.client.embeddings.create({ model: 'large', input: 'hello', dimensions: -1 }), (error: unknown) => {
      assert.ok(error instanceof Error && 'status' in error);
      assert.equal(error.status, 400);
      assert.match(error.message, /'dimensions'/);
      return true;
    });
  });
});
