/**
 * The behaviour every Store backend's Dashboard must have (shared-suite style, like
 * request-log.contract.ts). A backend's test file calls runDashboardContract once per way of opening it.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { RequestRecord } from '../spec/request-record.js';
import { latencySlot } from './latency-histogram.js';
import { makeRecord, type OpenContractStore } from './request-log.contract.js';
import type { Store } from './request-log.js';

export function runDashboardContract(name: string, open: OpenContractStore): void {
  async function withStore(body: (store: Store) => Promise<void>): Promise<void> {
    const store = await open({ logBodies: true });
    try {
      await body(store);
    } finally {
      await store.close();
    }
  }
  const approx = (actual: number, expected: number): void => assert.ok(Math.abs(actual - expected) < 1e-12, `${actual} != ${expected}`);

  describe(`Dashboard contract: ${name}`, () => {
    test('series buckets traffic by model over [since, until), with errors, fallbacks, tokens and cost', async () => {
      await withStore(async (store) => {
        const add = (r: Partial<RequestRecord>): Promise<void> => store.requestLog.append(makeRecord({ attempts: [], ...r }));
        await add({ id: 'before', time: 999, model: 'small' });
        await add({ id: 'a', time: 1_000, model: 'small', inputTokens: 10, outputTokens: 2, cost: 0.001, baselineCost: 0.01 });
        await add({ id: 'b', time: 1_059, model: 'small', inputTokens: 20, outputTokens: 3, cost: 0.002, baselineCost: 0.02, status: 502 });
        await add({
          id: 'c',
          time: 1_010,
          model: 'large',
          cost: 0.05,
          baselineCost: 0.05,
          attempts: [
            { model: 'small', error: 'upstream 503', durationMs: 3 },
            { model: 'large', error: null, durationMs: 40 },
          ],
        });
        await add({ id: 'd', time: 1_060, model: null, status: 503, cost: 0, baselineCost: 0 });
        await add({ id: 'e', time: 1_179, model: 'small', cost: 0.004, baselineCost: 0.04, attempts: [{ model: 'small', error: null, durationMs: 9 }] });
        await add({ id: 'f', time: 1_130, model: null, status: 404, cost: 0, baselineCost: 0 });
        await add({ id: 'g', time: 1_131, model: 'small', status: 400, cost: 0, baselineCost: 0 });
        await add({ id: 'until', time: 1_180, model: 'small' });

        const { traffic } = await store.dashboard.series({ since: 1_000, until: 1_180, bucketMs: 60 });
        // errors: every status >= 400; clientErrors: the 4xx among them (the client's input or key).
        assert.deepEqual(
          traffic.map((r) => [r.bucket, r.model, r.requests, r.errors, r.clientErrors, r.fallbacks, r.inputTokens, r.outputTokens]),
          [
            [1_000, 'large', 1, 0, 0, 1, 120, 48],
            [1_000, 'small', 2, 1, 0, 0, 30, 5],
            [1_060, null, 1, 1, 0, 0, 120, 48],
            [1_120, null, 1, 1, 1, 0, 120, 48],
            [1_120, 'small', 2, 1, 1, 0, 240, 96],
          ],
        );
        approx(traffic[1]?.cost ?? NaN, 0.003);
        approx(traffic[1]?.baselineCost ?? NaN, 0.03);
        approx(traffic[4]?.baselineCost ?? NaN, 0.04);
        assert.deepEqual((await store.dashboard.series({ since: 2_000, until: 3_000, bucketMs: 10 })).traffic, []);
      });
    });

    test('latency slots count successful requests per model and metric; ttft only where known', async () => {
      await withStore(async (store) => {
        const samples = [
          { id: '1', model: 'small', totalMs: 12.5, ttftMs: 3 },
          { id: '2', model: 'small', totalMs: 13, ttftMs: null },
          { id: '3', model: 'small', totalMs: 480, ttftMs: 90 },
          { id: '4', model: 'large', totalMs: 2_400.25, ttftMs: 700 },
          { id: '5', model: 'large', totalMs: 9_000_000, ttftMs: 1 },
        ];
        for (const [i, s] of samples.entries()) await store.requestLog.append(makeRecord({ ...s, time: 100 + i }));
        // Failed requests stay out of latency: they often fail fast and would flatter the percentiles.
        await store.requestLog.append(makeRecord({ id: 'err', time: 101, model: 'small', totalMs: 1, status: 500 }));

        const expected = new Map<string, number>();
        for (const s of samples) {
          for (const [metric, ms] of [
            ['total', s.totalMs],
            ['ttft', s.ttftMs],
          ] as const) {
            if (ms === null) continue;
            const key = JSON.stringify([s.model, metric, latencySlot(ms)]);
            expected.set(key, (expected.get(key) ?? 0) + 1);
          }
        }
        const { latency } = await store.dashboard.series({ since: 0, until: 1_000, bucketMs: 1_000 });
        assert.ok(latency.every((row) => row.bucket === 0));
        assert.deepEqual(new Map(latency.map((row) => [JSON.stringify([row.model, row.metric, row.slot]), row.count])), expected);
        // The same ordering in every backend.
        const keys = latency.map((row) => [row.model, row.metric, row.slot]);
        assert.deepEqual(
          keys,
          [...keys].sort((a, b) => String(a[0]).localeCompare(String(b[0])) || String(a[1]).localeCompare(String(b[1])) || Number(a[2]) - Number(b[2])),
        );
      });
    });

    test('privacy outcomes round-trip, and series counts actions per bucket and sums findings', async () => {
      await withStore(async (store) => {
        const localOnly = makeRecord({ id: 'p1', time: 10, privacy: { action: 'local-only', findings: { EMAIL_ADDRESS: 2, PHONE_NUMBER: 1 } } });
        await store.requestLog.append(localOnly);
        await store.requestLog.append(makeRecord({ id: 'p2', time: 15, privacy: { action: 'local-only', findings: { EMAIL_ADDRESS: 1 } } }));
        await store.requestLog.append(makeRecord({ id: 'p3', time: 25, privacy: { action: 'none', findings: {} } }));
        await store.requestLog.append(makeRecord({ id: 'p4', time: 26 }));
        assert.deepEqual(await store.requestLog.get('p1'), localOnly);
        assert.equal((await store.requestLog.get('p4'))?.privacy, undefined);

        const { privacy, findings } = await store.dashboard.series({ since: 0, until: 30, bucketMs: 20 });
        assert.deepEqual(privacy, [
          { bucket: 0, action: 'local-only', requests: 2 },
          { bucket: 20, action: 'none', requests: 1 },
        ]);
        assert.deepEqual(findings, { EMAIL_ADDRESS: 3, PHONE_NUMBER: 1 });
      });
    });

    test('requests pages most recent first with a keyset cursor, within [since, until)', async () => {
      await withStore(async (store) => {
        const times = [5, 1, 3, 3, 3, 4, 2, 9];
        for (const [i, time] of times.entries()) await store.requestLog.append(makeRecord({ id: `r${i}`, time }));
        const seen: string[] = [];
        let page = await store.dashboard.requests({ limit: 3, since: 1, until: 9 });
        for (;;) {
          seen.push(...page.records.map((r) => r.id));
          if (page.next === null) break;
          page = await store.dashboard.requests({ limit: 3, since: 1, until: 9, before: page.next });
        }
        // Ties at time 3 come newest-appended first, as in RequestLog.recent.
        assert.deepEqual(seen, ['r0', 'r5', 'r4', 'r3', 'r2', 'r6', 'r1']);
        const exact = await store.dashboard.requests({ limit: 7, since: 1, until: 9 });
        assert.equal(exact.records.length, 7);
        assert.equal(exact.next, null);
        const first = exact.records[0];
        assert.ok(first);
        const { seq, ...record } = first;
        assert.equal(typeof seq, 'number');
        assert.deepEqual(record, await store.requestLog.get('r0'));
      });
    });
  });
}
