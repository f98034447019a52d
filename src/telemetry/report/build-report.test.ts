import assert from 'node:assert/strict';
import { test } from 'node:test';
import { reportWindow } from './build-report.js';

const HOUR = 3_600_000;
const now = Date.UTC(2026, 10, 23, 12, 34, 56, 789);

test('a period of a day or more starts on the hour, ends at the end of the current hour, in whole-hour buckets', () => {
  for (const days of [1, 7, 30, 90]) {
    const since = now - days * 24 * HOUR;
    const grid = reportWindow({ since, now });
    assert.equal(grid.since, Date.UTC(2026, 10, 23 - days, 12));
    assert.equal(grid.until, Date.UTC(2026, 10, 23, 13));
    assert.equal(grid.bucketMs % HOUR, 0, `${days} d: ${grid.bucketMs}`);
    assert.ok(grid.since <= since && since - grid.since < HOUR);
  }
});

test('an explicit end is kept as asked; short periods keep their start and sub-hour buckets', () => {
  const until = now - 10 * HOUR;
  assert.deepEqual(reportWindow({ since: until - 7 * 24 * HOUR, until, now }), { since: Date.UTC(2026, 10, 16, 2), until, bucketMs: 6 * HOUR });
  const short = reportWindow({ since: now - 2 * HOUR, now });
  assert.deepEqual([short.since, short.until], [now - 2 * HOUR, now]);
  assert.ok(short.bucketMs < HOUR);
});
