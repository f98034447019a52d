import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { LabelledExample } from '../datasets/labelled-dataset.js';
import { exactRandomCurve, routerUncertainty } from './resampling.js';
import { seededRandom } from './routing-metrics.js';

/** 600 prompts: the weak model fails a third of them, the strong model almost none. */
function examples(): LabelledExample[] {
  const rand = seededRandom(11);
  return Array.from({ length: 600 }, (_, i) => ({ id: String(i), prompt: `p${i}`, weak: rand() < 0.33 ? 0 : 1, strong: rand() < 0.95 ? 1 : 0 }));
}

describe('uncertainty of a routing evaluation', () => {
  const data = examples();

  test('a router that knows which prompts need the strong model: a tight interval above random, p at its floor', () => {
    const rand = seededRandom(2);
    const scores = data.map((e) => (e.strong - e.weak + 1) / 2 + 0.3 * rand());
    const u = routerUncertainty({ examples: data, scores, resamples: 200 });
    assert.ok(u.apgr95[0] > 0.6 && u.apgr95[0] < u.apgr95[1], `interval ${u.apgr95}`);
    assert.equal(u.pVsRandom, 1 / 201);
    assert.equal(u.prompts, 600);
  });

  test('routers that know nothing: the intervals cover 0.5 and p is small only as often as chance says', () => {
    let covered = 0;
    let significant = 0;
    const draws = 20;
    for (let seed = 1; seed <= draws; seed++) {
      const rand = seededRandom(1000 + seed);
      const u = routerUncertainty({ examples: data, scores: data.map(() => rand()), resamples: 200, seed });
      if (u.apgr95[0] < 0.5 && u.apgr95[1] > 0.5) covered++;
      if (u.pVsRandom <= 0.05) significant++;
    }
    // Expected: ~19 of 20 intervals cover 0.5, ~1 of 20 p-values at or below 0.05.
    assert.ok(covered >= 16, `${covered} of ${draws} intervals cover 0.5`);
    assert.ok(significant <= 4, `${significant} of ${draws} random routers "beat" random at p <= 0.05`);
  });

  test('the exact random row is the expectation: CPT(x) = x and APGR = 0.5', () => {
    const { summary, curve } = exactRandomCurve(68.09, 80.59);
    assert.equal(curve.length, 11);
    assert.ok(Math.abs(summary.apgr - 0.5) < 1e-12);
    assert.ok(Math.abs(summary.cpt20 - 20) < 1e-9 && Math.abs(summary.cpt50 - 50) < 1e-9 && Math.abs(summary.cpt80 - 80) < 1e-9);
  });
});
