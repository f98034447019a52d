import assert from 'node:assert/strict';
import { test } from 'node:test';
import { newRequestId } from './request-id.js';

const UUID_V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

test('request ids are RFC 9562 version-7 UUIDs carrying the millisecond timestamp', () => {
  const now = Date.UTC(2026, 10, 23, 12, 0, 0, 123);
  const id = newRequestId(now);
  assert.match(id, UUID_V7);
  assert.equal(parseInt(id.slice(0, 8) + id.slice(9, 13), 16), now);
});

test('ids sort by time across milliseconds and stay unique past a refill of the random pool', () => {
  const ids = Array.from({ length: 2_000 }, (_, i) => newRequestId(1_700_000_000_000 + Math.floor(i / 10)));
  for (const id of ids) assert.match(id, UUID_V7);
  assert.equal(new Set(ids).size, ids.length);
  const byMs = ids.filter((_, i) => i % 10 === 0);
  assert.deepEqual([...byMs].sort(), byMs);
});
