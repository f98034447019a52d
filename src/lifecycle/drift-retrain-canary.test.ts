/**
 * Drift's `retrain: automatic` on a task route asks the task stage for a training whose winner becomes a
 * canary (distill/student-canary.ts), never a blind swap; `suggest` only logs the command.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { setImmediate as tick } from 'node:timers/promises';
import { configSchema } from '../config/schema.js';
import { TEST_LABELS } from '../distill/testing-examples.js';
import { modelInfoFromConfig } from '../providers/create-provider-adapter.js';
import { lastUserText } from '../spec/chat-request.js';
import { memoryTaskExampleStore } from '../store/task-examples-memory.js';
import { memoryExperimentStore } from './experiment-store-memory.js';
import { LifecycleStage } from './lifecycle-stage.js';

async function shifted(retrain: 'automatic' | 'suggest') {
  const config = configSchema.parse({
    models: { teacher: { provider: 'openai-compatible', base_url: 'http://127.0.0.1:1/v1', model: 'gpt-4o', locality: 'cloud' } },
    routes: {
      intent: {
        models: ['teacher'],
        task: { labels: TEST_LABELS, label: { from: 'json', field: 'intent' } },
        drift: { reference: 'first_requests', reference_size: 50, window: 50, check_every: 10, retrain },
      },
    },
  });
  const calls: Array<{ route: string; options: unknown }> = [];
  const tasks = {
    routes: new Map([['intent', { spec: { input: lastUserText }, student: null }]]),
    train: async (route: string, options?: { canary?: boolean }) => {
      calls.push({ route, options });
      return { promoted: false, canary: true };
    },
  };
  const lines: string[] = [];
  const stage = await LifecycleStage.create({
    config,
    experiments: memoryExperimentStore(),
    taskExamples: memoryTaskExampleStore(),
    models: new Map(Object.entries(config.models).map(([name, m]) => [name, modelInfoFromConfig(name, m)])),
    tasks,
    log: (line) => lines.push(line),
  });
  const monitor = stage?.drift.get('intent');
  assert.ok(stage && monitor);
  for (let i = 0; i < 50; i++) monitor.observe(`where is my new card ${i % 5}`);
  assert.equal(calls.length, 0);
  for (let i = 0; i < 60; i++) monitor.observe(`what is the weather forecast in paris ${i % 5}`);
  await tick();
  await stage.close();
  return { calls, lines, flagged: monitor.alerts.input };
}

test('automatic retraining on drift asks for a canary', async () => {
  const { calls, lines, flagged } = await shifted('automatic');
  assert.equal(flagged, 1);
  assert.deepEqual(calls, [{ route: 'intent', options: { canary: true } }]);
  assert.ok(
    lines.some((l) => l.includes('training a candidate student for a canary')),
    lines.join('\n'),
  );
  assert.ok(
    lines.some((l) => l.includes('"canary":true')),
    lines.join('\n'),
  );
});

test('suggest only logs the command', async () => {
  const { calls, lines, flagged } = await shifted('suggest');
  assert.equal(flagged, 1);
  assert.deepEqual(calls, []);
  assert.ok(
    lines.some((l) => l.includes('tandem distill --route intent')),
    lines.join('\n'),
  );
});
