/** Streamed and non-streamed calls of the same request record the same usage and cost. */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { FakeUpstream } from '../src/providers/testing/fake-upstream.js';
import { startGateway, twoModelConfig, type Harness } from './helpers/gateway-harness.js';
import { startEchoUpstream } from './helpers/openai-upstream.js';

for (const reportsUsage of [true, false]) {
  describe(`accounting when the upstream ${reportsUsage ? 'reports' : 'does not report'} usage`, () => {
    let up: FakeUpstream;
    let h: Harness;
    before(async () => {
      up = await startEchoUpstream({ usage: reportsUsage });
      h = await startGateway(twoModelConfig(up.url, up.url));
    });
    after(async () => {
      await h.close();
      await up.close();
    });

    test('stream and non-stream record identical tokens, cost and baseline cost', async () => {
      const body = {
        model: 'tandem/auto',
        messages: [
          { role: 'system' as const, content: 'You are terse.' },
          { role: 'user' as const, content: 'Summarise the plot of Hamlet' },
        ],
      };
      const whole = await h.client.chat.completions.create(body).withResponse();
      const stream = await h.client.chat.completions.create({ ...body, stream: true }).withResponse();
      for await (const _ of stream.data) {
        // drain
      }
      const a = await h.gateway.store.requestLog.get(whole.response.headers.get('x-tandem-request-id') ?? '');
      const b = await h.gateway.store.requestLog.get(stream.response.headers.get('x-tandem-request-id') ?? '');
      assert.ok(a && b);
      assert.equal(a.stream, false);
      assert.equal(b.stream, true);
      for (const field of ['inputTokens', 'outputTokens', 'tokensEstimated', 'cost', 'baselineCost', 'model'] as const) {
        assert.equal(b[field], a[field], field);
      }
      assert.equal(a.tokensEstimated, !reportsUsage);
      assert.ok(a.inputTokens > 0 && a.outputTokens > 0);
      // small: $0.01 / $0.02 per 1M; baseline large: $2.5 / $10 per 1M
      assert.equal(a.cost, (a.inputTokens * 0.01 + a.outputTokens * 0.02) / 1e6);
      assert.equal(a.baselineCost, (a.inputTokens * 2.5 + a.outputTokens * 10) / 1e6);
    });
  });
}
