/**
 * One request, said in the three APIs Tandem speaks (OpenAI chat completions, Anthropic messages, OpenAI
 * responses), streamed and not, against both kinds of upstream (OpenAI-compatible and Anthropic), on a
 * pseudonymise route: each gets the same route, model, privacy handling (the cloud sees placeholders, the
 * client its own values, in every stream format), usage, cost, baseline cost, status and log row.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import Anthropic from '@anthropic-ai/sdk';
import type { FakeUpstream } from '../src/providers/testing/fake-upstream.js';
import type { RequestRecord } from '../src/spec/request-record.js';
import { startAnthropicEchoUpstream } from './helpers/anthropic-upstream.js';
import { startGateway, type Harness } from './helpers/gateway-harness.js';
import { startEchoUpstream } from './helpers/openai-upstream.js';

const EMAIL = 'maria.gonzalez@example.org';
const PROMPT = `Please write to ${EMAIL} about the invoice.`;
const SYSTEM = 'Be brief.';

type Api = 'chat' | 'messages' | 'responses';

interface Answer {
  text: string;
  requestId: string;
}

describe('the same request on every API edge', () => {
  let openaiUpstream: FakeUpstream;
  let anthropicUpstream: FakeUpstream;
  let h: Harness;
  let anthropic: Anthropic;

  before(async () => {
    openaiUpstream = await startEchoUpstream();
    anthropicUpstream = await startAnthropicEchoUpstream();
    const pricing = { input_per_1m: 3, output_per_1m: 15 };
    h = await startGateway({
      models: {
        'gpt-cloud': {
          provider: 'openai-compatible',
          base_url: `${openaiUpstream.url}/v1`,
          model: 'gpt-4o',
          api_key: 'sk-test',
          locality: 'cloud',
          pricing,
          timeout_ms: 2_000,
        },
        'claude-cloud': {
          provider: 'anthropic',
          base_url: anthropicUpstream.url,
          model: 'claude-sonnet-4-20250514',
          api_key: 'sk-ant-test',
          locality: 'cloud',
          pricing,
          timeout_ms: 2_000,
        },
        reference: {
          provider: 'openai-compatible',
          base_url: `${openaiUpstream.url}/v1`,
          model: 'gpt-4.1',
          api_key: 'sk-test',
          locality: 'cloud',
          pricing: { input_per_1m: 10, output_per_1m: 30 },
          timeout_ms: 2_000,
        },
      },
      routes: {
        'private/openai': {
          models: ['gpt-cloud', 'reference'],
          baseline_model: 'reference',
          policies: [{ type: 'privacy', mode: 'pseudonymise' }],
          router: { type: 'fixed', model: 'gpt-cloud' },
        },
        'private/anthropic': {
          models: ['claude-cloud', 'reference'],
          baseline_model: 'reference',
          policies: [{ type: 'privacy', mode: 'pseudonymise' }],
          router: { type: 'fixed', model: 'claude-cloud' },
        },
      },
    });
    anthropic = new Anthropic({ baseURL: h.url, apiKey: 'unused', maxRetries: 0 });
  });
  after(async () => {
    await h.close();
    await openaiUpstream.close();
    await anthropicUpstream.close();
  });

  async function ask(api: Api, model: string, stream: boolean): Promise<Answer> {
    if (api === 'chat') {
      const messages = [
        { role: 'system' as const, content: SYSTEM },
        { role: 'user' as const, content: PROMPT },
      ];
      if (!stream) {
        const { data, response } = await h.client.chat.completions.create({ model, max_tokens: 64, messages }).withResponse();
        return { text: data.choices[0]?.message.content ?? '', requestId: response.headers.get('x-tandem-request-id') ?? '' };
      }
      const { data, response } = await h.client.chat.completions.create({ model, max_tokens: 64, messages, stream: true }).withResponse();
      let text = '';
      for await (const chunk of data) text += chunk.choices[0]?.delta.content ?? '';
      return { text, requestId: response.headers.get('x-tandem-request-id') ?? '' };
    }
    if (api === 'messages') {
      const params = { model, max_tokens: 64, system: SYSTEM, messages: [{ role: 'user' as const, content: PROMPT }] };
      if (!stream) {
        const { data, response } = await anthropic.messages.create(params).withResponse();
        return { text: data.content.map((b) => (b.type === 'text' ? b.text : '')).join(''), requestId: response.headers.get('x-tandem-request-id') ?? '' };
      }
      const { data, response } = await anthropic.messages.create({ ...params, stream: true }).withResponse();
      let text = '';
      for await (const event of data) if (event.type === 'content_block_delta' && event.delta.type === 'text_delta') text += event.delta.text;
      return { text, requestId: response.headers.get('x-tandem-request-id') ?? '' };
    }
    const params = { model, max_output_tokens: 64, instructions: SYSTEM, input: PROMPT };
    if (!stream) {
      const { data, response } = await h.client.responses.create(params).withResponse();
      return { text: data.output_text, requestId: response.headers.get('x-tandem-request-id') ?? '' };
    }
    const { data, response } = await h.client.responses.create({ ...params, stream: true }).withResponse();
    let text = '';
    for await (const event of data) if (event.type === 'response.output_text.delta') text += event.delta;
    return { text, requestId: response.headers.get('x-tandem-request-id') ?? '' };
  }

  /** The parts of a log row that must not depend on the API the request came in by. */
  function semantics(row: RequestRecord | undefined): Record<string, unknown> {
    assert.ok(row, 'every request has its row');
    return {
      route: row.route,
      requestedModel: row.requestedModel,
      model: row.model,
      candidates: row.candidates,
      reason: row.reason,
      inputTokens: row.inputTokens,
      outputTokens: row.outputTokens,
      tokensEstimated: row.tokensEstimated,
      cost: row.cost,
      baselineCost: row.baselineCost,
      status: row.status,
      error: row.error,
      privacy: row.privacy,
      attempts: row.attempts.map((a) => [a.model, a.error]),
    };
  }

  for (const [upstreamKind, route] of [
    ['an OpenAI-compatible', 'private/openai'],
    ['an Anthropic', 'private/anthropic'],
  ] as const) {
    test(`${upstreamKind} upstream: chat, messages and responses, streamed and not, are one request`, async () => {
      const upstream = route === 'private/openai' ? openaiUpstream : anthropicUpstream;
      const reference = semantics(await h.gateway.store.requestLog.get((await ask('chat', route, false)).requestId));
      for (const api of ['chat', 'messages', 'responses'] as const) {
        for (const stream of [false, true]) {
          const seen = upstream.requests.length;
          const answer = await ask(api, route, stream);
          const label = `${api}${stream ? ', streamed' : ''}`;
          assert.equal(answer.text, `echo: ${PROMPT}`, `${label}: the client gets its own values back`);
          const sent = upstream.requests
            .slice(seen)
            .map((r) => r.body)
            .join('\n');
          assert.ok(sent.length > 0 && !sent.includes(EMAIL), `${label}: the cloud model saw no email`);
          assert.match(sent, /<EMAIL_1_[a-z0-9]{4}>/, `${label}: the cloud model saw the placeholder`);
          const row = await h.gateway.store.requestLog.get(answer.requestId);
          assert.deepEqual(semantics(row), { ...reference }, `${label}: the same log row as chat completions`);
          assert.equal(row?.stream, stream);
        }
      }
      assert.deepEqual(reference.privacy, { action: 'pseudonymised', findings: { EMAIL_ADDRESS: 1 } });
      assert.ok((reference.cost as number) > 0 && (reference.baselineCost as number) > (reference.cost as number));
    });
  }
});
