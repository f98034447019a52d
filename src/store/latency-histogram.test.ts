import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LATENCY_BOUNDS_MS, latencySlot, percentileFromSlots } from './latency-histogram.js';

test('slots are inclusive upper bounds, and everything past the last bound lands in the overflow slot', () => {
  assert.equal(latencySlot(0), 0);
  assert.equal(latencySlot(LATENCY_BOUNDS_MS[0] ?? NaN), 0);
  assert.equal(latencySlot((LATENCY_BOUNDS_MS[0] ?? NaN) + 0.001), 1);
  assert.equal(latencySlot(LATENCY_BOUNDS_MS[10] ?? NaN), 10);
  assert.equal(latencySlot(1e12), LATENCY_BOUNDS_MS.length);
  assert.ok((LATENCY_BOUNDS_MS[LATENCY_BOUNDS_MS.length - 1] ?? 0) > 10 * 60_000, 'covers ten minutes');
});

test('interpolated percentiles stay within one slot (20%) of the exact ones', () => {
  // A skewed sample: many fast answers, a long slow tail.
  const samples = Array.from({ length: 2_000 }, (_, i) => (i < 1_800 ? 20 + (i % 180) : 3_000 + 40 * (i - 1_800)));
  const slots = new Map<number, number>();
  for (const ms of samples) slots.set(latencySlot(ms), (slots.get(latencySlot(ms)) ?? 0) + 1);
  const sorted = [...samples].sort((a, b) => a - b);
  for (const q of [0.5, 0.9, 0.95, 0.99]) {
    const exact = sorted[Math.ceil(q * sorted.length) - 1] ?? NaN;
    const estimate = percentileFromSlots(slots, q);
    assert.ok(estimate !== null && Math.abs(estimate - exact) / exact <= 0.2, `p${q * 100}: ${estimate} vs exact ${exact}`);
  }
  assert.equal(percentileFromSlots(new Map(), 0.5), null);
});
