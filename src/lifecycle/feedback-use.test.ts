import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { TaskStage } from '../distill/task-stage.js';
import { compileTaskSpec } from '../distill/task-spec.js';
import { createMemoryStore } from '../store/memory/memory-store.js';
import { makeRecord } from '../store/request-log.contract.js';
import type { FeedbackEntry } from '../store/feedback.js';
import { applyTaskFeedback } from './feedback-use.js';

const spec = compileTaskSpec({ prompt_template: 'Intent?\n{input}', labels: ['refund', 'card_arrival'], label: { from: 'json', field: 'intent' } });

function stage(verdicts: Array<[string, boolean]>): TaskStage {
  return {
    answer: () => null,
    taught: () => undefined,
    served: () => undefined,
    judged: (_route, model, correct) => {
      verdicts.push([model, correct]);
      return model === 'student:intent@v3';
    },
    taskSpec: (route) => (route === 'intent' ? spec : undefined),
    close: async () => undefined,
  };
}

const entry = (o: Partial<FeedbackEntry>): FeedbackEntry => ({
  seq: 1,
  requestId: 'r',
  source: 'client',
  route: 'intent',
  model: null,
  keyId: null,
  time: 5,
  score: null,
  label: null,
  correct: null,
  comment: null,
  ...o,
});

test("`correct` on the serving student's answer counts against (or for) it; other answers do not", async () => {
  const verdicts: Array<[string, boolean]> = [];
  const store = createMemoryStore();
  const student = makeRecord({ route: 'intent', model: 'student:intent@v3', requestBody: null });
  const used = await applyTaskFeedback({ tasks: stage(verdicts), store: store.taskExamples, request: student, entry: entry({ correct: false }) });
  assert.deepEqual(used, { labelCorrection: null, studentVerdict: 'counted' });
  const teacher = makeRecord({ route: 'intent', model: 'large', requestBody: null });
  assert.equal(
    (await applyTaskFeedback({ tasks: stage(verdicts), store: store.taskExamples, request: teacher, entry: entry({ correct: true }) })).studentVerdict,
    'not the serving student',
  );
  assert.deepEqual(verdicts, [
    ['student:intent@v3', false],
    ['large', true],
  ]);
});

test('a label becomes a correction of the logged input; without a body or outside the labels it does not', async () => {
  const store = createMemoryStore();
  const tasks = stage([]);
  const request = makeRecord({
    route: 'intent',
    model: 'large',
    requestBody: JSON.stringify({ messages: [{ role: 'user', content: 'Intent?\nwhere is it' }] }),
  });
  assert.equal((await applyTaskFeedback({ tasks, store: store.taskExamples, request, entry: entry({ label: 'Refund' }) })).labelCorrection, 'applied');
  assert.deepEqual(
    (await store.taskExamples.list('intent')).map((e) => [e.input, e.correctedLabel, e.updatedAt]),
    [['where is it', 'refund', 5]],
  );
  assert.equal(
    (await applyTaskFeedback({ tasks, store: store.taskExamples, request, entry: entry({ label: 'other' }) })).labelCorrection,
    'not a label of the task',
  );
  const bodiless = makeRecord({ route: 'intent', model: 'large', requestBody: null });
  assert.equal(
    (await applyTaskFeedback({ tasks, store: store.taskExamples, request: bodiless, entry: entry({ label: 'refund' }) })).labelCorrection,
    'no logged body',
  );
  // Not a task route, or no task stage: nothing is used.
  const chat = makeRecord({ route: 'chat', model: 'large' });
  assert.deepEqual(await applyTaskFeedback({ tasks, store: store.taskExamples, request: chat, entry: entry({ label: 'refund', correct: true }) }), {
    labelCorrection: null,
    studentVerdict: null,
  });
  assert.deepEqual(await applyTaskFeedback({ tasks: null, store: store.taskExamples, request, entry: entry({ label: 'refund' }) }), {
    labelCorrection: null,
    studentVerdict: null,
  });
  assert.equal(await store.taskExamples.count('intent'), 1);
});
