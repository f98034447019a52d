/**
 * Prometheus metrics end to end: real traffic through the gateway with the official client, then
 * `/metrics` read back with a strict exposition parser (and Debian's promtool when it is installed),
 * compared with what the request log recorded, and checked for bounded labels.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { after, before, describe, test } from 'node:test';
import { request } from 'undici';
import { startFakeUpstream, type FakeUpstream } from '../src/providers/testing/fake-upstream.js';
import type { RequestRecord } from '../src/spec/request-record.js';
import { AUTH_FAILURE_CODES, EDGE_LIMITS } from '../src/telemetry/metrics/gateway-metrics.js';
import { REASON_KINDS } from '../src/telemetry/metrics/reason-kind.js';
import { parseExposition, sampleValue, type MetricFamily } from '../src/telemetry/metrics/testing/parse-exposition.js';
import { startGateway, twoModelConfig, type Harness } from './helpers/gateway-harness.js';
import { startEchoUpstream } from './helpers/openai-upstream.js';

const ADMIN_KEY = 'admin-key-0123456789abcdef';
const API_KEY = 'sk-tandem-test';
const closers: Array<() => Promise<void>> = [];
after(async () => {
  for (const close of closers.reverse()) await close();
});

async function scrape(url: string, key?: string): Promise<{ status: number; contentType: string; text: string }> {
  const res = await request(url, { headers: key ? { authorization: `Bearer ${key}` } : {} });
  return { status: res.statusCode, contentType: String(res.headers['content-type']), text: await res.body.text() };
}

describe('GET /metrics after real traffic', () => {
  let h: Harness;
  let cloud: FakeUpstream;
  let failing: FakeUpstream;
  let families: Map<string, MetricFamily>;
  let text: string;
  let records: RequestRecord[];
  const hard =
    'Prove step by step that the sum of the first n odd numbers is n^2, then write a Python function that checks it for n up to 1000 and explain its complexity. '.repeat(
      6,
    );

  before(async () => {
    cloud = await startEchoUpstream();
    const local = await startEchoUpstream();
    failing = await startFakeUpstream({ '/v1/chat/completions': { status: 503, body: { error: { message: 'overloaded' } } } });
    closers.push(
      () => cloud.close(),
      () => local.close(),
      () => failing.close(),
    );
    const config = twoModelConfig(cloud.url, local.url);
    config.models.flaky = { provider: 'openai-compatible', base_url: `${failing.url}/v1`, locality: 'cloud', timeout_ms: 2_000 };
    config.routes = {
      ...config.routes,
      'tandem/fallback': {
        models: ['flaky', 'large'],
        router: { type: 'fixed', model: 'flaky' },
        retry: { max_attempts: 2, initial_backoff_ms: 1, max_backoff_ms: 5 },
      },
    };
    config.server = { api_keys: [API_KEY], admin_key: ADMIN_KEY };
    config.circuit_breaker = { failure_threshold: 50, cooldown_ms: 60_000 };
    config.telemetry = { metrics: { port: 0 } };
    h = await startGateway(config, { apiKey: API_KEY });
    closers.push(() => h.close());

    const ask = (model: string, content: string, stream = false) =>
      stream
        ? h.client.chat.completions
            .create({ model, messages: [{ role: 'user', content }], stream: true, stream_options: { include_usage: true } })
            .then(async (s) => {
              for await (const _ of s) void _;
            })
        : h.client.chat.completions.create({ model, messages: [{ role: 'user', content }] });
    await ask('tandem/auto', 'hi');
    await ask('tandem/auto', 'hello there');
    await ask('tandem/auto', 'hey', true);
    await ask('tandem/auto', hard);
    await ask('tandem/auto', 'mail me at jane.doe@example.com please');
    await ask('large', 'direct call');
    await ask('tandem/fallback', 'goes to large after flaky fails');
    await ask('tandem/fallback', 'again', true);
    // Client-chosen names must never become label values.
    for (const name of ['no-such-model-1', 'no-such-model-2', 'x'.repeat(40)]) {
      await assert.rejects(ask(name, 'x'), (e: { status?: number }) => e.status === 404);
    }
    records = await h.gateway.store.requestLog.recent({ limit: 1000 });
    const scraped = await scrape(`${h.url}/metrics`, ADMIN_KEY);
    assert.equal(scraped.status, 200);
    assert.match(scraped.contentType, /^text\/plain; version=0\.0\.4/);
    text = scraped.text;
    families = parseExposition(text);
  });

  test('needs the admin key on the API port; the metrics port needs none and serves the same families', async () => {
    assert.equal((await scrape(`${h.url}/metrics`)).status, 401);
    assert.equal((await scrape(`${h.url}/metrics`, API_KEY)).status, 401);
    const url = h.server.metricsUrl;
    assert.ok(url, 'telemetry.metrics.port started a listener');
    const separate = await scrape(url);
    assert.equal(separate.status, 200);
    assert.deepEqual([...parseExposition(separate.text).keys()].sort(), [...families.keys()].sort());
    assert.equal((await scrape(url.replace(/\/metrics$/, '/other'))).status, 404);
  });

  test('request counts by route, model, status and reason match the request log', () => {
    assert.equal(sampleValue(families, 'tandem_requests_total'), records.length);
    const count = (f: (r: RequestRecord) => boolean): number => records.filter(f).length;
    assert.equal(
      sampleValue(families, 'tandem_requests_total', { route: 'tandem/auto', model: 'small', status: '200', reason: 'scored' }),
      count((r) => r.route === 'tandem/auto' && r.model === 'small'),
    );
    assert.ok(count((r) => r.route === 'tandem/auto' && r.model === 'large') >= 1, 'the hard prompt went to the large model');
    assert.equal(sampleValue(families, 'tandem_requests_total', { route: '(direct)', model: 'large', reason: 'direct' }), 1);
    assert.equal(sampleValue(families, 'tandem_requests_total', { route: '(direct)', model: '(none)', status: '404', reason: 'rejected' }), 3);
    assert.equal(sampleValue(families, 'tandem_requests_total', { route: 'tandem/fallback', model: 'large', status: '200', reason: 'fixed' }), 2);
  });

  test('latency histograms per model count every answered request; TTFT only successes', () => {
    for (const model of ['small', 'large']) {
      const answered = records.filter((r) => r.model === model);
      assert.equal(sampleValue(families, 'tandem_request_duration_seconds_count', { model }), answered.length);
      assert.equal(sampleValue(families, 'tandem_time_to_first_token_seconds_count', { model }), answered.filter((r) => r.status === 200).length);
      const sum = answered.reduce((s, r) => s + r.totalMs / 1000, 0);
      assert.ok(Math.abs(sampleValue(families, 'tandem_request_duration_seconds_sum', { model }) - sum) < 1e-6);
    }
    assert.equal(sampleValue(families, 'tandem_overhead_seconds_count'), records.length);
  });

  test('tokens, cost and baseline cost per model equal the sums in the request log', () => {
    for (const model of ['small', 'large']) {
      const mine = records.filter((r) => r.model === model);
      assert.ok(mine.length > 0);
      assert.equal(
        sampleValue(families, 'tandem_tokens_total', { model, type: 'input' }),
        mine.reduce((s, r) => s + r.inputTokens, 0),
      );
      assert.equal(
        sampleValue(families, 'tandem_tokens_total', { model, type: 'output' }),
        mine.reduce((s, r) => s + r.outputTokens, 0),
      );
      const cost = mine.reduce((s, r) => s + r.cost, 0);
      const baseline = mine.reduce((s, r) => s + r.baselineCost, 0);
      assert.ok(Math.abs(sampleValue(families, 'tandem_cost_total', { model }) - cost) < 1e-12);
      assert.ok(Math.abs(sampleValue(families, 'tandem_baseline_cost_total', { model }) - baseline) < 1e-12);
    }
    assert.ok(sampleValue(families, 'tandem_baseline_cost_total') > sampleValue(families, 'tandem_cost_total'), 'the small model saved money');
    assert.equal(sampleValue(families, 'tandem_info', { currency: 'USD' }), 1);
  });

  test('retries, fallbacks, attempts and the circuit state per upstream', () => {
    // Each fallback request tried flaky twice (one retry), then moved on to large.
    assert.equal(failing.requests.length, 4);
    assert.equal(sampleValue(families, 'tandem_retries_total', { model: 'flaky' }), 2);
    assert.equal(sampleValue(families, 'tandem_fallbacks_total', { model: 'flaky' }), 2);
    assert.equal(sampleValue(families, 'tandem_upstream_attempts_total', { model: 'flaky', outcome: 'error' }), 4);
    assert.equal(sampleValue(families, 'tandem_upstream_attempts_total', { model: 'large', outcome: 'ok' }), records.filter((r) => r.model === 'large').length);
    const failingOrigin = new URL(failing.url).origin;
    assert.equal(sampleValue(families, 'tandem_circuit_breaker_state', { upstream: failingOrigin, state: 'closed' }), 1);
    assert.equal(sampleValue(families, 'tandem_circuit_breaker_state', { upstream: failingOrigin, state: 'open' }), 0);
  });

  test('privacy findings are counted by type, never by value', () => {
    assert.ok(sampleValue(families, 'tandem_privacy_findings_total', { type: 'EMAIL_ADDRESS' }) >= 1);
    assert.ok(sampleValue(families, 'tandem_privacy_actions_total', { route: 'tandem/auto' }) >= 1);
    assert.doesNotMatch(text, /jane\.doe|example\.com/);
  });

  test('names follow Prometheus conventions and every label stays in a bounded set', () => {
    const models = new Set([...h.gateway.models.keys(), '(none)', '(other)']);
    const routes = new Set([...h.gateway.routes.keys(), '(direct)', '(other)']);
    const allowed: Record<string, (v: string) => boolean> = {
      route: (v) => routes.has(v),
      model: (v) => models.has(v),
      status: (v) => /^[1-5]\d\d$/.test(v),
      reason: (v) => (REASON_KINDS as readonly string[]).includes(v),
      type: (v) => /^[A-Z_]+$/.test(v) || v === 'input' || v === 'output',
      upstream: (v) => [...h.gateway.models.values()].some((m) => m.upstreamKey === v),
      code: (v) => (AUTH_FAILURE_CODES as readonly string[]).includes(v) || v === '(other)',
      limit: (v) => (EDGE_LIMITS as readonly string[]).includes(v),
      le: () => true,
    };
    for (const family of families.values()) {
      if (!family.name.startsWith('tandem_')) continue;
      assert.ok(family.help.length > 10, `${family.name} has HELP`);
      if (family.type === 'counter') assert.match(family.name, /_total$/);
      if (family.type === 'histogram') assert.match(family.name, /_seconds$/);
      for (const sample of family.samples) {
        for (const [label, value] of Object.entries(sample.labels)) {
          const check = allowed[label];
          if (check) assert.ok(check(value), `${sample.name}{${label}="${value}"} is outside its bounded set`);
        }
      }
    }
    assert.doesNotMatch(text, /no-such-model|xxxxxxxx/);
    const series = [...families.values()].filter((f) => f.name.startsWith('tandem_')).reduce((n, f) => n + f.samples.length, 0);
    // Everything is keyed by config names: generous, but a label taking client input would blow past it.
    assert.ok(series < 400, `${series} series`);
  });

  test('the process metrics report this process: its memory, heap, start time and event-loop delay', () => {
    // The gateway runs in this test's process, so its own figures bound what /metrics may say.
    const rss = sampleValue(families, 'process_resident_memory_bytes');
    assert.ok(rss > 20e6 && rss <= process.memoryUsage.rss() * 1.5, `rss ${rss}`);
    const used = sampleValue(families, 'nodejs_heap_size_used_bytes');
    assert.ok(used > 1e6 && used <= sampleValue(families, 'nodejs_heap_size_total_bytes'), `heap used ${used}`);
    assert.ok(sampleValue(families, 'nodejs_external_memory_bytes') > 0);
    const started = sampleValue(families, 'process_start_time_seconds');
    assert.ok(Math.abs(started - (Date.now() / 1000 - process.uptime())) <= 2, `start ${started}`);
    const p50 = sampleValue(families, 'nodejs_eventloop_lag_p50_seconds');
    const p99 = sampleValue(families, 'nodejs_eventloop_lag_p99_seconds');
    const max = sampleValue(families, 'nodejs_eventloop_lag_max_seconds');
    assert.ok(p50 > 0 && p50 <= p99 && p99 <= max && max < 60, `delay ${p50} ${p99} ${max}`);
  });

  test("promtool accepts the exposition (when Debian's prometheus package is installed)", (t) => {
    if (spawnSync('promtool', ['--version']).error) {
      t.skip('promtool is not installed (apt-get install prometheus)');
      return;
    }
    const lint = execFileSync('promtool', ['check', 'metrics'], { input: text, encoding: 'utf8' });
    assert.equal(lint.trim(), '');
  });
});

describe('in-flight requests and switching metrics off', () => {
  test('a stream being answered shows in tandem_requests_in_flight', async () => {
    const slow = await startFakeUpstream({
      '/v1/chat/completions': {
        chunks: Array.from({ length: 50 }, (_, i) => `data: {"choices":[{"index":0,"delta":{"content":"w${i} "}}]}\n\n`),
        chunkDelayMs: 20,
      },
    });
    closers.push(() => slow.close());
    const h = await startGateway(twoModelConfig(slow.url, slow.url));
    closers.push(() => h.close());
    const stream = await h.client.chat.completions.create({ model: 'small', messages: [{ role: 'user', content: 'x' }], stream: true });
    const iterator = stream[Symbol.asyncIterator]();
    await iterator.next(); // the first chunk arrived: the request is in flight until the stream ends
    const during = parseExposition((await scrape(`${h.url}/metrics`)).text);
    assert.equal(sampleValue(during, 'tandem_requests_in_flight'), 1);
    stream.controller.abort();
    await iterator.return?.();
  });

  test('telemetry.metrics.enabled: false answers 404 with the setting to change', async () => {
    const up = await startEchoUpstream();
    closers.push(() => up.close());
    const h = await startGateway({ ...twoModelConfig(up.url, up.url), telemetry: { metrics: { enabled: false } } });
    closers.push(() => h.close());
    const res = await scrape(`${h.url}/metrics`);
    assert.equal(res.status, 404);
    assert.match(res.text, /telemetry\.metrics\.enabled/);
  });
});
