/**
 * Student canaries in the task stage (student-canary.ts): automatic retraining registers a winner as a
 * registry canary instead of swapping it in; the canary answers a sticky share of requests; checked answers
 * feed the sequential test; its decision promotes (the route then serves the canary) or retires it (the
 * live student stays), and the statistics are in the experiment store. SQLite store, real registry service.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { configSchema } from '../config/schema.js';
import { registryService } from '../lifecycle/gateway-registry.js';
import { registerTrainedStudent, syncLiveStudents } from '../lifecycle/task-student-registry.js';
import { modelInfoFromConfig } from '../providers/create-provider-adapter.js';
import { parseChatRequest } from '../api/openai-chat/parse-chat-request.js';
import { openSqliteStore } from '../store/sqlite/sqlite-store.js';
import { canaryExperimentName } from './student-canary.js';
import { decodeArtifact, encodeArtifact } from './student-artifact.js';
import { createTaskStage } from './task-stage.js';
import { generatedExamples, TEST_LABELS } from './testing-examples.js';

const ROUTE = 'support/intent';

async function waitFor(what: string, check: () => Promise<boolean> | boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(10);
  }
}

test('retraining starts a canary, not a swap; the sequential test promotes a better canary and retires a worse one', async () => {
  const store = await openSqliteStore({ path: ':memory:', logBodies: false });
  const config = configSchema.parse({
    models: { teacher: { provider: 'openai-compatible', base_url: 'http://127.0.0.1:1/v1', model: 'gpt-4o', locality: 'cloud' } },
    routes: {
      [ROUTE]: {
        models: ['teacher'],
        task: {
          labels: TEST_LABELS,
          label: { from: 'json', field: 'intent' },
          min_examples: 50,
          retrain_every: 100_000,
          // Live agreement here is fed by hand; demotion must not end the comparison.
          demotion: { min_checks: 100_000 },
          canary: { share: 0.5, sticky: 'key', mode: 'superiority', minimum_effect: 0.2, min_samples: 20, max_samples: 2_000 },
        },
      },
    },
  });
  const service = registryService(store, null);
  const decisions: string[] = [];
  const stage = await createTaskStage({
    config,
    store: store.taskExamples,
    models: new Map(Object.entries(config.models).map(([name, m]) => [name, modelInfoFromConfig(name, m)])),
    adapters: new Map(),
    autoTrain: false,
    log: () => undefined,
    experiments: store.experiments,
    onTrained: async (student) => void (await registerTrainedStudent(service, student, 'gateway')),
    onCanaryDecision: async (route, version, action, reason, experiment) => {
      decisions.push(`${action} v${version}`);
      const by = { actor: `experiment:${experiment}`, reason };
      if (action === 'promote') await service.promote({ kind: 'task-student', name: route, version }, by);
      else await service.retire({ kind: 'task-student', name: route, version }, { ...by, action: 'rollback' });
    },
  });
  assert.ok(stage);
  const sync = async () => [...(await syncLiveStudents(stage.routes, store.registry)), ...(await stage.syncCanaries(store.registry))];
  const route = stage.routes.get(ROUTE);
  try {
    // v1 learns a wrong label for one intent; a person then corrects those examples.
    const examples = generatedExamples(600, 11);
    for (const [i, e] of examples.entries()) {
      await store.taskExamples.capture({ route: ROUTE, input: e.input, label: e.label === 'lost_card' ? 'card_arrival' : e.label, time: i });
    }
    assert.equal((await stage.train(ROUTE)).promoted, true, 'the first student has nothing to be compared with: it goes live');
    for (const e of examples.filter((x) => x.label === 'lost_card'))
      await store.taskExamples.correct({ route: ROUTE, input: e.input, label: e.label, time: 1e6 });

    // 1. The retrained v2 beats v1 on held-out examples: registered as a canary, v1 still serves.
    const report = await stage.train(ROUTE);
    assert.deepEqual([report.version, report.promoted, report.canary], [2, false, true]);
    assert.equal((await store.registry.get('task-student', ROUTE, 2))?.status, 'canary');
    assert.equal((await store.registry.live('task-student', ROUTE))?.version, 1);
    assert.equal(route?.student?.artifact.version, 1);
    assert.deepEqual(await sync(), [`${ROUTE}: canary v2 against live v1 on 50% of traffic`]);
    assert.deepEqual(await sync(), [], 'nothing to do twice');

    // 2. Sticky assignment: each key gets one student, about half the keys the canary.
    const request = parseChatRequest({ model: ROUTE, messages: [{ role: 'user', content: examples[1]?.input as string }] });
    const byKey = (key: string) => stage.answer(ROUTE, request, key)?.model.name;
    const keys = Array.from({ length: 200 }, (_, i) => `key-${i}`);
    const onCanary = keys.filter((k) => byKey(k) === `student:${ROUTE}@v2`).length;
    assert.ok(onCanary > 70 && onCanary < 130, `${onCanary} of 200 keys on the canary`);
    for (const k of keys.slice(0, 20)) assert.equal(byKey(k), byKey(k), 'the same key stays on its student');

    // 3. Checked answers: the canary is always right, v1 70% of the time. The test promotes v2.
    for (let i = 0; i < 2_000 && stage.canaries.get(ROUTE)?.running; i++) {
      stage.judged(ROUTE, `student:${ROUTE}@v2`, true);
      stage.judged(ROUTE, `student:${ROUTE}@v1`, i % 10 < 7);
    }
    await waitFor('the promotion', async () => (await store.registry.live('task-student', ROUTE))?.version === 2);
    assert.deepEqual(decisions, ['promote v2']);
    const promoted = await store.experiments.get(canaryExperimentName(ROUTE, 2));
    assert.equal(promoted?.status, 'promoted');
    assert.equal(promoted?.metric, 'agreement');
    assert.equal(promoted?.arms.candidate.n, promoted?.arms.candidate.sum, 'every canary observation was agreement');
    assert.ok((promoted?.arms.control.n ?? 0) >= 20);
    assert.deepEqual(await sync(), [`${ROUTE}: v1 -> v2`, `${ROUTE}: canary v2 ended`]);
    assert.equal(route?.student?.artifact.version, 2);
    const events = await store.registry.events('task-student', ROUTE);
    assert.equal(events.at(-1)?.actor, `experiment:${canaryExperimentName(ROUTE, 2)}`);

    // 4. A worse canary (v1's weights as v3) is rolled back: retired, v2 stays live and serves everyone.
    const v1 = decodeArtifact((await store.registry.bytes('task-student', ROUTE, 1)) as Uint8Array);
    await service.register(
      { kind: 'task-student', name: ROUTE, version: 3, bytes: encodeArtifact({ ...v1, version: 3 }), createdAt: Date.now(), provenance: {}, metrics: {} },
      { actor: 'test' },
    );
    await service.canary({ kind: 'task-student', name: ROUTE, version: 3 }, { actor: 'test' });
    assert.deepEqual(await sync(), [`${ROUTE}: canary v3 against live v2 on 50% of traffic`]);
    for (let i = 0; i < 2_000 && stage.canaries.get(ROUTE)?.running; i++) {
      stage.judged(ROUTE, `student:${ROUTE}@v3`, i % 10 < 6);
      stage.judged(ROUTE, `student:${ROUTE}@v2`, true);
    }
    await waitFor('the rollback', async () => (await store.registry.get('task-student', ROUTE, 3))?.status === 'retired');
    assert.deepEqual(decisions, ['promote v2', 'retire v3']);
    assert.equal((await store.experiments.get(canaryExperimentName(ROUTE, 3)))?.status, 'rolled_back');
    assert.equal((await store.registry.live('task-student', ROUTE))?.version, 2);
    assert.deepEqual(await sync(), [`${ROUTE}: canary v3 ended`]);
    assert.ok(
      keys.every((k) => byKey(k) === `student:${ROUTE}@v2`),
      'every caller is back on the live student',
    );
    assert.equal(
      (await store.taskExamples.students(ROUTE)).find((s) => s.version === 3),
      undefined,
      'v3 was never a task_students row',
    );
  } finally {
    await stage.close();
    await store.close();
  }
});
