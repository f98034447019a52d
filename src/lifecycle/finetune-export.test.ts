import assert from 'node:assert/strict';
import { test } from 'node:test';
import { configSchema } from '../config/schema.js';
import { createMemoryStore } from '../store/memory/memory-store.js';
import { makeRecord } from '../store/request-log.contract.js';
import { emptySummary, exportFinetune, pseudonymiseTurns, teacherModels } from './finetune-export.js';

const model = (locality: 'local' | 'cloud') => ({ provider: 'openai-compatible' as const, base_url: 'http://127.0.0.1:1/v1', model: 'm', locality });
const config = configSchema.parse({
  models: { small: model('local'), large: model('cloud'), other: model('cloud') },
  routes: {
    chat: { models: ['small', 'large', 'other'], policies: [{ type: 'privacy', mode: 'pseudonymise', types: ['EMAIL_ADDRESS'] }] },
    intent: {
      models: ['large'],
      task: { labels: ['refund', 'card_arrival'], label: { from: 'json', field: 'intent' }, prompt_template: 'Intent?\n{input}' },
    },
  },
});

const chat = (user: string, answer: string) => ({
  requestBody: JSON.stringify({ model: 'chat', messages: [{ role: 'user', content: user }] }),
  responseBody: JSON.stringify({ object: 'chat.completion', choices: [{ index: 0, message: { role: 'assistant', content: answer } }] }),
});

async function collect(options: Parameters<typeof exportFinetune>[0]): Promise<{ lines: string[]; summary: ReturnType<typeof emptySummary> }> {
  const summary = emptySummary();
  const lines: string[] = [];
  for await (const line of exportFinetune(options, summary)) lines.push(line);
  return { lines, summary };
}

test('teachers: the task teacher, else baseline_model, else the cloud models', () => {
  assert.deepEqual(teacherModels(config.routes.chat!, config.models), ['large', 'other']);
  assert.deepEqual(teacherModels({ ...config.routes.chat!, baseline_model: 'large' }, config.models), ['large']);
  assert.deepEqual(teacherModels({ ...config.routes.intent!, task: { ...config.routes.intent!.task!, teacher: 'other' } }, config.models), ['other']);
});

test("the route's privacy types decide what is pseudonymised; one placeholder per value across turns", () => {
  const turns = [
    { role: 'user' as const, content: 'Mail bob@example.com, call +1 415-555-0134' },
    { role: 'assistant' as const, content: 'I wrote to bob@example.com.' },
  ];
  const emailOnly = pseudonymiseTurns(turns, { types: ['EMAIL_ADDRESS'] });
  assert.deepEqual(
    emailOnly.turns.map((t) => t.content),
    ['Mail <EMAIL_1>, call +1 415-555-0134', 'I wrote to <EMAIL_1>.'],
  );
  assert.equal(emailOnly.placeholders, 1);
  assert.equal(pseudonymiseTurns(turns, {}).turns[0]?.content, 'Mail <EMAIL_1>, call <PHONE_1>');
});

test('rows: teacher answers only, failures and wrong ones left out, pages followed, since honoured', async () => {
  const store = createMemoryStore();
  const rows = [
    makeRecord({ id: 'a', time: 1_000, route: 'chat', model: 'large', ...chat('hi a', 'A') }),
    makeRecord({ id: 'b', time: 2_000, route: 'chat', model: 'small', ...chat('hi b', 'B') }),
    makeRecord({ id: 'c', time: 3_000, route: 'chat', model: 'other', status: 502, ...chat('hi c', 'C') }),
    makeRecord({ id: 'd', time: 4_000, route: 'chat', model: 'other', ...chat('hi d', 'D') }),
    makeRecord({ id: 'e', time: 5_000, route: 'chat', model: 'large', requestBody: null, responseBody: null }),
    makeRecord({ id: 'f', time: 6_000, route: 'intent', model: 'large', ...chat('x', 'y') }),
    makeRecord({ id: 'g', time: 7_000, route: 'chat', model: 'large', ...chat('hi g', 'G') }),
  ];
  for (const r of rows) await store.requestLog.append(r);
  const rate = (requestId: string, o: { score?: number; correct?: boolean }) =>
    store.feedback.record({
      requestId,
      source: 'client',
      route: 'chat',
      model: null,
      keyId: null,
      time: 9,
      score: o.score ?? null,
      label: null,
      correct: o.correct ?? null,
      comment: null,
    });
  await rate('g', { correct: false });
  await rate('a', { score: 0.9 });
  await rate('d', { score: 0.4 });
  const all = await collect({ store, config, route: 'chat', format: 'openai', pageSize: 2 });
  assert.deepEqual(
    all.lines.map((l) => (JSON.parse(l) as { messages: Array<{ content: string }> }).messages[1]?.content),
    ['D', 'A'],
  );
  assert.deepEqual(all.summary.skipped, {
    'not the teacher': 1,
    failed: 1,
    'no readable body': 1,
    'feedback: not correct': 1,
    'feedback: below min score': 0,
    'feedback: unrated': 0,
  });
  assert.equal(all.summary.scanned, 6);
  const rated = await collect({ store, config, route: 'chat', format: 'sharegpt', minScore: 0.5 });
  assert.deepEqual(
    rated.lines.map((l) => JSON.parse(l)),
    [
      {
        conversations: [
          { from: 'human', value: 'hi a' },
          { from: 'gpt', value: 'A' },
        ],
      },
    ],
  );
  assert.deepEqual([rated.summary.skipped['feedback: below min score'], rated.summary.skipped['feedback: unrated']], [1, 1]);
  const recent = await collect({ store, config, route: 'chat', format: 'openai', since: 3_500 });
  assert.equal(recent.lines.length, 1);
});

test("on a task route a rating's label replaces the teacher's answer, in the task's answer format", async () => {
  const store = createMemoryStore();
  await store.requestLog.append(makeRecord({ id: 't', route: 'intent', model: 'large', ...chat('Intent?\nwhere is my card', '{"intent": "refund"}') }));
  await store.feedback.record({
    requestId: 't',
    source: 'client',
    route: 'intent',
    model: 'large',
    keyId: null,
    time: 1,
    score: null,
    label: 'CARD_ARRIVAL',
    correct: null,
    comment: null,
  });
  const { lines, summary } = await collect({ store, config, route: 'intent', format: 'openai' });
  assert.equal((JSON.parse(lines[0] as string) as { messages: Array<{ content: string }> }).messages[1]?.content, '{"intent":"card_arrival"}');
  assert.equal(summary.corrected, 1);
  await assert.rejects(collect({ store, config, route: 'nope', format: 'openai' }), /route "nope" is not in the config/);
});
