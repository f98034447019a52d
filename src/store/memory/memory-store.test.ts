import assert from 'node:assert/strict';
import { test } from 'node:test';
import { makeRecord } from '../request-log.contract.js';
import { createMemoryStore } from './memory-store.js';

test('keeps the last maxRequests requests: the oldest arrivals are forgotten everywhere', async () => {
  const store = createMemoryStore({ maxRequests: 3 });
  for (let i = 0; i < 5; i++) await store.requestLog.append(makeRecord({ id: `r${i}`, time: 1_000 + i }));
  assert.deepEqual(
    (await store.requestLog.recent({ limit: 10 })).map((r) => r.id),
    ['r4', 'r3', 'r2'],
  );
  assert.equal(await store.requestLog.get('r1'), undefined);
  assert.equal((await store.requestLog.get('r2'))?.id, 'r2');
  const [row] = await store.stats.query({});
  assert.equal(row?.requests, 3);
  const page = await store.dashboard.requests({ limit: 10 });
  assert.deepEqual(
    page.records.map((r) => r.id),
    ['r4', 'r3', 'r2'],
  );
  // A forgotten id may be logged again; a kept one still may not.
  await store.requestLog.append(makeRecord({ id: 'r0', time: 2_000 }));
  await assert.rejects(store.requestLog.append(makeRecord({ id: 'r4' })));
});
