/**
 * A flow on the PostgreSQL store: the parent row through the group-committed writer, its steps in
 * `request_steps` (migration 013), and the hourly rollup behind `tandem stats` counting the flow once.
 * Skipped when PostgreSQL is not reachable on 127.0.0.1:5432.
 */
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { postgresSkipReason, TEST_DATABASE_URL, testSchemas } from '../src/store/postgres/postgres-test-database.js';
import { startFlowUpstreams } from './helpers/flow-upstreams.js';
import { startGateway, twoModelConfig } from './helpers/gateway-harness.js';

const skip = await postgresSkipReason();
const schemas = testSchemas();
after(() => schemas.dropAll());

test('a triage-act flow on PostgreSQL: one parent row, its steps, and stats that count the flow once', { skip }, async () => {
  const up = await startFlowUpstreams();
  const h = await startGateway({
    ...twoModelConfig(up.cloud.url, up.local.url),
    store: { type: 'postgres', url: TEST_DATABASE_URL, schema: schemas.create(), pool_size: 3 },
    routes: {
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
    const { response } = await h.client.chat.completions
      .create({ model: 'support', messages: [{ role: 'user', content: 'refund-case please' }] })
      .withResponse();
    const id = response.headers.get('x-tandem-request-id') as string;
    const parent = await h.gateway.store.requestLog.get(id);
    const steps = (await h.gateway.store.flowSteps?.forParents([id]))?.get(id) ?? [];
    assert.deepEqual(
      steps.map((s) => [s.step, s.model, s.status]),
      [
        ['triage', 'large', 'ok'],
        ['action:refund', 'small', 'ok'],
      ],
    );
    assert.ok(parent && Math.abs(parent.cost - steps.reduce((sum, s) => sum + s.cost, 0)) < 1e-12);
    const stats = await h.gateway.store.stats.query({});
    const support = stats.filter((row) => row.route === 'support');
    assert.equal(
      support.reduce((n, row) => n + row.requests, 0),
      1,
      'the flow counts as one request',
    );
    assert.ok(Math.abs(support.reduce((sum, row) => sum + row.cost, 0) - parent.cost) < 1e-12, 'and its cost once');
  } finally {
    await h.close();
    await up.close();
  }
});
