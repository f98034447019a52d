/**
 * OpenTelemetry spans of a flow: under the request's span, one `tandem.flow.step <name>` span per step,
 * and each step's own policy, routing and upstream-attempt spans nested under its step span.
 */
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { test } from 'node:test';
import { startGateway, twoModelConfig } from './helpers/gateway-harness.js';
import { startFlowUpstreams } from './helpers/flow-upstreams.js';

interface OtlpSpan {
  spanId: string;
  parentSpanId?: string;
  name: string;
}
interface OtlpExport {
  resourceSpans: Array<{ scopeSpans: Array<{ spans: OtlpSpan[] }> }>;
}

test('one span per step, nested under the request span, with the step attempts nested under it', async () => {
  const exports: OtlpExport[] = [];
  const receiver = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (body += chunk));
    req.on('end', () => {
      if (req.method === 'POST' && req.url === '/v1/traces') exports.push(JSON.parse(body) as OtlpExport);
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  const up = await startFlowUpstreams();
  try {
    const h = await startGateway({
      ...twoModelConfig(up.cloud.url, up.local.url),
      telemetry: { tracing: { otlp_endpoint: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/v1/traces` } },
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
    await h.client.chat.completions.create({ model: 'support', messages: [{ role: 'user', content: 'refund-case please' }] });
    await h.close(); // flushes the batch processor

    const spans = exports.flatMap((e) => e.resourceSpans.flatMap((r) => r.scopeSpans.flatMap((s) => s.spans)));
    const root = spans.find((s) => s.name === 'chat support');
    assert.ok(root, `a request span, among ${spans.map((s) => s.name).join(', ')}`);
    const steps = spans.filter((s) => s.parentSpanId === root.spanId && s.name.startsWith('tandem.flow.step '));
    assert.deepEqual(steps.map((s) => s.name).sort(), ['tandem.flow.step action:refund', 'tandem.flow.step triage']);
    for (const [step, upstreamModel] of [
      ['tandem.flow.step triage', 'chat gpt-4o'],
      ['tandem.flow.step action:refund', 'chat llama-3.2-1b'],
    ] as const) {
      const span = steps.find((s) => s.name === step) as OtlpSpan;
      const nested = spans.filter((s) => s.parentSpanId === span.spanId).map((s) => s.name);
      for (const name of ['tandem.policies', 'tandem.routing', upstreamModel]) assert.ok(nested.includes(name), `${name} under ${step}: ${nested.join(', ')}`);
    }
  } finally {
    await up.close();
    await new Promise<void>((resolve) => {
      receiver.close(() => resolve());
      receiver.closeAllConnections();
    });
  }
});
