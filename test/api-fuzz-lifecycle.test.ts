/**
 * Generated bad input for the endpoints that came after the chat API: feedback (body and header forms),
 * collection ingest, the model registry and experiments admin API, with random edits of valid bodies, random
 * names in the path (slashes, dots, encoded bytes, very long), wrong methods and junk query strings. Whatever
 * the input, the answer is a success or a 4xx in OpenAI's error shape, never a 500 and never in zod's own
 * words; no upstream's circuit opens; the server keeps serving. FUZZ_REQUESTS (default 300 per endpoint) and
 * FUZZ_SEED widen a search.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'undici';
import type { FakeUpstream } from '../src/providers/testing/fake-upstream.js';
import { seededRandom } from '../src/testing/seeded-random.js';
import { startGateway, twoModelConfig, type Harness } from './helpers/gateway-harness.js';
import { startEchoUpstream } from './helpers/openai-upstream.js';
import { mutate, pick, randomValue, type Json } from './helpers/request-mutator.js';

const COUNT = Number(process.env.FUZZ_REQUESTS ?? 300);
const SEED = Number(process.env.FUZZ_SEED ?? 20261206);
const ADMIN_KEY = 'sk-admin-fuzz-lifecycle';
const ADMIN = { authorization: `Bearer ${ADMIN_KEY}` };

/** Path segments a client may get wrong: encoded slashes and bytes, dots, empty, unicode, very long. */
const NAMES = ['handbook', 'tandem/auto', 'a%2Fb', '..', '.', '%00', '%ZZ', 'é🗼', 'x'.repeat(600), 'UPPER', 'with space', '', 'a?b=c', '%252F'];
const KINDS = ['task-student', 'router-scorer', 'cascade-verifier', 'model-version', 'nope', ''];
const ACTIONS = ['promote', 'rollback', 'retire', 'canary', 'delete', ''];
const QUERIES = ['', '?kind=task-student', '?name=%00', '?kind=&name=', '?limit=-1', `?name=${'y'.repeat(300)}`, '?%=%'];

interface Reply {
  status: number;
  contentType: string;
  text: string;
}

