import assert from 'node:assert/strict';
import { test } from 'node:test';
import { adaptiveSince, reportWindow } from './build-report.js';

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

test("the default start: the first request's hour when the log is younger than 7 days, else 7 days back", () => {
  const row = (bucket: number, requests: number) => ({
    bucket,
    model: 'm',
    requests,
    errors: 0,
    clientErrors: 0,
    fallbacks: 0,
    inputTokens: 0,
    outputTokens: 0,
    cost: 0,
    baselineCost: 0,
  });
  const hour = Math.floor(now / HOUR) * HOUR;
  assert.deepEqual(adaptiveSince({ now, hours: [row(hour - 3 * HOUR, 0), row(hour - 2 * HOUR, 4), row(hour, 1)] }), { since: hour - 2 * HOUR, adaptive: true });
  assert.deepEqual(adaptiveSince({ now, hours: [] }), { since: now - 7 * 24 * HOUR, adaptive: false });
  assert.deepEqual(adaptiveSince({ now, hours: [row(hour - 8 * 24 * HOUR, 1)] }), { since: now - 7 * 24 * HOUR, adaptive: false });
});
