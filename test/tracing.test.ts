/**
 * OpenTelemetry end to end: a real OTLP/HTTP receiver on loopback gets the spans the gateway exports,
 * with the client's trace continued from `traceparent`, the span tree (request -> policies, routing, one
 * span per upstream attempt, store write), and the GenAI and Tandem attributes matching the request log.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { after, describe, test } from 'node:test';
import { startFakeUpstream } from '../src/providers/testing/fake-upstream.js';
import { activeTracer } from '../src/telemetry/tracing/tandem-tracer.js';
import { startGateway, twoModelConfig } from './helpers/gateway-harness.js';
import { startEchoUpstream } from './helpers/openai-upstream.js';

interface OtlpValue {
  stringValue?: string;
  intValue?: string | number;
  doubleValue?: number;
  boolValue?: boolean;
  arrayValue?: { values?: OtlpValue[] };
}
interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  status?: { code?: number };
  attributes?: Array<{ key: string; value: OtlpValue }>;
}
interface OtlpExport {
  resourceSpans: Array<{ resource?: { attributes?: Array<{ key: string; value: OtlpValue }> }; scopeSpans: Array<{ spans: OtlpSpan[] }> }>;
}

const closers: Array<() => Promise<void>> = [];
after(async () => {
  for (const close of closers.reverse()) await close();
});

/** What an OTLP collector would receive: every POSTed JSON export, decoded. */
async function startOtlpReceiver(): Promise<{ url: string; exports: OtlpExport[]; contentTypes: string[] }> {
  const exports: OtlpExport[] = [];
  const contentTypes: string[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (body += chunk));
    req.on('end', () => {
      contentTypes.push(String(req.headers['content-type']));
      if (req.method === 'POST' && req.url === '/v1/traces') exports.push(JSON.parse(body) as OtlpExport);
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  closers.push(
    () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections(); // the exporter keeps its connection alive
      }),
  );
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/traces`, exports, contentTypes };
}

function attr(span: OtlpSpan | undefined, key: string): unknown {
  const value = span?.attributes?.find((a) => a.key === key)?.value;
  if (value === undefined) return undefined;
  if (value.intValue !== undefined) return Number(value.intValue);
  if (value.arrayValue !== undefined) return (value.arrayValue.values ?? []).map((v) => v.stringValue);
  return value.stringValue ?? value.doubleValue ?? value.boolValue;
}

describe('tracing off', () => {
  test('without telemetry.tracing no SDK module is loaded and no tracer is active', async () => {
    const up = await startEchoUpstream();
    closers.push(() => up.close());
    const h = await startGateway(twoModelConfig(up.url, up.url));
    await h.client.chat.completions.create({ model: 'tandem/auto', messages: [{ role: 'user', content: 'hi' }] });
    await h.close();
    assert.equal(activeTracer(), undefined);
    const loaded = Object.keys(createRequire(import.meta.url).cache);
    assert.ok(
      loaded.some((p) => p.includes('@opentelemetry/api')),
      'the API is loaded (the sanity check of this check)',
    );
    assert.deepEqual(
      loaded.filter((p) => /@opentelemetry\/(sdk-trace|exporter|otlp|resources)/.test(p)),
      [],
    );
  });
});

describe('tracing on, exported over OTLP/HTTP JSON', () => {
  test('continues the client trace with the request span tree, fallbacks visible', async () => {
    const receiver = await startOtlpReceiver();
    const cloud = await startEchoUpstream();
    const failing = await startFakeUpstream({ '/v1/chat/completions': { status: 503, body: { error: { message: 'overloaded' } } } });
    closers.push(
      () => cloud.close(),
      () => failing.close(),
    );
    const config = twoModelConfig(cloud.url, cloud.url);
    config.models.flaky = { provider: 'openai-compatible', base_url: `${failing.url}/v1`, model: 'flaky-1', locality: 'cloud', timeout_ms: 2_000 };
    config.routes = {
      ...config.routes,
      'tandem/fallback': {
        models: ['flaky', 'large'],
        router: { type: 'fixed', model: 'flaky' },
        retry: { max_attempts: 2, initial_backoff_ms: 1, max_backoff_ms: 5 },
      },
    };
    config.telemetry = { tracing: { otlp_endpoint: receiver.url, service_name: 'tandem-under-test' } };
    const h = await startGateway(config);

    const traceId = randomBytes(16).toString('hex');
    const clientSpanId = randomBytes(8).toString('hex');
    const traceparent = `00-${traceId}-${clientSpanId}-01`;
    await h.client.chat.completions.create({ model: 'tandem/fallback', messages: [{ role: 'user', content: 'hello' }] }, { headers: { traceparent } });
    const stream = await h.client.chat.completions.create({
      model: 'tandem/auto',
      messages: [{ role: 'user', content: 'hi there' }],
      stream: true,
      stream_options: { include_usage: true },
    });
    for await (const _ of stream) void _;
    const records = await h.gateway.store.requestLog.recent({ limit: 10 });
    await h.close(); // flushes the batch processor

    assert.ok(receiver.exports.length > 0, 'the receiver got at least one export');
    assert.ok(receiver.contentTypes.every((t) => t.startsWith('application/json')));
    const resource = receiver.exports[0]?.resourceSpans[0]?.resource;
    assert.equal(resource?.attributes?.find((a) => a.key === 'service.name')?.value.stringValue, 'tandem-under-test');
    const spans = receiver.exports.flatMap((e) => e.resourceSpans.flatMap((r) => r.scopeSpans.flatMap((s) => s.spans)));

    // The client's trace: the request span is a child of the client's span.
    const fallbackRecord = records.find((r) => r.route === 'tandem/fallback');
    const root = spans.find((s) => s.traceId === traceId && s.parentSpanId === clientSpanId);
    assert.ok(root, 'a span continues the client trace');
    assert.equal(root.name, 'chat tandem/fallback');
    assert.equal(root.kind, 2, 'SERVER');
    assert.equal(attr(root, 'gen_ai.operation.name'), 'chat');
    assert.equal(attr(root, 'gen_ai.request.model'), 'tandem/fallback');
    assert.equal(attr(root, 'gen_ai.response.model'), 'gpt-4o');
    assert.equal(attr(root, 'gen_ai.provider.name'), 'openai-compatible');
    assert.equal(attr(root, 'gen_ai.usage.input_tokens'), fallbackRecord?.inputTokens);
    assert.equal(attr(root, 'gen_ai.usage.output_tokens'), fallbackRecord?.outputTokens);
    assert.equal(attr(root, 'tandem.route'), 'tandem/fallback');
    assert.equal(attr(root, 'tandem.decision.reason'), fallbackRecord?.reason);
    assert.equal(attr(root, 'http.response.status_code'), 200);

    const children = spans.filter((s) => s.parentSpanId === root.spanId);
    assert.ok(children.every((s) => s.traceId === traceId));
    const names = children.map((s) => s.name);
    for (const name of ['tandem.policies', 'tandem.routing', 'tandem.store.append']) assert.ok(names.includes(name), `${name} in ${names.join(', ')}`);
    const attempts = children.filter((s) => s.name.startsWith('chat ')).sort((a, b) => Number(attr(a, 'tandem.attempt')) - Number(attr(b, 'tandem.attempt')));
    assert.deepEqual(
      attempts.map((s) => [s.name, attr(s, 'tandem.model'), s.status?.code ?? 0]),
      [
        ['chat flaky-1', 'flaky', 2],
        ['chat flaky-1', 'flaky', 2],
        ['chat gpt-4o', 'large', 0],
      ],
      'two failed tries of flaky (a retry), then the fallback to large',
    );
    assert.equal(attr(attempts[0], 'http.response.status_code'), 503);
    assert.equal(attempts[0]?.kind, 3, 'CLIENT');
    assert.deepEqual(
      attr(
        children.find((s) => s.name === 'tandem.routing'),
        'tandem.fallback_order',
      ),
      ['large'],
    );

    // Without a traceparent: a new trace whose routing span carries the scored router's score and threshold.
    const autoRecord = records.find((r) => r.route === 'tandem/auto');
    const autoRoot = spans.find((s) => s.name === 'chat tandem/auto');
    assert.ok(autoRoot && autoRecord);
    assert.notEqual(autoRoot.traceId, traceId);
    assert.equal(autoRoot.parentSpanId || undefined, undefined);
    const routing = spans.find((s) => s.parentSpanId === autoRoot.spanId && s.name === 'tandem.routing');
    assert.equal(attr(routing, 'tandem.router.score'), autoRecord.score);
    assert.equal(attr(routing, 'tandem.router.threshold'), autoRecord.threshold);
    assert.equal(attr(autoRoot, 'tandem.router.score'), autoRecord.score);
    assert.equal(attr(autoRoot, 'tandem.stream'), true);
    assert.equal(activeTracer(), undefined, 'closing the server turned tracing off');
  });
});
