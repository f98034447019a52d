import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SequencePool } from './sequence-pool.js';

const live = (): AbortSignal => new AbortController().signal;

test('creates up to `size` sequences, then queues callers in order', async () => {
  let made = 0;
  const pool = new SequencePool({ size: 2, create: () => `s${++made}` });
  const a = await pool.acquire(live());
  const b = await pool.acquire(live());
  assert.deepEqual([a, b], ['s1', 's2']);
  const order: string[] = [];
  const c = pool.acquire(live()).then((s) => order.push(`c:${s}`));
  const d = pool.acquire(live()).then((s) => order.push(`d:${s}`));
  assert.equal(pool.queued, 2);
  pool.release(b);
  pool.release(a);
  await Promise.all([c, d]);
  assert.deepEqual(order, ['c:s2', 'd:s1']);
  assert.equal(made, 2);
});

test('an idle sequence with the best affinity is preferred', async () => {
  let made = 0;
  const pool = new SequencePool({ size: 3, create: () => ++made });
  const [x, y, z] = [await pool.acquire(live()), await pool.acquire(live()), await pool.acquire(live())];
  pool.release(x);
  pool.release(y);
  pool.release(z);
  assert.equal(await pool.acquire(live(), (s) => (s === 2 ? 10 : 0)), 2);
});

test('a queued caller that aborts leaves the queue with the abort reason', async () => {
  const pool = new SequencePool({ size: 1, create: () => 'only' });
  const held = await pool.acquire(live());
  const controller = new AbortController();
  const waiting = pool.acquire(controller.signal);
  controller.abort(new Error('client went away'));
  await assert.rejects(waiting, /client went away/);
  assert.equal(pool.queued, 0);
  pool.release(held);
  assert.equal(await pool.acquire(live()), 'only');
});

test('rejectQueued fails every waiter', async () => {
  const pool = new SequencePool({ size: 1, create: () => 'only' });
  await pool.acquire(live());
  const waiting = pool.acquire(live());
  pool.rejectQueued(new Error('closed'));
  await assert.rejects(waiting, /closed/);
});
