/**
 * Task distillation end to end over HTTP with the official `openai` client: a task route learns from its
 * teacher (a fake upstream on loopback), then its student answers (x-tandem-model names it, and the answer
 * has the teacher's format), a novel input escalates to the teacher, and once the teacher starts
 * disagreeing, the shadow checks demote the student and the teacher answers again.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { generatedExamples, TEST_LABELS, fakeTeacherModel } from '../src/distill/testing-examples.js';
import type { FakeUpstream } from '../src/providers/testing/fake-upstream.js';
import { startFakeUpstream } from '../src/providers/testing/fake-upstream.js';
import { startGateway, type Harness } from './helpers/gateway-harness.js';
import { echoResponder, lastUser } from './helpers/openai-upstream.js';

const ROUTE = 'support/intent';
const PREFIX = 'Which intent is this support message? Reply in JSON.\nMessage: ';
const examples = generatedExamples(400, 3);
const gold = new Map(examples.map((e) => [e.input, e.label]));
let teacherLies = false;

function teacherAnswer(prompt: string): string {
  const input = prompt.startsWith(PREFIX) ? prompt.slice(PREFIX.length) : prompt;
  const label = gold.get(input) ?? 'lost_card';
  const said = teacherLies ? (TEST_LABELS.find((l) => l !== label) as string) : label;
  return `{"intent": "${said}"}`;
}

let teacher: FakeUpstream;
let h: Harness;

before(async () => {
  teacher = await startFakeUpstream({ '/v1/chat/completions': echoResponder({ answer: (body) => teacherAnswer(lastUser(body)) }) });
  h = await startGateway({
    models: {
      teacher: fakeTeacherModel(teacher.url),
    },
    routes: {
      [ROUTE]: {
        models: ['teacher'],
        task: {
          prompt_template: `${PREFIX}{input}`,
          labels: TEST_LABELS,
          label: { from: 'json', field: 'intent' },
          min_examples: 300,
          retrain_every: 100_000,
          shadow_fraction: 1,
          demotion: { margin: 0.03, min_checks: 3, window: 3 },
        },
      },
    },
  });
});

after(async () => {
  await h?.close();
  await teacher?.close();
});

async function ask(input: string, stream = false): Promise<{ model: string | null; text: string }> {
  const messages = [{ role: 'user' as const, content: `${PREFIX}${input}` }];
  if (stream) {
    const { data, response } = await h.client.chat.completions.create({ model: ROUTE, messages, stream: true }).withResponse();
    let text = '';
    for await (const chunk of data) text += chunk.choices[0]?.delta.content ?? '';
    return { model: response.headers.get('x-tandem-model'), text };
  }
  const { data, response } = await h.client.chat.completions.create({ model: ROUTE, messages }).withResponse();
  assert.equal(data.object, 'chat.completion');
  assert.equal(data.choices[0]?.finish_reason, 'stop');
  return { model: response.headers.get('x-tandem-model'), text: data.choices[0]?.message.content ?? '' };
}

async function waitFor(what: string, check: () => Promise<boolean>, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

test('a task route learns from its teacher, serves from its student, escalates the novel, and demotes on disagreement', async () => {
  const store = h.gateway.store.taskExamples;
  // 1. The teacher answers every request; each answer becomes a labelled example.
  for (const e of examples.slice(0, 320)) {
    const answer = await ask(e.input);
    assert.equal(answer.model, 'teacher');
    assert.deepEqual(JSON.parse(answer.text), { intent: e.label });
  }
  await waitFor('the captured examples', async () => (await store.count(ROUTE)) >= 300);
  const example = (await store.list(ROUTE))[0];
  assert.ok(example && !example.input.startsWith(PREFIX), 'the prompt template is stripped from the captured input');
  // 2. min_examples reached: a student trains on the worker and is promoted.
  await waitFor('a promoted student', async () => (await store.students(ROUTE)).some((s) => s.status === 'active'));
  const [student] = await store.students(ROUTE);
  assert.equal(student?.version, 1);
  assert.ok(Number(student?.metrics.coverage) > 0.5, JSON.stringify(student?.metrics));

  // 3. Familiar inputs are answered by the student, in the teacher's format, whole and streamed.
  const familiar = examples.slice(320, 330);
  let byStudent = 0;
  for (const [i, e] of familiar.entries()) {
    const answer = await ask(e.input, i % 2 === 1);
    if (answer.model !== `student:${ROUTE}@v1`) continue;
    byStudent++;
    assert.deepEqual(JSON.parse(answer.text), { intent: e.label });
  }
  assert.ok(byStudent >= 8, `the student answered ${byStudent} of 10`);
  const rows = await h.gateway.store.requestLog.recent({ limit: 1, route: ROUTE });
  assert.equal(rows[0]?.model, `student:${ROUTE}@v1`);
  assert.equal(rows[0]?.cost, 0, 'a student answer costs nothing');

  // 4. An input unlike anything it learned from goes to the teacher.
  assert.equal((await ask('recommend a good pizza recipe with fresh mozzarella and basil')).model, 'teacher');

  // 5. The teacher starts disagreeing: shadow checks (every student answer here) demote the student.
  await waitFor('the shadow checks so far', async () => (await store.count(ROUTE)) >= 300 + byStudent);
  teacherLies = true;
  for (const e of examples.slice(330, 340)) {
    if ((await ask(e.input)).model === 'teacher') break;
    await sleep(20);
  }
  await waitFor('the demotion', async () => (await store.students(ROUTE))[0]?.status === 'demoted');
  assert.equal((await ask(examples[0]?.input as string)).model, 'teacher', 'the route serves from the teacher again');
});
