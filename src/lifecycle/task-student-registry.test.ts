/**
 * Task students and the registry: a student the task stage trains is registered (live when it won), and a
 * promotion or rollback in the registry reaches the serving route and `task_students`, on a SQLite store.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { configSchema } from '../config/schema.js';
import { createTaskStage } from '../distill/task-stage.js';
import { generatedExamples, TEST_LABELS } from '../distill/testing-examples.js';
import { modelInfoFromConfig } from '../providers/create-provider-adapter.js';
import { openSqliteStore } from '../store/sqlite/sqlite-store.js';
import { registryService } from './gateway-registry.js';
import { syncLiveStudents } from './task-student-registry.js';

const ROUTE = 'support/intent';

test('trained students are registered; registry promotions and rollbacks switch the serving student and task_students', async () => {
  const store = await openSqliteStore({ path: ':memory:', logBodies: false });
  const config = configSchema.parse({
    models: { teacher: { provider: 'openai-compatible', base_url: 'http://127.0.0.1:1/v1', model: 'gpt-4o', locality: 'cloud' } },
    routes: {
      [ROUTE]: { models: ['teacher'], task: { labels: TEST_LABELS, label: { from: 'json', field: 'intent' }, min_examples: 50, retrain_every: 100_000 } },
    },
  });
  const service = registryService(store, null);
  const stage = await createTaskStage({
    config,
    store: store.taskExamples,
    models: new Map(Object.entries(config.models).map(([name, m]) => [name, modelInfoFromConfig(name, m)])),
    adapters: new Map(),
    autoTrain: false,
    log: () => undefined,
    onTrained: async (student) => {
      const { registerTrainedStudent } = await import('./task-student-registry.js');
      await registerTrainedStudent(service, student);
    },
  });
  try {
    assert.ok(stage);
    for (const [i, e] of generatedExamples(500, 7).entries()) await store.taskExamples.capture({ route: ROUTE, input: e.input, label: e.label, time: i });
    const first = await stage.train(ROUTE);
    assert.equal(first.promoted, true);
    const live = await store.registry.live('task-student', ROUTE);
    assert.equal(live?.version, 1);
    assert.deepEqual([live?.provenance.examples, live?.provenance.dataset], [500, `task_examples:${ROUTE}`]);
    assert.equal(live?.metrics.coverage, first.metrics.coverage);
    // The same examples again: the new student does not beat the serving one, and stays a candidate.
    const second = await stage.train(ROUTE);
    assert.equal(second.promoted, false);
    assert.equal((await store.registry.get('task-student', ROUTE, 2))?.status, 'candidate');
    const route = stage.routes.get(ROUTE);
    assert.equal(route?.student?.artifact.version, 1);

    // An operator promotes v2 anyway: the route serves it once synced, and task_students agrees.
    await service.promote({ kind: 'task-student', name: ROUTE, version: 2 }, { actor: 'test' });
    assert.deepEqual(await syncLiveStudents(stage.routes, store.registry), [`${ROUTE}: v1 -> v2`]);
    assert.equal(route?.student?.artifact.version, 2);
    const statuses = async () => (await store.taskExamples.students(ROUTE)).map((s) => `v${s.version} ${s.status}`);
    assert.deepEqual(await statuses(), ['v2 active', 'v1 retired']);
    assert.deepEqual(await syncLiveStudents(stage.routes, store.registry), [], 'nothing to do twice');

    await service.rollback({ kind: 'task-student', name: ROUTE }, { actor: 'test' });
    await syncLiveStudents(stage.routes, store.registry);
    assert.equal(route?.student?.artifact.version, 1);
    assert.deepEqual(await statuses(), ['v2 retired', 'v1 active']);

    // A demotion retires it in the registry: the route stops serving, the teacher answers.
    await service.retire({ kind: 'task-student', name: ROUTE, version: 1 }, { actor: 'gateway', action: 'demote' });
    assert.deepEqual(await syncLiveStudents(stage.routes, store.registry), [`${ROUTE}: v1 -> none`]);
    assert.equal(route?.student, null);
    assert.deepEqual(await statuses(), ['v2 retired', 'v1 demoted']);
  } finally {
    await stage?.close();
    await store.close();
  }
});
