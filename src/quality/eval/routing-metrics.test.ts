import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { LabelledExample } from '../datasets/labelled-dataset.js';
import {
  averagePgr,
  callPerformanceThreshold,
  mergeEqualPoints,
  oracleCurve,
  qcutEdges,
  randomCurve,
  routingCurve,
  summarizeCurve,
} from './routing-metrics.js';

function ex(weak: number, strong: number, i: number): LabelledExample {
  return { id: String(i), prompt: `p${i}`, weak, strong };
}

describe('qcutEdges', () => {
  test('matches pandas qcut edges (linear quantiles) on 0..9', () => {
    const edges = qcutEdges([9, 0, 1, 2, 3, 4, 5, 6, 7, 8], 10);
    assert.deepEqual(
      edges.map((e) => Number(e.toFixed(6))),
      [0, 0.9, 1.8, 2.7, 3.6, 4.5, 5.4, 6.3, 7.2, 8.1, 9],
    );
  });
});

describe('routingCurve', () => {
  // Four prompts: the weak model fails on the two highest-scored ones, which the strong model solves.
  const examples = [ex(1, 1, 0), ex(1, 0, 1), ex(0, 1, 2), ex(0, 1, 3)];
  const scores = [0.1, 0.2, 0.8, 0.9];

  test('uses >= for edges 0..9 and > for the last edge, and merges equal strong-call shares', () => {
    const points = routingCurve({ examples, scores, bins: 2 });
    // Edges: 0.1, 0.5, 0.9 -> strong sets {all}, {2,3}, {} -> 100%, 50%, 0%.
    assert.deepEqual(
      points.map((p) => [p.strongPct, p.accuracy]),
      [
        [0, 50],
        [50, 100],
        [100, 75],
      ],
    );
  });

  test('a cascade pays for the small call on escalated prompts, a router does not', () => {
    const costs = { weak: () => 1, strong: () => 10 };
    const route = routingCurve({ examples, scores, bins: 2, costs });
    const cascade = routingCurve({ examples, scores, bins: 2, costs, mode: 'cascade' });
    assert.deepEqual(
      route.map((p) => p.cost),
      [1, 5.5, 10],
    );
    assert.deepEqual(
      cascade.map((p) => p.cost),
      [1, 6, 11],
    );
  });

  test('averages points that share a strong-call % (tied scores)', () => {
    const merged = mergeEqualPoints([
      { strongPct: 50, accuracy: 70 },
      { strongPct: 0, accuracy: 60 },
      { strongPct: 50, accuracy: 80 },
    ]);
    assert.deepEqual(merged, [
      { strongPct: 0, accuracy: 60 },
      { strongPct: 50, accuracy: 75 },
    ]);
  });
});

describe('CPT and APGR', () => {
  const points = [
    { strongPct: 0, accuracy: 60 },
    { strongPct: 50, accuracy: 70 },
    { strongPct: 100, accuracy: 80 },
  ];

  test('CPT interpolates linearly between points', () => {
    // Target for 50% of the gap: 70 -> exactly 50%. 20%: 64 -> 20%. 80%: 76 -> 80%.
    assert.equal(callPerformanceThreshold(points, 60, 80, 0.5), 50);
    assert.ok(Math.abs(callPerformanceThreshold(points, 60, 80, 0.2) - 20) < 1e-9);
    assert.ok(Math.abs(callPerformanceThreshold(points, 60, 80, 0.8) - 80) < 1e-9);
  });

  test('a linear curve (random router) has APGR 0.5; a concave one more', () => {
    assert.ok(Math.abs(averagePgr(points, 60, 80) - 0.5) < 1e-12);
    const good = [
      { strongPct: 0, accuracy: 60 },
      { strongPct: 50, accuracy: 80 },
      { strongPct: 100, accuracy: 80 },
    ];
    // AUC = 0.5 * 70 + 0.5 * 80 = 75 -> (75 - 60) / (80 - 60) = 0.75.
    assert.ok(Math.abs(averagePgr(good, 60, 80) - 0.75) < 1e-12);
    assert.equal(summarizeCurve(good, 60, 80).cpt50, 25);
  });
});

describe('baselines', () => {
  const examples = Array.from({ length: 200 }, (_, i) => ex(i % 3 === 0 ? 0 : 1, i % 5 === 0 ? 0 : 1, i));

  test('the random router sits near APGR 0.5 and is reproducible', () => {
    const a = randomCurve({ examples });
    const b = randomCurve({ examples });
    assert.deepEqual(a, b);
    const weak = (100 * examples.filter((e) => e.weak).length) / examples.length;
    const strong = (100 * examples.filter((e) => e.strong).length) / examples.length;
    const apgr = averagePgr(a, weak, strong);
    assert.ok(apgr > 0.35 && apgr < 0.65, `random APGR ${apgr}`);
  });

  test('the oracle sends only prompts the strong model wins, counting a fractional call at the budget edge', () => {
    const tiny = [ex(0, 1, 0), ex(1, 1, 1), ex(1, 0, 2), ex(0, 0, 3)];
    const curve = oracleCurve({ examples: tiny, steps: 10 });
    // One prompt to win: 10% of 4 calls = 0.4 call -> accuracy (2 + 0.4) / 4.
    assert.equal(curve[0]?.accuracy, 50);
    assert.ok(Math.abs((curve[1]?.accuracy ?? 0) - 60) < 1e-9);
    assert.equal(curve[10]?.accuracy, 75);
  });
});
