/**
 * Fields that must reach the right place on the wire: the upstream's extras (system_fingerprint,
 * logprobs, refusal, reasoning_content) back where OpenAI puts them, whole and streamed, usage in one shape
 * streamed and not, and Tandem's own
 * `metadata.sensitive` marker never forwarded to an upstream.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startFakeUpstream, type FakeUpstream } from '../src/providers/testing/fake-upstream.js';
import { startGateway, twoModelConfig, type Harness } from './helpers/gateway-harness.js';
import { startEchoUpstream } from './helpers/openai-upstream.js';

const logprobs = { content: [{ token: 'No', logprob: -0.1, bytes: [78, 111], top_logprobs: [] }] };
const usage = { prompt_tokens: 9, completion_tokens: 3, total_tokens: 12 };

function chunk(delta: unknown, finish: string | null = null, chunkLogprobs: unknown = null): string {
  return `data: ${JSON.stringify({ id: 'c', object: 'chat.completion.chunk', created: 1, model: 'up', choices: [{ index: 0, delta, logprobs: chunkLogprobs, finish_reason: finish }] })}\n\n`;
}

describe('OpenAI wire fields through Tandem', () => {
  let cloud: FakeUpstream;
  let local: FakeUpstream;
  let h: Harness;
  before(async () => {
    cloud = await startFakeUpstream({
      '/v1/chat/completions': (request) =>
        (request.json as { stream?: boolean }).stream
          ? {
              chunks: [
                chunk({ role: 'assistant', content: '' }),
                chunk({ reasoning_content: 'The user asks ' }),
                chunk({ reasoning_content: 'for a secret.' }),
                chunk({ refusal: 'I cannot ' }),
                chunk({ refusal: 'help with that.' }),
                chunk({ content: 'No.' }, null, logprobs),
                chunk({}, 'stop'),
                'data: [DONE]\n\n',
              ],
            }
          : {
              body: {
                id: 'c',
                object: 'chat.completion',
                created: 1,
                model: 'up',
                system_fingerprint: 'fp_42',
                choices: [
                  {
                    index: 0,
                    message: { role: 'assistant', content: 'No.', refusal: 'I cannot help with that.', reasoning_content: 'The user asks for a secret.' },
                    logprobs,
                    finish_reason: 'stop',
                  },
                ],
                usage,
              },
            },
    });
    local = await startEchoUpstream();
    h = await startGateway(twoModelConfig(cloud.url, local.url));
  });
  after(async () => {
    await h.close();
    await cloud.close();
    await local.close();
  });

  test('a whole answer: system_fingerprint at the top, logprobs on the choice, refusal and reasoning on the message', async () => {
    const response = await fetch(`${h.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'large', messages: [{ role: 'user', content: 'Tell me the secret.' }], logprobs: true }),
    });
    const body = (await response.json()) as Record<string, unknown> & { choices: Array<Record<string, unknown> & { message: Record<string, unknown> }> };
    assert.equal(response.status, 200);
    assert.equal(body.system_fingerprint, 'fp_42');
    for (const misplaced of ['logprobs', 'refusal', 'reasoning_content']) assert.equal(misplaced in body, false, `${misplaced} at the top level`);
    const choice = body.choices[0];
    assert.deepEqual(choice?.logprobs, logprobs);
    assert.equal(choice?.message.refusal, 'I cannot help with that.');
    assert.equal(choice?.message.reasoning_content, 'The user asks for a secret.');
    assert.equal(choice?.message.content, 'No.');
  });

  test('a stream: reasoning_content and refusal arrive as deltas, and the logged body has them on the message', async () => {
    const { data, response } = await h.client.chat.completions
      .create({ model: 'large', messages: [{ role: 'user', content: 'Tell me the secret.' }], stream: true })
      .withResponse();
    let reasoning = '';
    let refusal = '';
    for await (const part of data) {
      const delta = part.choices[0]?.delta as { reasoning_content?: string; refusal?: string | null } | undefined;
      reasoning += delta?.reasoning_content ?? '';
      refusal += delta?.refusal ?? '';
    }
    assert.equal(reasoning, 'The user asks for a secret.');
    assert.equal(refusal, 'I cannot help with that.');
    const record = await h.gateway.store.requestLog.get(response.headers.get('x-tandem-request-id') ?? '');
    const logged = JSON.parse(record?.responseBody ?? '{}') as { choices: Array<{ message: Record<string, unknown> }> };
    assert.equal(logged.choices[0]?.message.reasoning_content, 'The user asks for a secret.');
    assert.equal(logged.choices[0]?.message.refusal, 'I cannot help with that.');
  });

  test('logprobs: streamed on the chunks as the upstream sent them, and whole on the logged answer', async () => {
    const { data, response } = await h.client.chat.completions
      .create({ model: 'large', messages: [{ role: 'user', content: 'Tell me the secret.' }], stream: true, logprobs: true })
      .withResponse();
    const streamed: unknown[] = [];
    for await (const part of data) streamed.push(...(part.choices[0]?.logprobs?.content ?? []));
    assert.deepEqual(streamed, logprobs.content);
    assert.equal((cloud.requests.at(-1)?.json as { logprobs?: boolean } | undefined)?.logprobs, true);
    const record = await h.gateway.store.requestLog.get(response.headers.get('x-tandem-request-id') ?? '');
    const logged = JSON.parse(record?.responseBody ?? '{}') as { choices: Array<{ logprobs: unknown }> };
    assert.deepEqual(logged.choices[0]?.logprobs, logprobs);
  });

  test('usage has the same shape streamed and not', async () => {
    const whole = await h.client.chat.completions.create({ model: 'tandem/auto', messages: [{ role: 'user', content: 'hi' }] });
    const stream = await h.client.chat.completions.create({
      model: 'tandem/auto',
      messages: [{ role: 'user', content: 'hi' }],
      stream: true,
      stream_options: { include_usage: true },
    });
    let streamed: unknown;
    for await (const part of stream) if (part.usage) streamed = part.usage;
    const shape = (usage: unknown): string[] =>
      Object.entries(usage as Record<string, unknown>)
        .flatMap(([k, v]) => (typeof v === 'object' && v !== null ? [k, ...Object.keys(v).map((n) => `${k}.${n}`)] : [k]))
        .sort();
    assert.deepEqual(shape(streamed), shape(whole.usage));
    assert.deepEqual(shape(whole.usage), [
      'completion_tokens',
      'prompt_tokens',
      'prompt_tokens_details',
      'prompt_tokens_details.cached_tokens',
      'total_tokens',
    ]);
  });

  test('metadata.sensitive stays with Tandem: the upstream gets the other metadata only', async () => {
    await h.client.chat.completions.create({
      model: 'tandem/auto',
      messages: [{ role: 'user', content: 'hi' }],
      metadata: { sensitive: 'true', team: 'search' },
      store: true,
    });
    const sent = local.requests.at(-1)?.json as { metadata?: Record<string, string> };
    assert.deepEqual(sent.metadata, { team: 'search' });

    await h.client.chat.completions.create({ model: 'tandem/auto', messages: [{ role: 'user', content: 'hi' }], metadata: { sensitive: 'yes' } });
    assert.equal('metadata' in ((local.requests.at(-1)?.json ?? {}) as object), false);
  });
});
