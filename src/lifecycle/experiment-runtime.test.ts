/**
 * One experiment's runtime: sticky assignment, outcomes per metric, guardrails, the sequential test's
 * decision, persistence across a restart (a second runtime on the same store), and adopting a stop made
 * in the store.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { experimentSchema } from './experiment-schema.js';
import { ExperimentRuntime, unitHash } from './experiment-runtime.js';
import { memoryExperimentStore } from './experiment-store-memory.js';
import type { ExperimentStore } from './experiment-store.js';

function open(store: ExperimentStore, config: Record<string, unknown> = {}, decisions: string[] = []) {
  return ExperimentRuntime.open({
    route: 'chat',
    control: 'live',
    config: experimentSchema.parse({ candidate: 'cand', ...config }),
    store,
    log: () => {},
    onDecision: (e) => void decisions.push(e.state.status),
  });
}

describe('experiment runtime', () => {
  test('assignment is sticky per unit and follows the share', async () => {
    const e = await open(memoryExperimentStore(), { share: 0.2 });
    assert.equal(e.assign('key-1'), e.assign('key-1'));
    let candidate = 0;
    for (let i = 0; i < 10_000; i++) if (e.assign(`key-${i}`) === 'candidate') candidate++;
    assert.ok(candidate > 1_800 && candidate < 2_200, `${candidate} of 10,000`);
    assert.ok(unitHash('a') !== unitHash('b'));
  });

  test('error-rate outcomes decide: a candidate that never fails beats one that fails 30%', async () => {
    const decisions: string[] = [];
    const store = memoryExperimentStore();
    const e = await open(store, { min_samples: 50 }, decisions);
    for (let i = 0; i < 2_000 && e.running; i++) {
      e.observeRequest('control', { answered: i % 10 >= 3, latencyMs: 100, cost: 0.01 });
      e.observeRequest('candidate', { answered: true, latencyMs: 100, cost: 0.01 });
    }
    assert.equal(e.state.status, 'promoted');
    assert.match(e.state.reason ?? '', /candidate better/);
    // The hook runs once the decision is written (the first replica to write it wins).
    await e.flush();
    await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(decisions, ['promoted']);
    assert.equal((await store.get('chat:cand'))?.status, 'promoted');
    // Decided: more outcomes change nothing.
    const n = e.state.arms.control.n;
    e.observeRequest('control', { answered: true, latencyMs: 1, cost: 0 });
    assert.equal(e.state.arms.control.n, n);
  });

  test('latency metric: lower is better, only answered requests count', async () => {
    const e = await open(memoryExperimentStore(), { metric: 'latency_ms', minimum_effect: 20, min_samples: 30 });
    for (let i = 0; i < 500 && e.running; i++) {
      e.observeRequest('control', { answered: true, latencyMs: 200 + (i % 7) * 10, cost: 0 });
      e.observeRequest('candidate', { answered: i % 50 !== 0, latencyMs: 300 + (i % 5) * 10, cost: 0 });
    }
    assert.equal(e.state.status, 'rolled_back');
    assert.ok(e.state.arms.candidate.errors > 0);
    assert.ok(e.state.arms.candidate.n < e.state.arms.candidate.requests);
  });

  test('feedback metric takes scores only through observeFeedback', async () => {
    const e = await open(memoryExperimentStore(), { metric: 'feedback_score' });
    e.observeRequest('control', { answered: true, latencyMs: 1, cost: 0 });
    e.observeFeedback('control', 0.5);
    assert.deepEqual([e.state.arms.control.requests, e.state.arms.control.n, e.state.arms.control.sum], [1, 1, 0.5]);
  });

  test('the error-rate guardrail rolls back at once', async () => {
    const e = await open(memoryExperimentStore(), { metric: 'feedback_score', guardrails: { max_error_rate: 0.2, min_samples: 10 } });
    for (let i = 0; i < 10; i++) e.observeRequest('candidate', { answered: i % 2 === 0, latencyMs: 1, cost: 0 });
    assert.equal(e.state.status, 'rolled_back');
    assert.match(e.state.reason ?? '', /^guardrail: candidate error rate 0\.500 > 0\.2 over 10 requests/);
  });

  test('state survives a restart; a changed candidate starts fresh; a stop in the store is adopted', async () => {
    const store = memoryExperimentStore();
    const first = await open(store);
    for (let i = 0; i < 30; i++) first.observeRequest('control', { answered: i % 3 !== 0, latencyMs: 1, cost: 0 });
    await first.flush();
    const second = await open(store);
    assert.deepEqual(second.state.arms.control, first.state.arms.control);
    assert.equal(second.state.startedAt, first.state.startedAt);
    const other = await ExperimentRuntime.open({
      route: 'chat',
      control: 'live',
      config: experimentSchema.parse({ candidate: 'other', name: 'chat:cand' }),
      store,
      log: () => {},
    });
    assert.equal(other.state.arms.control.n, 0);
    assert.equal(other.state.candidate, 'other');
    assert.equal(await store.decide('chat:cand', { status: 'stopped', reason: 'by hand', time: 5 }), true);
    await other.flush();
    assert.equal(other.running, false);
    assert.equal(other.state.reason, 'by hand');
  });

  test('observations a failed save could not write go into the next save', async () => {
    const store = memoryExperimentStore();
    let down = false;
    const flaky: ExperimentStore = {
      ...store,
      add: (...args) => (down ? Promise.reject(new Error('store unavailable')) : store.add(...args)),
    };
    const e = await open(flaky);
    for (let i = 0; i < 20; i++) e.observeRequest('control', { answered: true, latencyMs: 1, cost: 0 });
    await e.flush();
    down = true;
    for (let i = 0; i < 15; i++) e.observeRequest('control', { answered: true, latencyMs: 1, cost: 0 });
    await e.flush();
    assert.equal((await store.get('chat:cand'))?.arms.control.n, 20, 'the failed save wrote nothing');
    down = false;
    for (let i = 0; i < 5; i++) e.observeRequest('control', { answered: true, latencyMs: 1, cost: 0 });
    await e.flush();
    assert.equal((await store.get('chat:cand'))?.arms.control.n, 40, 'none of the 15 was lost');
    assert.equal(e.state.arms.control.n, 40);
  });

  test('two replicas on one store decide on their summed observations, and the first decision wins', async () => {
    const store = memoryExperimentStore();
    const decisions: string[] = [];
    const a = await open(store, { min_samples: 50 }, decisions);
    const b = await open(store, { min_samples: 50 }, decisions);
    // Each replica alone sees too little to decide; together they do.
    for (let i = 0; i < 60; i++) {
      a.observeRequest('control', { answered: i % 2 === 0, latencyMs: 1, cost: 0 });
      b.observeRequest('candidate', { answered: true, latencyMs: 1, cost: 0 });
    }
    assert.ok(a.running && b.running);
    await a.flush();
    await b.flush();
    await a.flush();
    const decided = [a, b].filter((r) => !r.running);
    assert.ok(decided.length >= 1, 'the summed totals decide');
    await b.flush();
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(a.state.status, 'promoted');
    assert.equal(b.state.status, 'promoted');
    assert.deepEqual(decisions, ['promoted'], 'the hook runs once, on the replica whose decision was written');
    const stored = await store.get('chat:cand');
    assert.equal(stored?.arms.control.requests, 60);
    assert.equal(stored?.arms.candidate.requests, 60);
  });
});
