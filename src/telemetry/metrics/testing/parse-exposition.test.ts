import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Counter, Histogram, Registry } from 'prom-client';
import { parseExposition, sampleValue } from './parse-exposition.js';

test('reads prom-client output back, labelled histograms included', async () => {
  const registry = new Registry();
  new Counter({ name: 'x_total', help: 'x', labelNames: ['a'], registers: [registry] }).labels('q"\\').inc(2);
  const h = new Histogram({ name: 'y_seconds', help: 'y', labelNames: ['m'], buckets: [0.1, 1], registers: [registry] });
  h.labels('p').observe(0.5);
  h.labels('q').observe(0.05);
  h.labels('q').observe(3);
  const families = parseExposition(await registry.metrics());
  assert.equal(families.get('x_total')?.type, 'counter');
  assert.equal(sampleValue(families, 'x_total', { a: 'q"\\' }), 2);
  assert.equal(sampleValue(families, 'y_seconds_count', { m: 'q' }), 2);
  assert.equal(sampleValue(families, 'y_seconds_bucket', { m: 'q', le: '0.1' }), 1);
  assert.equal(sampleValue(families, 'y_seconds_bucket', { m: 'p', le: '+Inf' }), 1);
});

test('rejects what Prometheus would reject', () => {
  const bad = [
    'x_total 1', // no TYPE
    '# TYPE x counter\nx{1a="b"} 1',
    '# TYPE x counter\nx 1\nx 2',
    '# TYPE x counter\nx -1',
    '# TYPE h histogram\nh_bucket{le="1"} 2\nh_bucket{le="+Inf"} 1\nh_sum 1\nh_count 1',
    '# TYPE h histogram\nh_bucket{le="1"} 1\nh_bucket{le="+Inf"} 1\nh_sum 1\nh_count 2',
    '# TYPE x gauge\nx{a="b} 1',
  ];
  for (const text of bad) assert.throws(() => parseExposition(text), Error, text);
});
