/**
 * The Grafana dashboard (deploy/grafana/tandem.json) and docs/observability.md against the metrics the
 * gateway really registers: the dashboard parses, every query names only metrics that exist (histogram
 * series only through histogram_quantile or _sum/_count), its PromQL passes `promtool check rules` when
 * promtool is installed, and the docs list every metric and nothing else.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { CircuitBreaker } from '../src/routing/circuit-breaker.js';
import { GatewayMetrics } from '../src/telemetry/metrics/gateway-metrics.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const metrics = new GatewayMetrics({
  models: new Map(),
  routes: new Map(),
  breaker: new CircuitBreaker({ failureThreshold: 1, cooldownMs: 1 }),
  activeRequests: 0,
  config: { currency: 'USD' },
});
/** Tandem's own metric names and the process metrics' (process_*, nodejs_*). */
const METRIC_NAME = /\b(?:tandem|process|nodejs)_[a-z0-9_]+/g;
const registered = new Map(metrics.registry.getMetricsAsArray().map((m) => [m.name, String(m.type)]));

interface Panel {
  id: number;
  type: string;
  title: string;
  gridPos: { x: number; y: number; w: number; h: number };
  datasource?: { uid?: string };
  targets?: Array<{ expr: string; refId: string; datasource?: { uid?: string } }>;
}
const dashboard = JSON.parse(readFileSync(join(root, 'deploy/grafana/tandem.json'), 'utf8')) as {
  uid: string;
  title: string;
  schemaVersion: number;
  panels: Panel[];
  templating: { list: Array<{ name: string; type: string }> };
};
const queries = dashboard.panels.flatMap((p) => (p.targets ?? []).map((t) => ({ panel: p.title, expr: t.expr, uid: t.datasource?.uid })));

describe('deploy/grafana/tandem.json', () => {
  test('is a dashboard with unique panel ids, on a grid, reading a chosen Prometheus data source', () => {
    assert.equal(dashboard.uid, 'tandem-gateway');
    assert.ok(dashboard.schemaVersion >= 36);
    assert.ok(dashboard.templating.list.some((v) => v.name === 'datasource' && v.type === 'datasource'));
    const ids = dashboard.panels.map((p) => p.id);
    assert.equal(new Set(ids).size, ids.length);
    for (const p of dashboard.panels) {
      assert.ok(p.gridPos.x >= 0 && p.gridPos.x + p.gridPos.w <= 24, `${p.title} fits the 24-column grid`);
      if (p.type !== 'row') assert.ok((p.targets ?? []).length > 0, `${p.title} has a query`);
    }
    assert.ok(queries.length >= 20);
    for (const q of queries) assert.equal(q.uid, '${datasource}', q.panel);
  });

  test('every query names only registered metrics, histograms through their series', () => {
    const used = new Set<string>();
    for (const { panel, expr } of queries) {
      for (const [name] of expr.matchAll(METRIC_NAME)) {
        const histogram = /^(.*)_(bucket|sum|count)$/.exec(name);
        if (histogram && registered.get(histogram[1] ?? '') === 'histogram') {
          if (histogram[2] === 'bucket') assert.match(expr, /histogram_quantile\(/, `${panel}: ${name} outside histogram_quantile`);
          used.add(histogram[1] ?? '');
          continue;
        }
        assert.ok(registered.has(name), `${panel}: ${name} is not a Tandem metric`);
        assert.notEqual(registered.get(name), 'histogram', `${panel}: ${name} is a histogram; use its _bucket/_sum/_count`);
        used.add(name);
      }
    }
    // The dashboard shows every metric except the currency label holder.
    const unused = [...registered.keys()].filter((n) => !used.has(n) && n !== 'tandem_info');
    assert.deepEqual(unused, []);
  });

  test("promtool accepts every query (when Debian's prometheus package is installed)", (t) => {
    if (spawnSync('promtool', ['--version']).error) {
      t.skip('promtool is not installed (apt-get install prometheus)');
      return;
    }
    const dir = mkdtempSync(join(tmpdir(), 'tandem-grafana-'));
    try {
      // Grafana's own variables are not PromQL: substitute what Grafana would.
      const rules = queries.map(
        (q, i) =>
          `      - record: tandem:panel_${i}\n        expr: ${JSON.stringify(q.expr.replaceAll('$__rate_interval', '1m').replaceAll('$__range', '1h'))}`,
      );
      const file = join(dir, 'rules.yaml');
      writeFileSync(file, `groups:\n  - name: dashboard\n    rules:\n${rules.join('\n')}\n`);
      const result = spawnSync('promtool', ['check', 'rules', file], { encoding: 'utf8' });
      assert.equal(result.status, 0, result.stdout + result.stderr);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('docs/observability.md', () => {
  const doc = readFileSync(join(root, 'docs/observability.md'), 'utf8');

  test('lists every metric with its type, and no metric that does not exist', () => {
    for (const [name, type] of registered) {
      const row = doc.split('\n').find((line) => line.startsWith(`| \`${name}\``));
      assert.ok(row, `${name} has a row in the metrics table`);
      assert.ok(row.includes(`| ${type} |`), `${name} is documented as a ${type}`);
    }
    for (const [name] of doc.matchAll(METRIC_NAME)) {
      const base = name.replace(/_(bucket|sum|count)$/, '');
      assert.ok(registered.has(name) || registered.has(base), `the docs name ${name}, which is not registered`);
    }
  });

  test('lists the span attributes the tracing code sets', () => {
    const sources = ['request-span.ts', 'request-span-attributes.ts', 'routing-spans.ts']
      .map((f) => readFileSync(join(root, 'src/telemetry/tracing', f), 'utf8'))
      .join('\n');
    const attributes = new Set([...sources.matchAll(/'((?:gen_ai|tandem|http|error)\.[a-z_.]+)'/g)].map((m) => m[1] ?? ''));
    assert.ok(attributes.size >= 20);
    for (const attribute of attributes) assert.ok(doc.includes(`\`${attribute}\``), `${attribute} is documented`);
  });
});
