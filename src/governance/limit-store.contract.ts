/**
 * The behaviour every LimitStore must have (memory now, Redis in the scale-out issue), as node:test
 * tests. A backend's test file calls runLimitStoreContract once with a way to open a fresh, empty store.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { LimitBucket, LimitStore, ReserveResult } from './limit-store.js';

export type OpenLimitStore = () => Promise<LimitStore>;

/** 2026-03-10T12:00:00Z: a minute, day and month boundary are all known from here. */
const NOON = Date.UTC(2026, 2, 10, 12, 0, 0);

export function runLimitStoreContract(name: string, open: OpenLimitStore): void {
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
        ok(await store.reserve({ buckets, amounts: { tokens: 0, spend: 0.75 }, now: NOON }));
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
        ok(await store.reserve({ buckets, amounts: { tokens: 0, spend: 10 }, now: NOON }));
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
        const d = denied(await store.reserve({ buckets: [{ subject: 'key:big', limits: { tokens_per_minute: 100 } }], amounts: { tokens: 101, spend: 0 }, now: NOON }));
        assert.equal(d.requested, 101);
        assert.equal(d.used, 0);
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
  });
}
