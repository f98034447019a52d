import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resolveThreads } from './resolve-threads.js';

test('threads: 0 means one thread on machines with two cores or fewer, else node-llama-cpp decides', () => {
  assert.equal(resolveThreads(0, 1), 1);
  assert.equal(resolveThreads(0, 2), 1);
  assert.equal(resolveThreads(0, 8), undefined);
});

test('an explicit thread count is used as configured', () => {
  assert.equal(resolveThreads(3, 2), 3);
  assert.equal(resolveThreads(6, 16), 6);
});
