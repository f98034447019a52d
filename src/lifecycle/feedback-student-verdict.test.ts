/** `correct: false` feedback on a serving student's answers demotes it like failed shadow checks (TaskStage.judged). */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { configSchema } from '../config/schema.js';
import { encodeArtifact } from '../distill/student-artifact.js';
import { createTaskStage } from '../distill/task-stage.js';
import { generatedExamples, TEST_LABELS } from '../distill/testing-examples.js';
import { trainStudent } from '../distill/train-student.js';
import { modelInfoFromConfig } from '../providers/model-info-from-config.js';
import { createMemoryStore } from '../store/memory/memory-store.js';

const ROUTE = 'support/intent';

test('verdicts on the serving student count in its live agreement; enough wrong ones demote it', async () => {
  const config = configSchema.parse({
    models: { teacher: { provider: 'openai-compatible', base_url: 'http://127.0.0.1:1/v1', model: 'gpt', locality: 'cloud' } },
    routes: {
      [ROUTE]: {
        models: ['teacher'],
        task: { labels: TEST_LABELS, label: { from: 'json', field: 'intent' }, target_agreement: 0.9, demotion: { margin: 0.05, min_checks: 4, window: 4 } },
      },
    },
  });
  const store = createMemoryStore();
  const demoted: Array<[string, number]> = [];
  const stage = await createTaskStage({
    config,
    store: store.taskExamples,
    models: new Map([['teacher', modelInfoFromConfig('teacher', config.models.teacher as Parameters<typeof modelInfoFromConfig>[1])]]),
    adapters: new Map(),
    autoTrain: false,
    log: () => undefined,
    onDemoted: (route, version) => demoted.push([route, version]),
  });
  assert.ok(stage);
  try {
    const { artifact } = trainStudent({ route: ROUTE, version: 3, targetAgreement: 0.9, examples: generatedExamples(200, 1), epochs: 4 });
    const task = stage.routes.get(ROUTE);
    assert.ok(task);
    task.serve(artifact, encodeArtifact(artifact));
    const student = task.student?.info.name as string;
    assert.equal(stage.taskSpec(ROUTE)?.label('{"intent": "refund"}') !== undefined, true);
    assert.equal(stage.taskSpec('other'), undefined);

    assert.equal(stage.judged(ROUTE, 'teacher', false), false, 'the teacher is not judged here');
    assert.equal(stage.judged('other', student, false), false);
    assert.equal(stage.judged(ROUTE, student, true), true);
    assert.equal(stage.judged(ROUTE, student, false), true);
    assert.equal(stage.judged(ROUTE, student, false), true);
    assert.equal(task.student?.live.agreement, 1 / 3);
    assert.deepEqual(demoted, [], 'not before min_checks');
    assert.equal(stage.judged(ROUTE, student, false), true);
    assert.equal(task.student, null, 'demoted: 1 of 4 right is below 0.9 - 0.05');
    assert.deepEqual(demoted, [[ROUTE, 3]]);
    assert.equal(stage.judged(ROUTE, student, false), false, 'no longer the serving student');
  } finally {
    await stage.close();
  }
});
