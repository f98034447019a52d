/**
 * A flow step on a task route (docs/distillation.md): the triage of a triage-act flow runs on a route whose
 * teacher's answers train a student; once the student is promoted, it triages familiar requests in process
 * (cost 0, no cloud call) and the action still runs, all over HTTP with the official openai client.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { generatedExamples, TEST_LABELS, fakeTeacherModel } from '../src/distill/testing-examples.js';
import { startFakeUpstream, type FakeUpstream } from '../src/providers/testing/fake-upstream.js';
import { startFlowUpstreams } from './helpers/flow-upstreams.js';
import { startGateway, type Harness } from './helpers/gateway-harness.js';
import { echoResponder, lastUser } from './helpers/openai-upstream.js';

const PREFIX = 'Which intent is this support message? Reply in JSON.\nMessage: ';
const examples = generatedExamples(260, 5);
const gold = new Map(examples.map((e) => [e.input, e.label]));

let teacher: FakeUpstream;
let up: Awaited<ReturnType<typeof startFlowUpstreams>>;
let h: Harness;

before(async () => {
  teacher = await startFakeUpstream({
    '/v1/chat/completions': echoResponder({
      answer: (body) => `{"intent": "${gold.get(lastUser(body).slice(PREFIX.length)) ?? 'lost_card'}"}`,
    }),
  });
  up = await startFlowUpstreams();
  const actions = Object.fromEntries(TEST_LABELS.map((label) => [label, { model: 'small', prompt: `Handle ${label}: {{input}}` }]));
  h = await startGateway({
    models: {
      teacher: fakeTeacherModel(teacher.url),
      small: { provider: 'openai-compatible', base_url: `${up.local.url}/v1`, locality: 'local', timeout_ms: 5_000 },
    },
    routes: {
      'triage/intent': {
        models: ['teacher'],
        task: {
          prompt_template: `${PREFIX}{input}`,
          labels: TEST_LABELS,
          label: { from: 'json', field: 'intent' },
          min_examples: 200,
          retrain_every: 100_000,
          shadow_fraction: 0,
        },
      },
      support: {
        models: ['teacher', 'small'],
        flow: {
          type: 'triage-act',
          triage: { route: 'triage/intent', prompt: `${PREFIX}{{input}}` },
          schema: { type: 'object', properties: { intent: { type: 'string', enum: TEST_LABELS } }, required: ['intent'] },
          actions,
        },
      },
    },
  });
});

after(async () => {
  await h?.close();
  await teacher?.close();
  await up?.close();
});

test("the teacher's triage answers in flows train a student, which then triages familiar requests at no cost", async () => {
  const ask = async (input: string) => {
    const { data, response } = await h.client.chat.completions.create({ model: 'support', messages: [{ role: 'user', content: input }] }).withResponse();
    return {
      steps: response.headers.get('x-tandem-flow-steps') ?? '',
      text: data.choices[0]?.message.content ?? '',
      id: response.headers.get('x-tandem-request-id') as string,
    };
  };
  for (const e of examples.slice(0, 220)) {
    const answer = await ask(e.input);
    assert.equal(answer.steps, `triage=teacher, action:${e.label}=small`);
  }
  const store = h.gateway.store.taskExamples;
  const deadline = Date.now() + 120_000;
  while (!(await store.students('triage/intent')).some((s) => s.status === 'active')) {
    assert.ok(Date.now() < deadline, 'a student was promoted');
    await sleep(100);
  }
  const teacherCalls = teacher.requests.length;
  let byStudent = 0;
  for (const e of examples.slice(220, 250)) {
    const answer = await ask(e.input);
    if (!answer.steps.startsWith('triage=student:triage/intent@v1,')) continue;
    byStudent++;
    assert.equal(answer.steps, `triage=student:triage/intent@v1, action:${e.label}=small`);
    const steps = (await h.gateway.store.flowSteps?.forParents([answer.id]))?.get(answer.id) ?? [];
    assert.equal(steps[0]?.cost, 0);
  }
  assert.ok(byStudent >= 15, `the student triaged ${byStudent} of 30`);
  assert.equal(teacher.requests.length, teacherCalls + (30 - byStudent), 'only the requests the student was unsure of reached the teacher');
});