describe('admin and lifecycle endpoints under generated bad input', () => {
  let cloud: FakeUpstream;
  let local: FakeUpstream;
  let h: Harness;
  const requestIds: string[] = [];
  const failures: string[] = [];

  before(async () => {
    cloud = await startEchoUpstream();
    local = await startEchoUpstream();
    const base = twoModelConfig(cloud.url, local.url);
    h = await startGateway({
      ...base,
      server: { admin_key: ADMIN_KEY },
      routes: {
        ...base.routes,
        intents: {
          models: ['large'],
          task: { prompt_template: 'Intent of: {input}', labels: ['refund', 'card_arrival', 'balance'], min_examples: 1_000 },
        },
      },
    });
    for (const [model, content] of [
      ['tandem/auto', 'hello there'],
      ['intents', 'Intent of: where is my card'],
      ['large', 'plain question'],
    ] as const) {
      const { response } = await h.client.chat.completions.create({ model, messages: [{ role: 'user', content }] }).withResponse();
      requestIds.push(response.headers.get('x-request-id') ?? '');
    }
  });
  after(async () => {
    await h.close();
    await cloud.close();
    await local.close();
  });

  async function send(method: string, path: string, body: string | undefined, headers: Record<string, string>): Promise<Reply> {
    const response = await request(`${h.url}${path}`, {
      method: method as 'GET',
      headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
      ...(body === undefined ? {} : { body }),
    });
    return { status: response.statusCode, contentType: String(response.headers['content-type'] ?? ''), text: await response.body.text() };
  }

  function check(what: string, reply: Reply): void {
    const problem = problemWith(reply);
    if (problem) failures.push(`${problem}\n  ${what.slice(0, 700)}\n  reply: ${reply.status} ${reply.text.slice(0, 400)}`);
  }

  function problemWith(reply: Reply): string | null {
    if (reply.status >= 500) return `a ${reply.status}`;
    if (reply.status < 300) return null;
    if (!reply.contentType.startsWith('application/json')) return `a ${reply.status} that is not JSON`;
    let parsed: { error?: { message?: unknown; type?: unknown } };
    try {
      parsed = JSON.parse(reply.text) as typeof parsed;
    } catch {
      return `a ${reply.status} whose body does not parse`;
    }
    if (typeof parsed.error?.message !== 'string' || typeof parsed.error.type !== 'string') return `a ${reply.status} not in OpenAI's error shape`;
    if (/Invalid input|received (undefined|string|number|object|array|boolean|null)/.test(parsed.error.message))
      return `a ${reply.status} whose message is not clear`;
    return null;
  }

  /** A valid body with one to three random edits; one in five left valid (so the deep paths run), one in ten not JSON. */
  function body(random: () => number, base: Json): string {
    const draw = random();
    if (draw < 0.1) return pick(random, ['', '{', 'null', '[]', '"x"', '{"a":1}{', '\u0000', 'x'.repeat(3_000)]);
    if (draw < 0.3) return JSON.stringify(base);
    return JSON.stringify(mutate(random, base));
  }

  function assertClean(): void {
    assert.deepEqual(failures.splice(0), []);
    for (const model of h.gateway.models.values()) assert.equal(h.gateway.breaker.state(model.upstreamKey), 'closed', model.name);
  }

  test('POST /v1/feedback: never a 500, always the error shape; some ratings are stored', async () => {
    const random = seededRandom(SEED);
    let stored = 0;
    for (let i = 0; i < COUNT; i++) {
      const id = random() < 0.8 ? pick(random, requestIds) : pick(random, ['', 'req_unknown', 'x'.repeat(500), '%00']);
      const base = pick<Json>(random, [
        { request_id: id, score: 0.8 },
        { request_id: id, label: 'refund', correct: true, comment: 'right intent' },
        { request_id: id, correct: false },
      ]);
      const text = body(random, base);
      const headers = random() < 0.5 ? ADMIN : {};
      const reply = await send('POST', '/v1/feedback', text, headers);
      check(`POST /v1/feedback ${text}`, reply);
      if (reply.status < 300) stored++;
    }
    assertClean();
    assert.ok(stored > COUNT * 0.05, `only ${stored} of ${COUNT} ratings were valid: the generator lost its base`);
  });

  test('feedback headers on a chat request: never a 500; a refused rating calls no model', async () => {
    const random = seededRandom(SEED + 1);
    const values = [
      'score=0.8',
      'score=2',
      'score=abc',
      'correct=true; label=refund',
      'label=%ZZ',
      `label=${'l'.repeat(300)}`,
      ';;;',
      '=',
      'score',
      'comment=%00',
      '',
    ];
    for (let i = 0; i < COUNT / 3; i++) {
      const headers: Record<string, string> = { 'x-tandem-feedback': pick(random, values) };
      if (random() < 0.8) headers['x-tandem-feedback-request-id'] = random() < 0.8 ? pick(random, requestIds) : pick(random, ['', 'nope', 'x'.repeat(300)]);
      const text = JSON.stringify({ model: pick(random, ['tandem/auto', 'large', 'intents']), messages: [{ role: 'user', content: 'Intent of: card' }] });
      const before = cloud.requests.length + local.requests.length;
      const reply = await send('POST', '/v1/chat/completions', text, { ...headers, ...(random() < 0.5 ? ADMIN : {}) });
      check(`chat with ${JSON.stringify(headers)}`, reply);
      if (reply.status >= 400 && reply.status < 500)
        assert.equal(cloud.requests.length + local.requests.length, before, 'a refused rating must not reach a model');
    }
    assertClean();
  });

  test('POST /admin/collections/{name}/documents: never a 500, always the error shape; some documents are ingested', async () => {
    const random = seededRandom(SEED + 2);
    let ingested = 0;
    const bases: Json[] = [
      { documents: [{ source: 'refunds.md', text: '# Refunds\n\nRefunds are paid within five business days.' }] },
      { documents: [{ source: 'faq.jsonl', text: '{"body":"Opening hours 8 to 18"}\n{"body":"Reset passwords on the login page"}' }], text_field: 'body' },
      {
        documents: [
          { source: 'notes.txt', text: 'Shipping is free over 50 euros.' },
          { source: 'broken.pdf', content_base64: 'JVBERi0xLjQK' },
        ],
        private: true,
      },
    ];
    for (let i = 0; i < COUNT; i++) {
      const name = random() < 0.7 ? 'handbook' : pick(random, NAMES);
      const text = body(random, pick(random, bases));
      const method = random() < 0.9 ? 'POST' : pick(random, ['PUT', 'PATCH', 'GET', 'DELETE']);
      const reply = await send(method, `/admin/collections/${name}/documents`, text, random() < 0.95 ? ADMIN : {});
      check(`${method} /admin/collections/${name}/documents ${text}`, reply);
      if (reply.status < 300 && method === 'POST') ingested++;
    }
    for (const name of NAMES) {
      check(`GET /admin/collections/${name}`, await send('GET', `/admin/collections/${name}`, undefined, ADMIN));
      check(`DELETE /admin/collections/${name}`, await send('DELETE', `/admin/collections/${name}`, undefined, ADMIN));
    }
    assertClean();
    assert.ok(ingested > COUNT * 0.05, `only ${ingested} of ${COUNT} ingests were valid: the generator lost its base`);
  });

  test('the registry and experiments admin API: never a 500, always the error shape', async () => {
    const random = seededRandom(SEED + 3);
    for (let i = 0; i < COUNT; i++) {
      const kind = pick(random, KINDS);
      const name = pick(random, NAMES);
      const action = pick(random, ACTIONS);
      const method = random() < 0.7 ? 'POST' : pick(random, ['GET', 'DELETE', 'PUT']);
      const path = pick(random, [`/admin/registry/${kind}/${name}/${action}`, `/admin/registry/${kind}/${name}`, `/admin/registry/${kind}`, '/admin/registry']);
      const text = method === 'GET' ? undefined : body(random, { version: pick(random, [1, 2, 0, -1, 1.5]), reason: 'fuzz' });
      const reply = await send(method, `${path}${pick(random, QUERIES)}`, text, ADMIN);
      check(`${method} ${path} ${text ?? ''}`, reply);
    }
    for (let i = 0; i < COUNT / 3; i++) {
      const method = pick(random, ['GET', 'POST', 'DELETE']);
      const path = pick(random, ['/admin/experiments', '/admin/experiments/stop', `/admin/experiments/${pick(random, NAMES)}`]);
      const text = method === 'GET' ? undefined : body(random, { name: pick(random, NAMES), reason: randomValue(random) });
      const reply = await send(method, `${path}${pick(random, QUERIES)}`, text, ADMIN);
      check(`${method} ${path} ${text ?? ''}`, reply);
    }
    assertClean();
  });

  test('the server still answers', async () => {
    const healthy = await request(`${h.url}/healthz`);
    assert.equal(healthy.statusCode, 200);
    await healthy.body.dump();
    const { response } = await h.client.chat.completions.create({ model: 'large', messages: [{ role: 'user', content: 'still there?' }] }).withResponse();
    assert.equal(response.status, 200);
  });
});
