/**
 * The behaviour every Store backend must have, as node:test tests. A backend's test file calls
 * runStoreContract once per way of opening it (see store.test.ts); a new backend (PostgreSQL) passes
 * this suite before it is wired in.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { RequestRecord } from '../spec/request-record.js';
import type { Store } from './request-log.js';

/** Opens a fresh, empty store. */
export type OpenContractStore = (options: { logBodies: boolean }) => Promise<Store>;

export interface StoreContractOptions {
  /**
   * For backends that persist: returns an opener bound to one new database, which a test may open,
   * close and open again. Leave out for stores that forget everything on close.
   */
  database?: () => OpenContractStore;
}

export function makeRecord(overrides: Partial<RequestRecord> = {}): RequestRecord {
  return {
    id: 'req-1',
    time: 1_700_000_000_000,
    keyId: 'key-ops',
    route: 'chat',
    requestedModel: 'tandem/chat',
    model: 'qwen-small',
    candidates: [
      { model: 'qwen-small', allowed: true, reasons: ['context-fit: fits'], refusals: [] },
      {
        model: 'gpt-large',
        allowed: false,
        reasons: ['privacy: sensitive request', 'budget: over 0.01'],
        refusals: ['privacy: sensitive request'],
      },
    ],
    reason: 'score 0.21 < threshold 0.5 -> small',
    score: 0.21,
    threshold: 0.5,
    attempts: [{ model: 'qwen-tiny', error: 'upstream 503', durationMs: 41.5 }],
    stream: true,
    inputTokens: 120,
    outputTokens: 48,
    tokensEstimated: true,
    cost: 0.000_012_5,
    baselineCost: 0.004_2,
    ttftMs: 87.25,
    totalMs: 512.5,
    overheadMs: 1.75,
    status: 200,
    error: null,
    requestBody: '{"messages":[{"role":"user","content":"héllo ✓"}]}',
    responseBody: '{"choices":[{"message":{"content":"hi"}}]}',
    ...overrides,
  };
}

