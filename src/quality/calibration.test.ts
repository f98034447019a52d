import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { referenceQuantiles, thresholdForShare } from './calibration.js';

describe('calibration to an llm_share', () => {
  const scores = Array.from({ length: 1000 }, (_, i) => i / 999);
  const grid = referenceQuantiles(scores);

  test('the threshold for 30% is the 70th percentile, sending ~30% of the reference to the large model', () => {
    const t = thresholdForShare(grid, 0.3);
    assert.ok(Math.abs(t - 0.7) < 0.002, `threshold ${t}`);
    const sent = scores.filter((s) => s >= t).length / scores.length;
    assert.ok(Math.abs(sent - 0.3) < 0.005, `share ${sent}`);
  });

  test('share 0 sends nothing, share 1 sends everything, and a bad share is an error', () => {
    assert.ok(scores.every((s) => s < thresholdForShare(grid, 0)));
    assert.ok(scores.every((s) => s >= thresholdForShare(grid, 1)));
    assert.throws(() => thresholdForShare(grid, 1.5), /llm_share must be in \[0, 1\]/);
  });
});
