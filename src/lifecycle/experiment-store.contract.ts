/**
 * The behaviour every ExperimentStore backend must have. A backend's test file calls
 * runExperimentStoreContract once per way of opening a fresh, empty store.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { emptyArmState, type ExperimentState, type ExperimentStore } from './experiment-store.js';

export type OpenExperimentStore = () => Promise<{ experiments: ExperimentStore; close(): Promise<void> }>;

function state(overrides: Partial<ExperimentState> = {}): ExperimentState {
  return {
    name: 'support:gpt-new',
    route: 'support',
    control: 'gpt-old',
    candidate: 'gpt-new',
    metric: 'error_rate',
    status: 'running',
    reason: null,
    arms: {
      control: { n: 120, sum: 7, sumSq: 7, requests: 121, errors: 7, latencyMs: 52_000.5 },
      candidate: { ...emptyArmState(), n: 13, sum: 1.25, sumSq: 0.8125 },
    },
    startedAt: 1_700_000_000_000,
    updatedAt: 1_700_000_100_000,
    decidedAt: null,
    ...overrides,
  };
}

export function runExperimentStoreContract(name: string, open: OpenExperimentStore): void {
  async function withStore(body: (store: ExperimentStore) => Promise<void>): Promise<void> {
    const opened = await open();
    try {
      await body(opened.experiments);
    } finally {
      await opened.close();
    }
  }

  describe(`ExperimentStore contract: ${name}`, () => {
    test('saves, reads back exactly, and replaces on a second save', async () => {
      await withStore(async (store) => {
        assert.equal(await store.get('support:gpt-new'), undefined);
        await store.save(state());
        assert.deepEqual(await store.get('support:gpt-new'), state());
        const decided = state({ status: 'promoted', reason: 'candidate better', decidedAt: 1_700_000_200_000, updatedAt: 1_700_000_200_000 });
        decided.arms.candidate.n = 2_500;
        await store.save(decided);
        assert.deepEqual(await store.get('support:gpt-new'), decided);
        assert.equal((await store.list()).length, 1);
      });
    });

    test('lists newest start first', async () => {
      await withStore(async (store) => {
        await store.save(state({ name: 'a', startedAt: 1 }));
        await store.save(state({ name: 'b', startedAt: 3 }));
        await store.save(state({ name: 'c', startedAt: 2 }));
        assert.deepEqual(
          (await store.list()).map((s) => s.name),
          ['b', 'c', 'a'],
        );
      });
    });

    test("add sums every replica's observations atomically and returns the totals", async () => {
      await withStore(async (store) => {
        await store.save(state({ arms: { control: emptyArmState(), candidate: emptyArmState() } }));
        const one = { control: { n: 1, sum: 0.5, sumSq: 0.25, requests: 1, errors: 0, latencyMs: 120.5 }, candidate: emptyArmState() };
        const two = { control: emptyArmState(), candidate: { n: 2, sum: 1, sumSq: 1, requests: 3, errors: 1, latencyMs: 80 } };
        // Two replicas adding at once, many times: nothing is lost.
        await Promise.all(Array.from({ length: 20 }, (_, i) => store.add('support:gpt-new', i % 2 === 0 ? one : two, 1_700_000_000_000 + i)));
        const totals = await store.add('support:gpt-new', { control: emptyArmState(), candidate: emptyArmState() }, 1_700_000_500_000);
        assert.deepEqual(totals?.arms, {
          control: { n: 10, sum: 5, sumSq: 2.5, requests: 10, errors: 0, latencyMs: 1_205 },
          candidate: { n: 20, sum: 10, sumSq: 10, requests: 30, errors: 10, latencyMs: 800 },
        });
        assert.equal(totals?.updatedAt, 1_700_000_500_000);
        assert.equal(await store.add('unknown', one, 1), undefined);
      });
    });

    test('decide ends only a running experiment; the first decision wins', async () => {
      await withStore(async (store) => {
        await store.save(state());
        await store.save(state({ name: 'done', status: 'rolled_back', reason: 'guardrail', decidedAt: 5 }));
        assert.equal(await store.decide('support:gpt-new', { status: 'promoted', reason: 'better', time: 1_700_000_300_000 }), true);
        assert.equal(await store.decide('support:gpt-new', { status: 'stopped', reason: 'by hand', time: 1_700_000_400_000 }), false);
        assert.equal(await store.decide('done', { status: 'stopped', reason: 'x', time: 9 }), false);
        assert.equal(await store.decide('unknown', { status: 'stopped', reason: 'x', time: 9 }), false);
        const decided = await store.get('support:gpt-new');
        assert.deepEqual([decided?.status, decided?.reason, decided?.decidedAt], ['promoted', 'better', 1_700_000_300_000]);
        assert.equal((await store.get('done'))?.reason, 'guardrail');
      });
    });
  });
}