export function runStoreContract(name: string, open: OpenContractStore, options: StoreContractOptions = {}): void {
  async function withStore(logBodies: boolean, body: (store: Store) => Promise<void>): Promise<void> {
    const store = await open({ logBodies });
    try {
      await body(store);
    } finally {
      await store.close();
    }
  }

  describe(`Store contract: ${name}`, () => {
    test('get returns every field exactly as appended', async () => {
      await withStore(true, async (store) => {
        const full = makeRecord();
        const sparse = makeRecord({
          id: 'req-2',
          keyId: null,
          route: null,
          model: null,
          candidates: [],
          score: null,
          threshold: null,
          attempts: [],
          stream: false,
          tokensEstimated: false,
          ttftMs: null,
          status: 502,
          error: 'all candidates failed: upstream 503',
          requestBody: null,
          responseBody: null,
        });
        await store.requestLog.append(full);
        await store.requestLog.append(sparse);
        assert.deepEqual(await store.requestLog.get('req-1'), full);
        assert.deepEqual(await store.requestLog.get('req-2'), sparse);
        assert.equal(await store.requestLog.get('no-such-id'), undefined);
      });
    });

    test('the privacy outcome (action and counts) round-trips; a record without one reads back without one', async () => {
      await withStore(false, async (store) => {
        const privacy = { action: 'pseudonymised' as const, findings: { EMAIL_ADDRESS: 2, PERSON: 1 } };
        await store.requestLog.append(makeRecord({ id: 'p1', privacy }));
        await store.requestLog.append(makeRecord({ id: 'p2', privacy: { action: 'none', findings: {} } }));
        await store.requestLog.append(makeRecord({ id: 'p3' }));
        assert.deepEqual((await store.requestLog.get('p1'))?.privacy, privacy);
        assert.deepEqual((await store.requestLog.get('p2'))?.privacy, { action: 'none', findings: {} });
        const plain = await store.requestLog.get('p3');
        assert.ok(plain && !('privacy' in plain));
        assert.deepEqual(
          (await store.requestLog.recent({ limit: 3 })).map((r) => r.privacy?.action ?? null),
          [null, 'none', 'pseudonymised'],
        );
      });
    });

    test('the retrieved chunk ids round-trip in order; a record without them reads back without them', async () => {
      await withStore(false, async (store) => {
        await store.requestLog.append(makeRecord({ id: 's1', sources: ['b7', 'a1', 'c3'] }));
        await store.requestLog.append(makeRecord({ id: 's2' }));
        assert.deepEqual((await store.requestLog.get('s1'))?.sources, ['b7', 'a1', 'c3']);
        const plain = await store.requestLog.get('s2');
        assert.ok(plain && !('sources' in plain));
      });
    });

    test('a record changed after append, or after get, does not change the log', async () => {
      await withStore(true, async (store) => {
        const mutate = (r: RequestRecord): void => {
          r.reason = 'changed';
          r.candidates[0]?.reasons.push('changed');
          r.candidates[1]?.refusals.pop();
          if (r.candidates[1]) r.candidates[1].allowed = true;
          r.candidates.push({ model: 'x', allowed: true, reasons: [], refusals: [] });
          if (r.attempts[0]) r.attempts[0].error = 'changed';
          if (r.privacy) {
            r.privacy.action = 'blocked';
            r.privacy.findings.EMAIL_ADDRESS = 99;
          }
          r.sources?.push('changed');
        };
        const original = makeRecord({ privacy: { action: 'local-only', findings: { EMAIL_ADDRESS: 1 } }, sources: ['c1', 'c2'] });
        const record = makeRecord({ privacy: { action: 'local-only', findings: { EMAIL_ADDRESS: 1 } }, sources: ['c1', 'c2'] });
        await store.requestLog.append(record);
        mutate(record);
        const got = await store.requestLog.get('req-1');
        assert.ok(got);
        mutate(got);
        for (const read of [await store.requestLog.get('req-1'), (await store.requestLog.recent({ limit: 1 }))[0]]) {
          assert.deepEqual(read, original);
        }
      });
    });

    test('append rejects a duplicate id instead of overwriting the first row', async () => {
      await withStore(true, async (store) => {
        await store.requestLog.append(makeRecord({ id: 'dup', reason: 'first' }));
        await assert.rejects(store.requestLog.append(makeRecord({ id: 'dup', reason: 'second' })));
        assert.equal((await store.requestLog.get('dup'))?.reason, 'first');
      });
    });

    test('recent lists most recent first, ties in insertion order reversed, up to the limit', async () => {
      await withStore(true, async (store) => {
        // Appended out of time order: the log orders by arrival time, not append order.
        await store.requestLog.append(makeRecord({ id: 'b', time: 2_000 }));
        await store.requestLog.append(makeRecord({ id: 'a', time: 1_000 }));
        await store.requestLog.append(makeRecord({ id: 'c1', time: 3_000 }));
        await store.requestLog.append(makeRecord({ id: 'c2', time: 3_000 }));
        const ids = async (limit: number): Promise<string[]> => (await store.requestLog.recent({ limit })).map((r) => r.id);
        assert.deepEqual(await ids(10), ['c2', 'c1', 'b', 'a']);
        assert.deepEqual(await ids(2), ['c2', 'c1']);
        assert.deepEqual(await ids(0), []);
      });
    });

    test('recent filters by route and by model', async () => {
      await withStore(true, async (store) => {
        await store.requestLog.append(makeRecord({ id: '1', time: 1, route: 'chat', model: 'small' }));
        await store.requestLog.append(makeRecord({ id: '2', time: 2, route: 'code', model: 'small' }));
        await store.requestLog.append(makeRecord({ id: '3', time: 3, route: 'chat', model: 'large' }));
        await store.requestLog.append(makeRecord({ id: '4', time: 4, route: null, model: 'large' }));
        const ids = async (q: { route?: string; model?: string }): Promise<string[]> => (await store.requestLog.recent({ limit: 10, ...q })).map((r) => r.id);
        assert.deepEqual(await ids({ route: 'chat' }), ['3', '1']);
        assert.deepEqual(await ids({ model: 'large' }), ['4', '3']);
        assert.deepEqual(await ids({ route: 'chat', model: 'small' }), ['1']);
        assert.deepEqual(await ids({ route: 'nope' }), []);
      });
    });

    test('stats sums per route and model, counts errors and computes savings', async () => {
      await withStore(true, async (store) => {
        const add = (r: Partial<RequestRecord>): Promise<void> => store.requestLog.append(makeRecord(r));
        await add({ id: '1', time: 100, route: 'chat', model: 'small', inputTokens: 10, outputTokens: 5, cost: 0.001, baselineCost: 0.01 });
        await add({ id: '2', time: 200, route: 'chat', model: 'small', inputTokens: 20, outputTokens: 7, cost: 0.002, baselineCost: 0.02, status: 502 });
        await add({ id: '3', time: 300, route: 'chat', model: 'large', inputTokens: 30, outputTokens: 9, cost: 0.03, baselineCost: 0.03, status: 429 });
        await add({ id: '4', time: 400, route: null, model: 'large', inputTokens: 1, outputTokens: 1, cost: 0.5, baselineCost: 0.5, status: 400 });
        await add({ id: '5', time: 500, route: 'chat', model: null, inputTokens: 3, outputTokens: 0, cost: 0, baselineCost: 0, status: 503 });

        const rows = await store.stats.query({});
        const approx = (actual: number, expected: number): void => assert.ok(Math.abs(actual - expected) < 1e-12, `${actual} != ${expected}`);
        // Ordered by route then model, nulls first.
        assert.deepEqual(
          rows.map((r) => [r.route, r.model, r.requests, r.errors, r.inputTokens, r.outputTokens]),
          [
            [null, 'large', 1, 1, 1, 1],
            ['chat', null, 1, 1, 3, 0],
            ['chat', 'large', 1, 1, 30, 9],
            ['chat', 'small', 2, 1, 30, 12],
          ],
        );
        const small = rows[3];
        assert.ok(small);
        approx(small.cost, 0.003);
        approx(small.baselineCost, 0.03);
        approx(small.savings, 0.027);
        const large = rows[2];
        assert.ok(large);
        approx(large.savings, 0);
      });
    });

    test('stats covers [since, until): since inclusive, until exclusive', async () => {
      await withStore(true, async (store) => {
        for (const time of [100, 200, 300, 400]) {
          await store.requestLog.append(makeRecord({ id: `t${time}`, time, cost: time, baselineCost: 2 * time }));
        }
        const window = async (q: { since?: number; until?: number }): Promise<[number, number] | undefined> => {
          const rows = await store.stats.query(q);
          assert.ok(rows.length <= 1);
          const row = rows[0];
          return row === undefined ? undefined : [row.requests, row.cost];
        };
        assert.deepEqual(await window({ since: 200, until: 400 }), [2, 500]);
        assert.deepEqual(await window({ since: 200 }), [3, 900]);
        assert.deepEqual(await window({ until: 200 }), [1, 100]);
        assert.deepEqual(await window({ since: 401 }), undefined);
        assert.equal((await store.stats.query({ since: 100, until: 401 }))[0]?.savings, 1000);
      });
    });

    test('with logBodies false, bodies are stored as null and the rest is kept', async () => {
      await withStore(false, async (store) => {
        const record = makeRecord();
        await store.requestLog.append(record);
        const got = await store.requestLog.get(record.id);
        assert.deepEqual(got, { ...record, requestBody: null, responseBody: null });
        const [listed] = await store.requestLog.recent({ limit: 1 });
        assert.equal(listed?.requestBody, null);
        assert.equal(listed?.responseBody, null);
      });
    });

    test('deleteBefore removes rows that arrived before the time, and only those', async () => {
      await withStore(true, async (store) => {
        for (const time of [100, 200, 300]) await store.requestLog.append(makeRecord({ id: `r${time}`, time }));
        assert.equal(await store.requestLog.deleteBefore(200), 1);
        assert.equal(await store.requestLog.get('r100'), undefined);
        assert.deepEqual(
          (await store.requestLog.recent({ limit: 10 })).map((r) => r.id),
          ['r300', 'r200'],
        );
        assert.equal(await store.requestLog.deleteBefore(200), 0);
        // The id of a deleted row may be used again (memory keeps an id index too).
        await store.requestLog.append(makeRecord({ id: 'r100', time: 400 }));
        assert.equal((await store.requestLog.get('r100'))?.time, 400);
      });
    });

    test("spendSince sums one key's cost from a time on (null: requests without a key)", async () => {
      await withStore(true, async (store) => {
        const rows: Array<[string, string | null, number, number]> = [
          ['s1', 'key-a', 100, 0.5],
          ['s2', 'key-a', 200, 0.25],
          ['s3', 'key-a', 300, 0.125],
          ['s4', 'key-b', 300, 4],
          ['s5', null, 300, 8],
          ['s6', null, 100, 16],
        ];
        for (const [id, keyId, time, cost] of rows) await store.requestLog.append(makeRecord({ id, keyId, time, cost }));
        assert.equal(await store.requestLog.spendSince({ keyId: 'key-a', since: 200 }), 0.375);
        assert.equal(await store.requestLog.spendSince({ keyId: 'key-a', since: 0 }), 0.875);
        assert.equal(await store.requestLog.spendSince({ keyId: 'key-b', since: 301 }), 0);
        assert.equal(await store.requestLog.spendSince({ keyId: null, since: 200 }), 8);
        assert.equal(await store.requestLog.spendSince({ keyId: 'key-none', since: 0 }), 0);
      });
    });

    test('1,000 concurrent appends all land', async () => {
      await withStore(true, async (store) => {
        await Promise.all(Array.from({ length: 1_000 }, (_, i) => store.requestLog.append(makeRecord({ id: `c${i}`, time: 10_000 + i, inputTokens: 1 }))));
        const all = await store.requestLog.recent({ limit: 5_000 });
        assert.equal(all.length, 1_000);
        assert.equal(new Set(all.map((r) => r.id)).size, 1_000);
        assert.equal(all[0]?.id, 'c999');
        const [row] = await store.stats.query({});
        assert.equal(row?.requests, 1_000);
        assert.equal(row?.inputTokens, 1_000);
      });
    });

    const database = options.database;
    if (database !== undefined) {
      test('rows survive close and reopen; reopening migrates nothing twice', async () => {
        const openDb = database();
        const first = await openDb({ logBodies: true });
        await first.requestLog.append(makeRecord({ id: 'kept-1', time: 1 }));
        await first.close();
        // Reopened several times: migrations must be a no-op on an up-to-date database.
        for (let i = 2; i <= 3; i++) {
          const again = await openDb({ logBodies: true });
          await again.requestLog.append(makeRecord({ id: `kept-${i}`, time: i }));
          await again.close();
        }
        const last = await openDb({ logBodies: true });
        try {
          assert.deepEqual(
            (await last.requestLog.recent({ limit: 10 })).map((r) => r.id),
            ['kept-3', 'kept-2', 'kept-1'],
          );
          assert.deepEqual(await last.requestLog.get('kept-1'), makeRecord({ id: 'kept-1', time: 1 }));
        } finally {
          await last.close();
        }
      });
    }
  });
}
