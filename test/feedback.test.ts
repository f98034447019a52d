/**
 * Feedback end to end over real HTTP with the official `openai` client (docs/lifecycle.md#feedback), on
 * SQLite and PostgreSQL: a key rates its own requests (JSON body and header form), never another key's
 * (the same 404 as an unknown id), the admin key rates any; bad bodies are 400s naming the field; the
 * latest rating shows in the log; a label on a task route's request becomes a correction of its input.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import OpenAI from 'openai';
import { TEST_LABELS } from '../src/distill/testing-examples.js';
import type { FakeUpstream } from '../src/providers/testing/fake-upstream.js';
import { postgresSkipReason, TEST_DATABASE_URL, testSchemas } from '../src/store/postgres/postgres-test-database.js';
import { startGateway, twoModelConfig, type Harness } from './helpers/gateway-harness.js';
import { echoResponder, startEchoUpstream } from './helpers/openai-upstream.js';
import { startFakeUpstream } from '../src/providers/testing/fake-upstream.js';
import type { TandemConfigInput } from '../src/config/schema.js';

const ADMIN_KEY = 'admin-0123456789abcdef';
const TASK_ROUTE = 'support/intent';
const PREFIX = 'Which intent is this support message? Reply in JSON.\nMessage: ';

const pgSkip = await postgresSkipReason();
const schemas = testSchemas();
after(() => schemas.dropAll());

type Feedback = Record<string, unknown>;

function client(h: Harness, apiKey: string): OpenAI {
  return new OpenAI({ baseURL: `${h.url}/v1`, apiKey, maxRetries: 0 });
}

async function createKey(h: Harness, name: string): Promise<{ id: string; secret: string }> {
  const res = await fetch(`${h.url}/admin/keys`, {
    method: 'POST',
    headers: { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': 'application/json' },
    body: JSON.stringify({ name }),
  });
  assert.equal(res.status, 201);
  const json = (await res.json()) as { secret: string; key: { id: string } };
  return { id: json.key.id, secret: json.secret };
}

/** A chat request; returns the request id (x-request-id, `_request_id` in the openai client). */
async function ask(c: OpenAI, model: string, content: string, headers: Record<string, string> = {}): Promise<string> {
  const completion = await c.chat.completions.create({ model, messages: [{ role: 'user', content }] }, { headers });
  assert.ok(completion._request_id);
  return completion._request_id;
}

const rate = (c: OpenAI, body: Record<string, unknown>): Promise<Feedback> => c.post('/feedback', { body });

async function rejects(promise: Promise<unknown>, status: number, check: (e: InstanceType<typeof OpenAI.APIError>) => void): Promise<void> {
  await assert.rejects(promise, (e: unknown) => {
    assert.ok(e instanceof OpenAI.APIError, String(e));
    assert.equal(e.status, status, e.message);
    assert.equal(e.type, 'invalid_request_error');
    check(e);
    return true;
  });
}

