/**
 * Flows under a `pseudonymise` privacy policy and a spend budget, over the official OpenAI client: every
 * step sees the placeholder copy (cloud and local alike) and the client gets its own values back, restored
 * once in the final answer, whole or streamed; the budget reserves the flow's worst case up front (a flow
 * whose worst case does not fit is refused before any model is called) and settles on the parent's cost.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { TandemConfigInput } from '../src/config/schema.js';
import { startGateway, twoModelConfig, type Harness } from './helpers/gateway-harness.js';
import { startFlowUpstreams } from './helpers/flow-upstreams.js';

type Upstreams = Awaited<ReturnType<typeof startFlowUpstreams>>;

const EMAIL = 'jane.doe@example.com';

function config(up: Upstreams, spendPerDay: number): TandemConfigInput {
  return {
    ...twoModelConfig(up.cloud.url, up.local.url),
    limits: { per_key: { spend_per_day: spendPerDay } },
    routes: {
      support: {
        models: ['large', 'small'],
        policies: [{ type: 'privacy', mode: 'pseudonymise', types: ['EMAIL_ADDRESS'] }],
        flow: {
          type: 'triage-act',
          triage: { model: 'large', prompt: 'Classify this support ticket: {{input}}', max_tokens: 100 },
          schema: { type: 'object', properties: { intent: { type: 'string' }, order_id: { type: 'string' } }, required: ['intent'] },
          actions: { refund: { model: 'small', prompt: 'Confirm the refund of {{fields.order_id}} to {{input}}', max_tokens: 100 } },
        },
      },
    },
  };
}

describe('flows with pseudonymisation and a budget', () => {
  let up: Upstreams;
  let h: Harness;
  before(async () => {
    up = await startFlowUpstreams();
    h = await startGateway(config(up, 1));
  });
  after(async () => {
    await h?.close();
    await up?.close();
  });

  test('every step sees placeholders; the answer is restored once, whole and streamed', async () => {
    const content = `refund-case for ${EMAIL}, the parcel was crushed`;
    const whole = await h.client.chat.completions.create({ model: 'support', messages: [{ role: 'user', content }] }).withResponse();
    const text = whole.data.choices[0]?.message.content ?? '';
    assert.match(text, /^local answer to: Confirm the refund of A-1001 to refund-case for jane\.doe@example\.com, the parcel was crushed/);
    assert.equal(whole.response.headers.get('x-tandem-flow-steps'), 'triage=large, action:refund=small');

    const stream = await h.client.chat.completions.create({
      model: 'support',
      stream: true,
      stream_options: { include_usage: true },
      messages: [{ role: 'user', content }],
    });
    let streamed = '';
    for await (const chunk of stream) streamed += chunk.choices[0]?.delta.content ?? '';
    assert.equal(streamed, text);

    for (const request of [...up.cloud.requests, ...up.local.requests]) {
      assert.ok(!request.body.includes(EMAIL), 'no step, cloud or local, saw the address');
    }
    assert.ok(
      up.local.requests.some((r) => /<EMAIL_1(_[a-z0-9]{4})?>/.test(r.body)),
      'the action saw the placeholder',
    );
    // The log keeps both bodies with placeholders, as on any pseudonymise route.
    const row = await h.gateway.store.requestLog.get(whole.response.headers.get('x-tandem-request-id') ?? '');
    assert.ok(row?.requestBody && row.responseBody, 'both bodies are logged');
    assert.ok(!row.requestBody.includes(EMAIL) && !row.responseBody.includes(EMAIL), 'without the address');
    assert.match(row.responseBody, /Confirm the refund of A-1001 to refund-case for <EMAIL_1(_[a-z0-9]{4})?>/);
    const steps = (await h.gateway.store.flowSteps?.forParents([row.id]))?.get(row.id) ?? [];
    assert.deepEqual(
      steps.map((s) => [s.step, s.privacy]),
      [
        ['triage', 'pseudonymised'],
        ['action:refund', 'pseudonymised'],
      ],
    );
  });

  test('the budget reserves the worst case up front and settles on the parent cost', async () => {
    const ask = () => h.client.chat.completions.create({ model: 'support', messages: [{ role: 'user', content: 'refund-case please' }] }).withResponse();
    const first = await ask();
    const second = await ask();
    const remaining = (r: typeof first): number => Number(r.response.headers.get('x-tandem-budget-remaining-day'));
    const firstRow = await h.gateway.store.requestLog.get(
      first.response.headers.get('x-request-id') ?? first.response.headers.get('x-tandem-request-id') ?? '',
    );
    assert.ok(firstRow && firstRow.cost > 0);
    // Each header is the budget left after that flow's reservation; the same flow reserves the same worst
    // case, so the difference is what the first flow settled on: its parent row's cost.
    assert.ok(Math.abs(remaining(first) - remaining(second) - firstRow.cost) < 2e-6, `${remaining(first)} - ${remaining(second)} vs ${firstRow.cost}`);
  });

  test('a flow whose worst case does not fit the budget is refused before any model is called', async () => {
    const tight = await startGateway(config(up, 0.000_01));
    try {
      const calls = up.cloud.requests.length + up.local.requests.length;
      const error = await tight.client.chat.completions.create({ model: 'support', messages: [{ role: 'user', content: 'refund-case please' }] }).then(
        () => assert.fail('expected 429'),
        (e: unknown) => e as { status: number; message: string },
      );
      assert.equal(error.status, 429);
      assert.match(error.message, /Budget exceeded/);
      assert.equal(up.cloud.requests.length + up.local.requests.length, calls);
    } finally {
      await tight.close();
    }
  });
});
