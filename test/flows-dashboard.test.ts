/** The admin dashboard's request detail of a flow carries its steps, for the timeline the dashboard draws. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { RequestDetail } from '../src/api/admin-dashboard-types.js';
import { startGateway, twoModelConfig } from './helpers/gateway-harness.js';
import { startFlowUpstreams } from './helpers/flow-upstreams.js';

test('GET /admin/dashboard/request of a flow lists its steps on the request time axis; a plain request has none', async () => {
  const up = await startFlowUpstreams();
  const h = await startGateway({
    ...twoModelConfig(up.cloud.url, up.local.url),
    routes: {
      ...twoModelConfig(up.cloud.url, up.local.url).routes,
      support: {
        models: ['large', 'small'],
        flow: {
          type: 'triage-act',
          triage: { model: 'large', prompt: 'Classify: {{input}}' },
          schema: { type: 'object', properties: { intent: { type: 'string' } }, required: ['intent'] },
          actions: { refund: { model: 'small', prompt: 'Refund {{fields.order_id}}' } },
        },
      },
    },
  });
  try {
    const flow = await h.client.chat.completions.create({ model: 'support', messages: [{ role: 'user', content: 'refund-case please' }] }).withResponse();
    const plain = await h.client.chat.completions.create({ model: 'small', messages: [{ role: 'user', content: 'hello' }] }).withResponse();
    const detail = async (id: string | null): Promise<RequestDetail> => {
      const response = await fetch(`${h.url}/admin/dashboard/request?id=${id}`);
      assert.equal(response.status, 200);
      return (await response.json()) as RequestDetail;
    };
    const d = await detail(flow.response.headers.get('x-tandem-request-id'));
    assert.deepEqual(
      d.steps?.map((s) => [s.step, s.model, s.status]),
      [
        ['triage', 'large', 'ok'],
        ['action:refund', 'small', 'ok'],
      ],
    );
    const [triage, action] = d.steps ?? [];
    assert.ok(triage && action && action.startMs >= triage.startMs + triage.durationMs, 'the action starts after the triage ends');
    assert.ok(action.startMs + action.durationMs <= d.totalMs + 1);
    assert.equal((await detail(plain.response.headers.get('x-tandem-request-id'))).steps, undefined);
  } finally {
    await h.close();
    await up.close();
  }
});
