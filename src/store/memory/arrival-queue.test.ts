import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ArrivalQueue } from './arrival-queue.js';

test('keeps arrival order through pushes, shifts and the compaction of its dead prefix', () => {
  const queue = new ArrivalQueue<number>();
  const model: number[] = [];
  // Enough traffic to compact many times (the prefix is sliced off from 1,024 dead slots).
  for (let i = 0; i < 20_000; i++) {
    queue.push(i);
    model.push(i);
    if (i % 3 !== 0) assert.equal(queue.shift(), model.shift());
    if (i % 4_999 === 0) assert.deepEqual([...queue], model);
  }
  assert.equal(queue.length, model.length);
  assert.deepEqual([...queue], model);
  while (queue.length > 0) assert.equal(queue.shift(), model.shift());
  assert.equal(queue.shift(), undefined);
  queue.push(7);
  assert.deepEqual([...queue], [7]);
});

test('retain keeps the accepted items in order and returns the rest', () => {
  const queue = new ArrivalQueue<number>();
  for (let i = 0; i < 3_000; i++) queue.push(i);
  for (let i = 0; i < 1_500; i++) queue.shift();
  const removed = queue.retain((n) => n % 2 === 0);
  assert.equal(removed.length, 750);
  assert.ok(removed.every((n) => n % 2 === 1 && n >= 1_500));
  assert.equal(queue.length, 750);
  assert.deepEqual([...queue].slice(0, 3), [1_500, 1_502, 1_504]);
});

test('the dead prefix is released: a full queue turned over keeps at most twice its live items', () => {
  const queue = new ArrivalQueue<number>();
  for (let i = 0; i < 200_000; i++) queue.push(i);
  for (let i = 200_000; i < 400_000; i++) {
    queue.push(i);
    queue.shift();
  }
  const backing = (queue as unknown as { items: unknown[] }).items.length;
  assert.equal(queue.length, 200_000);
  assert.ok(backing <= 2 * 200_000 + 1_024, `backing array holds ${backing} slots`);
  assert.equal([...queue][0], 200_000);
});
