/** The behaviour every FlowStepLog backend must have (memory, SQLite, PostgreSQL), as node:test tests. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { FlowStepRecord } from './flow-steps.js';
import type { Store } from './request-log.js';

export function makeStep(overrides: Partial<FlowStepRecord> = {}): FlowStepRecord {
  return {
    parentId: 'req-flow-1',
    parentTime: 1_700_000_000_000,
    index: 0,
    step: 'triage',
    model: 'gpt-large',
    status: 'ok',
    inputTokens: 120,
    outputTokens: 30,
    tokensEstimated: false,
    cost: 0.000_6,
    startMs: 1.5,
    durationMs: 240.25,
    ttftMs: 240.25,
    privacy: 'none',
    error: null,
    ...overrides,
  };
}

export function runFlowStepLogContract(name: string, open: () => Promise<Store>): void {
  describe(`FlowStepLog contract: ${name}`, () => {
    test('keeps every field of every step, in step order, per parent', async () => {
      const store = await open();
      try {
        const log = store.flowSteps;
        assert.ok(log, 'the store keeps flow steps');
        const steps = [
          makeStep({
            index: 1,
            step: 'action:refund',
            model: 'qwen-small',
            cost: 0,
            ttftMs: null,
            privacy: 'local-only',
            status: 'failed',
            error: 'upstream 503',
          }),
          makeStep(),
          makeStep({ parentId: 'req-flow-2', index: 0, step: 'plan', tokensEstimated: true }),
        ];
        await log.append(steps);
        const found = await log.forParents(['req-flow-1', 'req-flow-2', 'absent']);
        assert.deepEqual(found.get('req-flow-1'), [steps[1], steps[0]]);
        assert.deepEqual(found.get('req-flow-2'), [steps[2]]);
        assert.equal(found.has('absent'), false);
        assert.equal((await log.forParents([])).size, 0);
      } finally {
        await store.close();
      }
    });

    test('a step logged twice is refused, and what is returned is a copy', async () => {
      const store = await open();
      try {
        const log = store.flowSteps;
        assert.ok(log);
        await log.append([makeStep()]);
        await assert.rejects(log.append([makeStep()]));
        const first = (await log.forParents(['req-flow-1'])).get('req-flow-1');
        assert.ok(first?.[0]);
        first[0].cost = 99;
        assert.equal((await log.forParents(['req-flow-1'])).get('req-flow-1')?.[0]?.cost, makeStep().cost);
      } finally {
        await store.close();
      }
    });

    test('retention deletes the steps of flows that arrived before the cut', async () => {
      const store = await open();
      try {
        const log = store.flowSteps;
        assert.ok(log);
        await log.append([
          makeStep({ parentId: 'old', parentTime: 1_000 }),
          makeStep({ parentId: 'old', parentTime: 1_000, index: 1 }),
          makeStep({ parentId: 'new', parentTime: 5_000 }),
        ]);
        assert.equal(await log.deleteBefore(2_000), 2);
        const left = await log.forParents(['old', 'new']);
        assert.equal(left.has('old'), false);
        assert.equal(left.get('new')?.length, 1);
      } finally {
        await store.close();
      }
    });
  });
}
