import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LiveAgreement } from './live-agreement.js';

test('agreement is over the latest window of checks, and demotes only with enough of them', () => {
  const live = new LiveAgreement(4);
  assert.equal(live.agreement, null);
  live.record(false);
  assert.equal(live.below(0.9, 2), false, 'one check is not enough');
  live.record(true);
  assert.equal(live.below(0.9, 2), true);
  for (let i = 0; i < 4; i++) live.record(true);
  assert.equal(live.agreement, 1, 'the early disagreement left the window');
  assert.equal(live.checks, 4);
  assert.equal(live.total, 6);
  live.record(false);
  assert.equal(live.agreement, 0.75);
});
