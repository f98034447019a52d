/**
 * The behaviour every LimitStore must have (memory now, Redis in the scale-out issue), as node:test
 * tests. A backend's test file calls runLimitStoreContract once with a way to open a fresh, empty store.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { createMemoryStore } from '../store/memory/memory-store.js';
import { makeRecord } from '../store/request-log.contract.js';
import type { LimitBucket, LimitStore, ReserveResult, SpendHistory } from './limit-store.js';
import { CONCURRENCY_LEASE_MS, IN_FLIGHT_RETRY_MS } from './limit-windows.js';

export type OpenLimitStore = () => Promise<LimitStore>;

/**
 * A store whose counters can be lost as a restart loses them, rebuilding budgets from `history`:
 * `store()` is the store now, `restart()` drops every counter (a new process, or Redis restarted).
 */
export interface RestartableLimitStore {
  store(): LimitStore;
  restart(): Promise<void>;
  close(): Promise<void>;
}

export type OpenRestartableLimitStore = (history: SpendHistory) => Promise<RestartableLimitStore>;

/** 2026-03-10T12:00:00Z: a minute, day and month boundary are all known from here. */
const NOON = Date.UTC(2026, 2, 10, 12, 0, 0);

export function runLimitStoreContract(name: string, open: OpenLimitStore, openRestartable?: OpenRestartableLimitStore): void {
  // A store that keeps its counters in this process only (memory) has no restart to survive.
  const noRestart = openRestartable === undefined ? `${name} keeps its counters in this process: nothing outlives a restart to rebuild` : false;
  async function withStore(body: (store: LimitStore) => Promise<void>): Promise<void> {
    const store = await open();
    try {
      await body(store);
    } finally {
      await store.close();
    }
  }
  const ok = (result: ReserveResult): Extract<ReserveResult, { ok: true }> => {
    assert.ok(result.ok, `expected the reservation to pass, got ${JSON.stringify(result)}`);
    return result;
  };
  const denied = (result: ReserveResult): Extract<ReserveResult, { ok: false }>['denied'] => {
    assert.ok(!result.ok, `expected a denial, got ${JSON.stringify(result)}`);
    return result.denied;
  };

  describe(`LimitStore contract: ${name}`, () => {
    test('requests per minute: the limit-th request passes, the next is denied until the minute rolls', async () => {
      await withStore(async (store) => {
        const buckets: LimitBucket[] = [{ subject: 'key:a', limits: { requests_per_minute: 3 } }];
        const amounts = { tokens: 0, spend: 0 };
        const remaining: number[] = [];
        for (let i = 0; i < 3; i++) remaining.push(ok(await store.reserve({ buckets, amounts, now: NOON + i })).states[0]?.remaining ?? -1);
        assert.deepEqual(remaining, [2, 1, 0]);
        const d = denied(await store.reserve({ buckets, amounts, now: NOON + 10 }));
        assert.equal(d.limit, 'requests_per_minute');
        assert.equal(d.subject, 'key:a');
        assert.equal(d.max, 3);
        assert.equal(d.used, 3);
        // All three fall in the minute starting at NOON: in the next minute the previous one weighs
        // (1 - elapsed/60 s), so one more fits once 3 * weight <= 2, i.e. 20 s into the next minute.
        assert.equal(d.resetAt, NOON + 60_000 + 20_000);
        denied(await store.reserve({ buckets, amounts, now: d.resetAt - 1 }));
        ok(await store.reserve({ buckets, amounts, now: d.resetAt }));
        // Another subject has its own counters.
        ok(await store.reserve({ buckets: [{ subject: 'key:b', limits: { requests_per_minute: 3 } }], amounts, now: NOON + 11 }));
      });
    });

    test('tokens per minute count the estimate, and settle replaces it by the actual tokens', async () => {
      await withStore(async (store) => {
        const buckets: LimitBucket[] = [{ subject: 'key:t', limits: { tokens_per_minute: 1_000 } }];
        const first = ok(await store.reserve({ buckets, amounts: { tokens: 800, spend: 0 }, now: NOON }));
        assert.equal(denied(await store.reserve({ buckets, amounts: { tokens: 300, spend: 0 }, now: NOON + 1 })).limit, 'tokens_per_minute');
        await store.settle({ reservation: first.reservation, actual: { tokens: 100, spend: 0 } });
        const second = ok(await store.reserve({ buckets, amounts: { tokens: 300, spend: 0 }, now: NOON + 2 }));
        assert.equal(second.states[0]?.remaining, 600);
      });
    });

    test('spend per day is denied with the next UTC midnight as reset, and frees at midnight', async () => {
      await withStore(async (store) => {
        const buckets: LimitBucket[] = [{ subject: 'key:s', limits: { spend_per_day: 1 } }];
        const first = ok(await store.reserve({ buckets, amounts: { tokens: 0, spend: 0.75 }, now: NOON }));
        await store.settle({ reservation: first.reservation, actual: { tokens: 0, spend: 0.75 } });
        const d = denied(await store.reserve({ buckets, amounts: { tokens: 0, spend: 0.5 }, now: NOON + 1_000 }));
        assert.equal(d.limit, 'spend_per_day');
        assert.equal(d.resetAt, Date.UTC(2026, 2, 11));
        assert.equal(d.requested, 0.5);
        ok(await store.reserve({ buckets, amounts: { tokens: 0, spend: 0.25 }, now: NOON + 2_000 }));
        ok(await store.reserve({ buckets, amounts: { tokens: 0, spend: 0.5 }, now: Date.UTC(2026, 2, 11) }));
      });
    });

    test('spend per month resets on the 1st of the next month', async () => {
      await withStore(async (store) => {
        const buckets: LimitBucket[] = [{ subject: 'key:m', limits: { spend_per_month: 10 } }];
        const first = ok(await store.reserve({ buckets, amounts: { tokens: 0, spend: 10 }, now: NOON }));
        await store.settle({ reservation: first.reservation, actual: { tokens: 0, spend: 10 } });
        const d = denied(await store.reserve({ buckets, amounts: { tokens: 0, spend: 0.01 }, now: Date.UTC(2026, 2, 31, 23) }));
        assert.equal(d.resetAt, Date.UTC(2026, 3, 1));
        ok(await store.reserve({ buckets, amounts: { tokens: 0, spend: 0.01 }, now: Date.UTC(2026, 3, 1) }));
      });
    });

    test('release takes back tokens and spend but the request still counts', async () => {
      await withStore(async (store) => {
        const buckets: LimitBucket[] = [{ subject: 'key:r', limits: { requests_per_minute: 2, spend_per_day: 1 } }];
        const first = ok(await store.reserve({ buckets, amounts: { tokens: 10, spend: 1 }, now: NOON }));
        assert.equal(denied(await store.reserve({ buckets, amounts: { tokens: 10, spend: 1 }, now: NOON + 1 })).limit, 'spend_per_day');
        await store.release({ reservation: first.reservation });
        ok(await store.reserve({ buckets, amounts: { tokens: 10, spend: 1 }, now: NOON + 2 }));
        // Two reservations made (the denied one was never counted): the third request is over the rate.
        assert.equal(denied(await store.reserve({ buckets, amounts: { tokens: 0, spend: 0 }, now: NOON + 3 })).limit, 'requests_per_minute');
      });
    });

    test('settling above the estimate counts the excess', async () => {
      await withStore(async (store) => {
        const buckets: LimitBucket[] = [{ subject: 'key:x', limits: { spend_per_day: 1 } }];
        const first = ok(await store.reserve({ buckets, amounts: { tokens: 0, spend: 0.25 }, now: NOON }));
        await store.settle({ reservation: first.reservation, actual: { tokens: 0, spend: 0.9 } });
        const d = denied(await store.reserve({ buckets, amounts: { tokens: 0, spend: 0.2 }, now: NOON + 1 }));
        assert.ok(Math.abs(d.used - 0.9) < 1e-9, `used ${d.used}`);
      });
    });

    test('a request is counted in all of its buckets or in none', async () => {
      await withStore(async (store) => {
        const key = { subject: 'key:k', limits: { requests_per_minute: 5 } };
        const user = { subject: 'user:k:alice', limits: { requests_per_minute: 1 } };
        ok(await store.reserve({ buckets: [key, user], amounts: { tokens: 0, spend: 0 }, now: NOON }));
        const d = denied(await store.reserve({ buckets: [key, user], amounts: { tokens: 0, spend: 0 }, now: NOON + 1 }));
        assert.equal(d.subject, 'user:k:alice');
        // The denied request was not counted against the key: 4 more fit.
        for (let i = 0; i < 4; i++) ok(await store.reserve({ buckets: [key], amounts: { tokens: 0, spend: 0 }, now: NOON + 2 + i }));
        denied(await store.reserve({ buckets: [key], amounts: { tokens: 0, spend: 0 }, now: NOON + 10 }));
      });
    });

    test('an amount larger than the limit itself is denied', async () => {
      await withStore(async (store) => {
        const d = denied(
          await store.reserve({ buckets: [{ subject: 'key:big', limits: { tokens_per_minute: 100 } }], amounts: { tokens: 101, spend: 0 }, now: NOON }),
        );
        assert.equal(d.requested, 101);
        assert.equal(d.used, 0);
      });
    });

    test("a budget full only of reservations in flight says retry in seconds, not at the window's end", async () => {
      await withStore(async (store) => {
        const buckets: LimitBucket[] = [{ subject: 'key:f', limits: { spend_per_day: 1 } }];
        const spent = ok(await store.reserve({ buckets, amounts: { tokens: 0, spend: 0.25 }, now: NOON }));
        await store.settle({ reservation: spent.reservation, actual: { tokens: 0, spend: 0.25 } });
        const held = ok(await store.reserve({ buckets, amounts: { tokens: 0, spend: 0.5 }, now: NOON + 1 }));
        const d = denied(await store.reserve({ buckets, amounts: { tokens: 0, spend: 0.5 }, now: NOON + 2 }));
        assert.equal(d.inFlight, 0.5);
        assert.equal(d.resetAt, NOON + 2 + IN_FLIGHT_RETRY_MS);
        // Settled spend alone leaves no room: the window's end.
        const d2 = denied(await store.reserve({ buckets, amounts: { tokens: 0, spend: 0.8 }, now: NOON + 3 }));
        assert.equal(d2.resetAt, Date.UTC(2026, 2, 11));
        // Once the reservation settles below its worst case, the request fits.
        await store.settle({ reservation: held.reservation, actual: { tokens: 0, spend: 0.125 } });
        ok(await store.reserve({ buckets, amounts: { tokens: 0, spend: 0.5 }, now: NOON + 4 }));
      });
    });

    test('concurrent_requests counts reservations until they settle or are released', async () => {
      await withStore(async (store) => {
        const buckets: LimitBucket[] = [{ subject: 'key:cc', limits: { concurrent_requests: 2 } }];
        const amounts = { tokens: 0, spend: 0 };
        const a = ok(await store.reserve({ buckets, amounts, now: NOON }));
        const b = ok(await store.reserve({ buckets, amounts, now: NOON + 1 }));
        const d = denied(await store.reserve({ buckets, amounts, now: NOON + 2 }));
        assert.equal(d.limit, 'concurrent_requests');
        assert.equal(d.used, 2);
        assert.equal(d.resetAt, NOON + 2 + IN_FLIGHT_RETRY_MS);
        await store.settle({ reservation: a.reservation, actual: amounts });
        const c = ok(await store.reserve({ buckets, amounts, now: NOON + 3 }));
        await store.release({ reservation: b.reservation });
        await store.release({ reservation: c.reservation });
        ok(await store.reserve({ buckets, amounts, now: NOON + 4 }));
        ok(await store.reserve({ buckets, amounts, now: NOON + 5 }));
        denied(await store.reserve({ buckets, amounts, now: NOON + 6 }));
        // Never settled (a replica died mid-request): the slots free themselves when their lease ends.
        ok(await store.reserve({ buckets, amounts, now: NOON + 5 + CONCURRENCY_LEASE_MS }));
      });
    });

    test('concurrent reservations never overshoot: exactly as many pass as fit', async () => {
      await withStore(async (store) => {
        const buckets: LimitBucket[] = [{ subject: 'key:c', limits: { spend_per_day: 1, requests_per_minute: 1_000 } }];
        const results = await Promise.all(
          Array.from({ length: 200 }, (_, i) => store.reserve({ buckets, amounts: { tokens: 0, spend: 0.125 }, now: NOON + i })),
        );
        assert.equal(results.filter((r) => r.ok).length, 8);
      });
    });

    test('budgets survive a restart: lost spend counters are rebuilt from the request log', { skip: noRestart }, async () => {
      if (openRestartable === undefined) return;
      const log = createMemoryStore();
      // Today (from midnight UTC) key-a spent 0.75, yesterday 5 (outside the day, inside the month).
      await log.requestLog.append(makeRecord({ id: 'y', keyId: 'key-a', time: Date.UTC(2026, 2, 9, 23), cost: 5 }));
      await log.requestLog.append(makeRecord({ id: 't1', keyId: 'key-a', time: Date.UTC(2026, 2, 10, 1), cost: 0.5 }));
      await log.requestLog.append(makeRecord({ id: 't2', keyId: 'key-a', time: Date.UTC(2026, 2, 10, 2), cost: 0.25 }));
      await log.requestLog.append(makeRecord({ id: 'other', keyId: 'key-b', time: Date.UTC(2026, 2, 10, 2), cost: 100 }));
      const fixture = await openRestartable(log.requestLog);
      try {
        const buckets: LimitBucket[] = [{ subject: 'key:a', limits: { spend_per_day: 1, spend_per_month: 6 }, spendKeyId: 'key-a' }];
        const d = denied(await fixture.store().reserve({ buckets, amounts: { tokens: 0, spend: 0.5 }, now: NOON }));
        assert.equal(d.limit, 'spend_per_day');
        assert.ok(Math.abs(d.used - 0.75) < 1e-9, `used ${d.used}`);
        const month = denied(
          await fixture.store().reserve({ buckets: [{ ...buckets[0]!, limits: { spend_per_month: 6 } }], amounts: { tokens: 0, spend: 1 }, now: NOON }),
        );
        assert.ok(Math.abs(month.used - 5.75) < 1e-9, `month used ${month.used}`);
        const last = ok(await fixture.store().reserve({ buckets, amounts: { tokens: 0, spend: 0.25 }, now: NOON }));
        await Promise.all([
          log.requestLog.append(makeRecord({ id: 'last', keyId: 'key-a', time: NOON, cost: 0.25 })),
          fixture.store().settle({ reservation: last.reservation, actual: { tokens: 0, spend: 0.25 } }),
        ]);
        await fixture.restart();
        // The day is used up in the log, so it is after the restart too.
        const after = denied(await fixture.store().reserve({ buckets, amounts: { tokens: 0, spend: 0.01 }, now: NOON + 1 }));
        assert.equal(after.limit, 'spend_per_day');
        assert.ok(Math.abs(after.used - 1) < 1e-9, `used after the restart ${after.used}`);
      } finally {
        await fixture.close();
      }
    });

    test('concurrent first requests after a restart rebuild once: exactly as many pass as fit', { skip: noRestart }, async () => {
      if (openRestartable === undefined) return;
      const log = createMemoryStore();
      await log.requestLog.append(makeRecord({ id: 'spent', keyId: null, time: NOON - 1_000, cost: 0.5 }));
      let queries = 0;
      const fixture = await openRestartable({
        spendSince: (query) => {
          queries++;
          return log.requestLog.spendSince(query);
        },
      });
      try {
        await fixture.restart();
        const buckets: LimitBucket[] = [{ subject: 'key:anonymous', limits: { spend_per_day: 1 }, spendKeyId: null }];
        const results = await Promise.all(
          Array.from({ length: 60 }, () => fixture.store().reserve({ buckets, amounts: { tokens: 0, spend: 0.125 }, now: NOON })),
        );
        assert.equal(results.filter((r) => r.ok).length, 4);
        assert.equal(queries, 1, 'one log query for 60 requests that found the counter missing together');
      } finally {
        await fixture.close();
      }
    });
  });
}
