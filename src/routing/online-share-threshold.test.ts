import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { seededRandom } from '../quality/eval/routing-metrics.js';
import { OnlineShareThreshold } from './online-share-threshold.js';

function realisedShare(hold: OnlineShareThreshold, scores: readonly number[]): number {
  let large = 0;
  for (const s of scores) if (hold.decide(s).large) large++;
  return large / scores.length;
}

describe('online llm_share hold (streaming quantile of recent scores)', () => {
  test('holds the share on scores squeezed into a narrow band no reference set saw', () => {
    const rand = seededRandom(3);
    // What a long constant prefix does to a learned scorer: every score within 0.001-0.01.
    const scores = Array.from({ length: 5000 }, () => 0.001 + 0.009 * rand());
    for (const share of [0.1, 0.3, 0.5, 0.8]) {
      const got = realisedShare(new OnlineShareThreshold({ llmShare: share, window: 500 }), scores);
      assert.ok(Math.abs(got - share) < 0.02, `share ${share}: realised ${got}`);
    }
  });

  test('follows a shift in the score distribution within one window', () => {
    const rand = seededRandom(5);
    const hold = new OnlineShareThreshold({ llmShare: 0.3, window: 400 });
    realisedShare(
      hold,
      Array.from({ length: 2000 }, () => 0.2 + 0.1 * rand()),
    );
    // Traffic changes: every score now above every score of before. A fixed threshold would send 100%.
    const shifted = Array.from({ length: 4000 }, () => 0.7 + 0.2 * rand());
    realisedShare(hold, shifted.slice(0, 400));
    const after = realisedShare(hold, shifted.slice(400));
    assert.ok(Math.abs(after - 0.3) < 0.02, `after the shift: ${after}`);
  });

  test('splits ties in proportion, so identical scores still give the share', () => {
    const hold = new OnlineShareThreshold({ llmShare: 0.25, window: 100 });
    const got = realisedShare(hold, new Array<number>(1000).fill(0.5));
    assert.ok(Math.abs(got - 0.25) < 0.01, `realised ${got}`);
    assert.equal(realisedShare(new OnlineShareThreshold({ llmShare: 0 }), [0.1, 0.9, 1]), 0);
    assert.equal(realisedShare(new OnlineShareThreshold({ llmShare: 1 }), [0.1, 0.9, 0]), 1);
  });

  test('the threshold it reports decides the score it was given', () => {
    const hold = new OnlineShareThreshold({ llmShare: 0.5, window: 50 });
    const rand = seededRandom(9);
    for (let i = 0; i < 500; i++) {
      const s = rand();
      const { large, threshold } = hold.decide(s);
      if (s > threshold) assert.ok(large);
      if (s < threshold) assert.ok(!large);
    }
    assert.throws(() => new OnlineShareThreshold({ llmShare: 1.2 }), /llm_share must be in \[0, 1\]/);
  });
});
