/**
 * The behaviour every FeedbackStore backend must have. A backend's test file calls runFeedbackStoreContract
 * once per way of opening a fresh, empty store.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { FeedbackInput, FeedbackStore } from './feedback.js';

export type OpenFeedbackStore = () => Promise<{ feedback: FeedbackStore; close(): Promise<void> }>;

function entry(overrides: Partial<FeedbackInput> = {}): FeedbackInput {
  return {
    requestId: 'req-1',
    source: 'client',
    route: 'tandem/auto',
    model: 'small',
    keyId: 'key-1',
    time: 1_700_000_000_000,
    score: null,
    label: null,
    correct: null,
    comment: null,
    ...overrides,
  };
}

export function runFeedbackStoreContract(name: string, open: OpenFeedbackStore): void {
  async function withStore(body: (store: FeedbackStore) => Promise<void>): Promise<void> {
    const opened = await open();
    try {
      await body(opened.feedback);
    } finally {
      await opened.close();
    }
  }

  describe(`FeedbackStore contract: ${name}`, () => {
    test('records every field and lists a request’s entries oldest first', async () => {
      await withStore(async (store) => {
        const first = await store.record(entry({ score: 0.25, comment: 'too long 😀 "quoted"' }));
        const second = await store.record(entry({ time: 1_700_000_000_500, correct: false, label: 'refund', keyId: 'admin' }));
        await store.record(entry({ requestId: 'req-2', correct: true }));
        assert.ok(second.seq > first.seq);
        const listed = await store.forRequest('req-1');
        assert.deepEqual(
          listed.map(({ seq: _seq, ...rest }) => rest),
          [entry({ score: 0.25, comment: 'too long 😀 "quoted"' }), entry({ time: 1_700_000_000_500, correct: false, label: 'refund', keyId: 'admin' })],
        );
        assert.deepEqual(listed[0]?.seq, first.seq);
        assert.deepEqual(await store.forRequest('none'), []);
      });
    });

    test('latest: the last entry of each request wins, ties in one millisecond by insertion order', async () => {
      await withStore(async (store) => {
        await store.record(entry({ score: 0.1 }));
        await store.record(entry({ score: 0.9 }));
        await store.record(entry({ requestId: 'req-2', correct: true, route: null, model: null, keyId: null }));
        const latest = await store.latest(['req-1', 'req-2', 'req-3', 'req-1']);
        assert.equal(latest.size, 2);
        assert.equal(latest.get('req-1')?.score, 0.9);
        assert.equal(latest.get('req-2')?.correct, true);
        assert.equal(latest.get('req-2')?.route, null);
        assert.equal(latest.has('req-3'), false);
        assert.equal((await store.latest([])).size, 0);
      });
    });

    test('latest answers for more ids than one query binds', async () => {
      await withStore(async (store) => {
        const ids = Array.from({ length: 1_203 }, (_, i) => `r-${i}`);
        for (const id of ids.filter((_, i) => i % 100 === 0)) await store.record(entry({ requestId: id, score: 0.5 }));
        const latest = await store.latest(ids);
        assert.deepEqual([...latest.keys()].sort(), ids.filter((_, i) => i % 100 === 0).sort());
      });
    });

    test('latestByRoute: one entry per request, filtered by route and time window', async () => {
      await withStore(async (store) => {
        await store.record(entry({ requestId: 'a', time: 10, score: 0.2 }));
        await store.record(entry({ requestId: 'b', time: 20, score: 0.4 }));
        await store.record(entry({ requestId: 'a', time: 30, score: 0.8 }));
        await store.record(entry({ requestId: 'c', time: 40, route: 'other', score: 1 }));
        const all = await store.latestByRoute({ route: 'tandem/auto' });
        assert.deepEqual(
          all.map((e) => [e.requestId, e.score]),
          [
            ['b', 0.4],
            ['a', 0.8],
          ],
        );
        assert.deepEqual(
          (await store.latestByRoute({})).map((e) => e.requestId),
          ['b', 'a', 'c'],
        );
        assert.deepEqual(
          (await store.latestByRoute({ route: 'tandem/auto', since: 15, until: 30 })).map((e) => [e.requestId, e.score]),
          [['b', 0.4]],
        );
        assert.deepEqual(await store.latestByRoute({ route: 'none' }), []);
      });
    });

    test('shadow entries are kept apart: reads return client entries unless asked for shadow ones', async () => {
      await withStore(async (store) => {
        await store.record(entry({ requestId: 'a', time: 10, score: 0.9 }));
        await store.record(entry({ requestId: 'a', time: 20, score: 0, source: 'shadow', keyId: null, comment: 'verifier' }));
        await store.record(entry({ requestId: 'b', time: 30, score: 1, source: 'shadow' }));
        assert.equal((await store.latest(['a', 'b'])).get('a')?.score, 0.9);
        assert.equal((await store.latest(['a', 'b'])).has('b'), false);
        const shadow = await store.latest(['a', 'b'], 'shadow');
        assert.deepEqual([shadow.get('a')?.score, shadow.get('a')?.source, shadow.get('b')?.score], [0, 'shadow', 1]);
        assert.deepEqual(
          (await store.latestByRoute({ route: 'tandem/auto' })).map((e) => e.requestId),
          ['a'],
        );
        assert.deepEqual(
          (await store.latestByRoute({ route: 'tandem/auto', source: 'shadow' })).map((e) => [e.requestId, e.comment]),
          [
            ['a', 'verifier'],
            ['b', null],
          ],
        );
        assert.equal((await store.forRequest('a')).length, 2);
      });
    });

    test('deleteBefore drops old entries only', async () => {
      await withStore(async (store) => {
        await store.record(entry({ requestId: 'old', time: 5 }));
        await store.record(entry({ requestId: 'new', time: 50 }));
        assert.equal(await store.deleteBefore(10), 1);
        assert.deepEqual(await store.forRequest('old'), []);
        assert.equal((await store.forRequest('new')).length, 1);
      });
    });
  });
}