function suite(name: string, store: TandemConfigInput['store'], skip: string | false): void {
  describe(`feedback over HTTP (${name})`, { skip }, () => {
    let up: FakeUpstream;
    let teacher: FakeUpstream;
    let h: Harness;
    let alice: { id: string; secret: string };
    let bob: { id: string; secret: string };

    before(async () => {
      up = await startEchoUpstream();
      teacher = await startFakeUpstream({ '/v1/chat/completions': echoResponder({ answer: () => '{"intent": "card_arrival"}' }) });
      const base = twoModelConfig(up.url, up.url);
      h = await startGateway({
        ...base,
        ...(store === undefined ? {} : { store }),
        server: { admin_key: ADMIN_KEY },
        models: {
          ...base.models,
          teacher: {
            provider: 'openai-compatible',
            base_url: `${teacher.url}/v1`,
            model: 'gpt-4o',
            api_key: 'sk-test',
            locality: 'cloud',
            pricing: { input_per_1m: 2.5, output_per_1m: 10 },
            capabilities: { json: true },
            timeout_ms: 5_000,
          },
        },
        routes: {
          ...base.routes,
          [TASK_ROUTE]: {
            models: ['teacher'],
            task: {
              prompt_template: `${PREFIX}{input}`,
              labels: TEST_LABELS,
              label: { from: 'json', field: 'intent' },
              min_examples: 1000,
            },
          },
        },
      });
      alice = await createKey(h, 'alice');
      bob = await createKey(h, 'bob');
    });
    after(async () => {
      await h?.close();
      await up?.close();
      await teacher?.close();
    });

    test('a key rates its own request; the entry comes back and the latest one shows in the log', async () => {
      const a = client(h, alice.secret);
      const id = await ask(a, 'tandem/auto', 'hello');
      const first = await rate(a, { request_id: id, score: 0.25, comment: 'too short' });
      assert.equal(first.object, 'feedback');
      assert.equal(first.request_id, id);
      assert.equal(first.score, 0.25);
      assert.equal(first.comment, 'too short');
      assert.equal(first.label_correction, null);
      const second = await rate(a, { request_id: id, correct: true, label: 'greeting' });
      assert.notEqual(second.id, first.id);
      const latest = await h.gateway.store.feedback.latest([id]);
      assert.deepEqual(
        [latest.get(id)?.correct, latest.get(id)?.label, latest.get(id)?.score, latest.get(id)?.keyId, latest.get(id)?.route],
        [true, 'greeting', null, alice.id, 'tandem/auto'],
      );
      assert.equal((await h.gateway.store.feedback.forRequest(id)).length, 2);
      // The dashboard's request detail lists every entry, oldest first.
      const detail = await fetch(`${h.url}/admin/dashboard/request?id=${encodeURIComponent(id)}`, { headers: { authorization: `Bearer ${ADMIN_KEY}` } });
      const { feedback } = (await detail.json()) as { feedback: Array<{ score: number | null; correct: boolean | null; source: string }> };
      assert.deepEqual(
        feedback.map((f) => [f.score, f.correct, f.source]),
        [
          [0.25, null, 'client'],
          [null, true, 'client'],
        ],
      );
    });

    test("another key's request and an unknown id get the same 404; the admin key rates any request", async () => {
      const a = client(h, alice.secret);
      const id = await ask(a, 'tandem/auto', 'mine');
      const messages: string[] = [];
      const b = client(h, bob.secret);
      await rejects(rate(b, { request_id: id, score: 1 }), 404, (e) => messages.push(e.message.replace(id, '<id>')));
      const unknown = '0190a0a0-0000-7000-8000-000000000000';
      await rejects(rate(b, { request_id: unknown, score: 1 }), 404, (e) => {
        assert.equal(e.code, 'request_not_found');
        assert.equal(e.param, 'request_id');
        messages.push(e.message.replace(unknown, '<id>'));
      });
      assert.equal(messages[0], messages[1]);
      assert.equal((await h.gateway.store.feedback.forRequest(id)).length, 0);

      const adminClient = client(h, ADMIN_KEY);
      const byAdmin = await rate(adminClient, { request_id: id, correct: false });
      assert.equal(byAdmin.correct, false);
      assert.equal((await h.gateway.store.feedback.forRequest(id))[0]?.keyId, 'admin');
    });

    test('bad bodies are 400s naming the field', async () => {
      const a = client(h, alice.secret);
      const id = await ask(a, 'tandem/auto', 'bad');
      const cases: Array<[Record<string, unknown>, string, RegExp]> = [
        [{ score: 0.5 }, 'request_id', /request_id/],
        [{ request_id: id }, 'score', /at least one of 'score'.*'label'.*'correct'/],
        [{ request_id: id, score: 1.5 }, 'score', /score/],
        [{ request_id: id, score: '0.5' }, 'score', /score/],
        [{ request_id: id, correct: 'yes' }, 'correct', /correct/],
        [{ request_id: id, label: '' }, 'label', /label/],
        [{ request_id: id, score: 1, stars: 5 }, 'stars', /stars/],
        [{ request_id: 42, score: 1 }, 'request_id', /request_id/],
      ];
      for (const [body, param, message] of cases) {
        await rejects(rate(a, body), 400, (e) => {
          assert.equal(e.param, param, JSON.stringify(body));
          assert.match(e.message, message);
        });
      }
      const raw = await fetch(`${h.url}/v1/feedback`, {
        method: 'POST',
        headers: { authorization: `Bearer ${alice.secret}`, 'content-type': 'application/json' },
        body: '[1, 2]',
      });
      assert.equal(raw.status, 400);
      assert.equal(((await raw.json()) as { error: { type: string } }).error.type, 'invalid_request_error');
      assert.equal((await h.gateway.store.feedback.forRequest(id)).length, 0);
    });

    test('the header form rates an earlier request inline; a bad or foreign one fails the request before any model is called', async () => {
      const a = client(h, alice.secret);
      const rated = await ask(a, 'tandem/auto', 'first');
      const response = await a.chat.completions
        .create(
          { model: 'tandem/auto', messages: [{ role: 'user', content: 'second' }] },
          { headers: { 'x-tandem-feedback': 'score=0.9; correct=true; label=billing%3Bvat', 'x-tandem-feedback-request-id': rated } },
        )
        .withResponse();
      assert.match(response.response.headers.get('x-tandem-feedback-id') ?? '', /^fb_\d+$/);
      const [entry] = await h.gateway.store.feedback.forRequest(rated);
      assert.deepEqual([entry?.score, entry?.correct, entry?.label], [0.9, true, 'billing;vat']);

      const calls = up.requests.length;
      await rejects(ask(a, 'tandem/auto', 'third', { 'x-tandem-feedback': 'score=high', 'x-tandem-feedback-request-id': rated }), 400, (e) => {
        assert.equal(e.param, 'x-tandem-feedback');
        assert.match(e.message, /score/);
      });
      await rejects(ask(a, 'tandem/auto', 'third', { 'x-tandem-feedback': 'score=1' }), 400, (e) => assert.equal(e.param, 'x-tandem-feedback-request-id'));
      await rejects(
        ask(client(h, bob.secret), 'tandem/auto', 'x', { 'x-tandem-feedback': 'correct=false', 'x-tandem-feedback-request-id': rated }),
        404,
        (e) => {
          assert.equal(e.code, 'request_not_found');
          assert.equal(e.param, 'x-tandem-feedback-request-id');
        },
      );
      assert.equal(up.requests.length, calls, 'no upstream call for a request with a refused rating');
      assert.equal((await h.gateway.store.feedback.forRequest(rated)).length, 1);
    });

    test("a label on a task route's request becomes a correction that beats the teacher", async () => {
      const a = client(h, alice.secret);
      const input = 'my card still has not arrived after two weeks';
      const id = await ask(a, TASK_ROUTE, `${PREFIX}${input}`);
      // The capture of the teacher's label happens after the answer: wait for it.
      for (let i = 0; i < 100 && (await h.gateway.store.taskExamples.count(TASK_ROUTE)) === 0; i++) await new Promise((r) => setTimeout(r, 20));
      const corrected = TEST_LABELS.find((l) => l !== 'card_arrival') as string;
      const answer = await rate(a, { request_id: id, label: corrected.toUpperCase() });
      assert.equal(answer.label_correction, 'applied');
      const [example] = await h.gateway.store.taskExamples.list(TASK_ROUTE);
      assert.deepEqual([example?.input, example?.teacherLabel, example?.correctedLabel, example?.label], [input, 'card_arrival', corrected, corrected]);
      const outside = await rate(a, { request_id: id, label: 'not-an-intent' });
      assert.equal(outside.label_correction, 'not a label of the task');
      assert.equal((await h.gateway.store.taskExamples.list(TASK_ROUTE))[0]?.label, corrected);
      // The applied correction is audited with ids only; the refused one is not.
      const records = await h.gateway.store.audit.read({ replicaId: (await h.gateway.store.audit.replicas())[0] ?? '', limit: 1_000 });
      const changes = records.filter((r) => r.change?.action === 'feedback.label').map((r) => r.change);
      assert.deepEqual(
        changes.map((c) => [c?.subject, c?.actor, c?.detail]),
        [[`route/${TASK_ROUTE}`, `key:${alice.id}`, { requestId: id, feedback: answer.id }]],
      );
      assert.ok(!JSON.stringify(changes).includes(input));
    });
  });
}

suite('sqlite', undefined, false);
suite('postgres', { type: 'postgres', url: TEST_DATABASE_URL, schema: schemas.create() }, pgSkip);
