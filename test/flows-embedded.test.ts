/**
 * A grammar-constrained triage step on the real embedded model (the shipped stories260K GGUF, run in
 * process): the triage schema becomes a node-llama-cpp JSON-schema grammar, so even a 260K-parameter model
 * that knows nothing about support tickets answers JSON that parses and matches, with no repair turn, and
 * the action for its intent answers on a fake local upstream.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { builtinConfig } from '../src/config/builtin-config.js';
import { startGateway, type Harness } from './helpers/gateway-harness.js';
import { startFlowUpstreams } from './helpers/flow-upstreams.js';

describe('triage on the embedded model with a JSON-schema grammar', () => {
  let h: Harness;
  let up: Awaited<ReturnType<typeof startFlowUpstreams>>;
  before(async () => {
    up = await startFlowUpstreams();
    const builtin = builtinConfig();
    h = await startGateway({
      models: {
        ...builtin.models,
        small: {
          provider: 'openai-compatible',
          base_url: `${up.local.url}/v1`,
          locality: 'local',
          pricing: { input_per_1m: 0.01, output_per_1m: 0.02 },
          timeout_ms: 2_000,
        },
      },
      routes: {
        tickets: {
          models: ['stories-260k', 'small'],
          flow: {
            type: 'triage-act',
            triage: { model: 'stories-260k', prompt: 'Once upon a time {{input}}', max_tokens: 48, temperature: 0 },
            schema: { type: 'object', properties: { intent: { type: 'string', enum: ['refund', 'faq'] } }, required: ['intent'], additionalProperties: false },
            actions: {
              refund: { model: 'small', prompt: 'Refund action for {{fields}}' },
              faq: { model: 'small', prompt: 'FAQ action for {{fields}}' },
            },
          },
        },
      },
    });
  });
  after(async () => {
    await h?.close();
    await up?.close();
  });

  test('the triage output always parses, so the action runs without a repair turn', async () => {
    const { data, response } = await h.client.chat.completions
      .create({ model: 'tickets', messages: [{ role: 'user', content: 'a little girl wanted her money back' }] })
      .withResponse();
    const steps = response.headers.get('x-tandem-flow-steps') ?? '';
    assert.match(steps, /^triage=stories-260k, action:(refund|faq)=small$/);
    const intent = /action:(refund|faq)/.exec(steps)?.[1];
    assert.equal(data.choices[0]?.message.content, `local answer to: ${intent === 'refund' ? 'Refund' : 'FAQ'} action for {"intent":"${intent}"}`);
    const id = response.headers.get('x-tandem-request-id') as string;
    const children = (await h.gateway.store.flowSteps?.forParents([id]))?.get(id) ?? [];
    assert.equal(children[0]?.tokensEstimated, false, 'the embedded model counts its own tokens');
    assert.equal(children[0]?.cost, 0);
  });
});
