/**
 * The four privacy modes end to end, over HTTP with the openai client: what reaches which upstream, the
 * 4xx answers, the x-tandem-privacy header, the dry-run explanation and the request log — types and counts
 * everywhere, never the values. (The leak test, test/pii-leak.test.ts, does the same at volume.)
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { request } from 'undici';
import type { TandemConfigInput } from '../src/config/schema.js';
import type { FakeUpstream } from '../src/providers/testing/fake-upstream.js';
import { startGateway, type Harness } from './helpers/gateway-harness.js';
import { startEchoUpstream } from './helpers/openai-upstream.js';

const EMAIL = 'maria.gonzalez@example.com';
const PHONE = '+44 20 7946 0958';
const PII_PROMPT = `Hello, reach me at ${EMAIL} or ${PHONE}, or again at ${EMAIL}.`;

interface ErrorBody {
  error: { message: string; type: string; code: string | null };
}

describe('privacy modes', () => {
  let cloud: FakeUpstream;
  let local: FakeUpstream;
  let h: Harness;

  before(async () => {
    cloud = await startEchoUpstream();
    local = await startEchoUpstream({ answer: () => 'local answer' });
    const model = (url: string, locality: 'local' | 'cloud'): TandemConfigInput['models'][string] => ({
      provider: 'openai-compatible',
      base_url: `${url}/v1`,
      locality,
      timeout_ms: 2_000,
    });
    type Policy = NonNullable<NonNullable<TandemConfigInput['routes']>[string]['policies']>[number];
    const route = (privacy: Policy, models = ['cloud', 'local']): NonNullable<TandemConfigInput['routes']>[string] => ({
      models,
      policies: [privacy],
      router: { type: 'fixed', model: 'cloud' },
    });
    h = await startGateway({
      models: { cloud: model(cloud.url, 'cloud'), local: model(local.url, 'local') },
      routes: {
        detect: route({ type: 'privacy', mode: 'detect' }),
        block: route({ type: 'privacy', mode: 'block' }),
        'local-only': route({ type: 'privacy' }),
        'cloud-only': route({ type: 'privacy', mode: 'local-only' }, ['cloud']),
        pseudonymise: route({ type: 'privacy', mode: 'pseudonymise' }),
        'emails-only': route({ type: 'privacy', mode: 'local-only', types: ['EMAIL_ADDRESS'] }),
        'very-sure': route({ type: 'privacy', mode: 'local-only', threshold: 0.99 }),
      },
    });
  });
  after(async () => {
    await h?.close();
    await cloud?.close();
    await local?.close();
  });

  async function chat(model: string, content = PII_PROMPT, headers: Record<string, string> = {}) {
    const before = { cloud: cloud.requests.length, local: local.requests.length };
    const res = await request(`${h.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify({ model, messages: [{ role: 'user', content }] }),
    });
    const text = await res.body.text();
    const reached = { cloud: cloud.requests.slice(before.cloud), local: local.requests.slice(before.local) };
    const record = await h.gateway.store.requestLog.get(String(res.headers['x-tandem-request-id']));
    return { status: res.statusCode, header: res.headers['x-tandem-privacy'], text, reached, record };
  }

  test('detect: the request goes where the router sends it, and the findings are recorded', async () => {
    const r = await chat('detect');
    assert.equal(r.status, 200);
    assert.equal(r.reached.cloud.length, 1);
    assert.ok(r.reached.cloud[0]?.body.includes(EMAIL));
    assert.equal(r.header, 'detected; EMAIL_ADDRESS=2,PHONE_NUMBER=1');
    assert.deepEqual(r.record?.privacy, { action: 'detected', findings: { EMAIL_ADDRESS: 2, PHONE_NUMBER: 1 } });
  });

  test('block: 400 in OpenAI error JSON naming the types and counts, nothing sent anywhere', async () => {
    const r = await chat('block');
    assert.equal(r.status, 400);
    const body = JSON.parse(r.text) as ErrorBody;
    assert.equal(body.error.code, 'privacy_blocked');
    assert.equal(body.error.type, 'invalid_request_error');
    assert.match(body.error.message, /EMAIL_ADDRESS=2,PHONE_NUMBER=1/);
    assert.ok(!r.text.includes(EMAIL) && !r.text.includes(PHONE));
    assert.deepEqual([r.reached.cloud.length, r.reached.local.length], [0, 0]);
    assert.equal(r.header, 'blocked; EMAIL_ADDRESS=2,PHONE_NUMBER=1');
    assert.equal(r.record?.status, 400);
    assert.deepEqual(r.record?.privacy, { action: 'blocked', findings: { EMAIL_ADDRESS: 2, PHONE_NUMBER: 1 } });
    const clean = await chat('block', 'What is the capital of France?');
    assert.equal(clean.status, 200);
    assert.equal(clean.header, 'none');
  });

  test('local-only (the default mode): PII goes to the local model although the router picked the cloud', async () => {
    const r = await chat('local-only');
    assert.equal(r.status, 200);
    assert.deepEqual([r.reached.cloud.length, r.reached.local.length], [0, 1]);
    assert.equal(r.header, 'local-only; EMAIL_ADDRESS=2,PHONE_NUMBER=1');
    assert.equal(r.record?.model, 'local');
    const clean = await chat('local-only', 'What is the capital of France?');
    assert.deepEqual([clean.reached.cloud.length, clean.reached.local.length], [1, 0]);
  });

  test('local-only without a local model: a clear 400, and the request goes nowhere', async () => {
    const r = await chat('cloud-only');
    assert.equal(r.status, 400);
    const body = JSON.parse(r.text) as ErrorBody;
    assert.equal(body.error.code, 'privacy_no_local_model');
    assert.match(
      body.error.message,
      /only reach local models \(found EMAIL_ADDRESS=2,PHONE_NUMBER=1\), and none of the models of route "cloud-only" that are local/,
    );
    assert.ok(!r.text.includes(EMAIL));
    assert.deepEqual([r.reached.cloud.length, r.reached.local.length], [0, 0]);
    // A sensitive request naming the cloud model directly: the message says so in words, not "no local model on model ...".
    const direct = await chat('cloud', PII_PROMPT, { 'x-tandem-sensitive': 'true' });
    assert.equal(direct.status, 400);
    const message = (JSON.parse(direct.text) as ErrorBody).error.message;
    assert.match(message, /but it names model "cloud", a cloud model \(name a local model or a route instead\)/);
    assert.doesNotMatch(message, /on model "/);
    assert.deepEqual([direct.reached.cloud.length, direct.reached.local.length], [0, 0]);
  });

  test('pseudonymise: the cloud sees placeholders, the client the original; a local model would see the original', async () => {
    const r = await chat('pseudonymise');
    assert.equal(r.status, 200);
    const sent = r.reached.cloud[0]?.body ?? '';
    assert.ok(!sent.includes(EMAIL) && !sent.includes(PHONE));
    // Placeholders carry the request's random tag (docs/decisions/placeholders.md).
    assert.match(sent, /reach me at <EMAIL_1_([a-z0-9]{4})> or <PHONE_1_\1>, or again at <EMAIL_1_\1>\./);
    const answer = (JSON.parse(r.text) as { choices: Array<{ message: { content: string } }> }).choices[0]?.message.content;
    assert.equal(answer, `echo: ${PII_PROMPT}`);
    assert.equal(r.header, 'pseudonymised; EMAIL_ADDRESS=2,PHONE_NUMBER=1');
    // The log keeps the placeholder copy by default (store.log_bodies: clear keeps the client's body) and counts.
    assert.ok(r.record?.requestBody && !r.record.requestBody.includes(EMAIL) && !r.record.requestBody.includes(PHONE));
    assert.match(r.record.requestBody, /<EMAIL_1_[a-z0-9]{4}>/);
    assert.ok(r.record.responseBody && !r.record.responseBody.includes(EMAIL));
    assert.deepEqual(r.record?.privacy, { action: 'pseudonymised', findings: { EMAIL_ADDRESS: 2, PHONE_NUMBER: 1 } });
  });

  test('the client’s own "sensitive" marking wins over pseudonymise', async () => {
    const r = await chat('pseudonymise', PII_PROMPT, { 'x-tandem-sensitive': 'true' });
    assert.deepEqual([r.reached.cloud.length, r.reached.local.length], [0, 1]);
    assert.equal(r.header, 'local-only; EMAIL_ADDRESS=2,PHONE_NUMBER=1');
  });

  test('types and threshold narrow what counts', async () => {
    const emails = await chat('emails-only', `call ${PHONE}`);
    assert.deepEqual([emails.reached.cloud.length, emails.header], [1, 'none']);
    const sure = await chat('very-sure');
    assert.deepEqual([sure.reached.cloud.length, sure.header], [1, 'none']);
  });

  test('POST /v1/route explains the decision with types and counts, calling no model', async () => {
    const before = cloud.requests.length + local.requests.length;
    const res = await request(`${h.url}/v1/route`, {
      method: 'POST',
      body: JSON.stringify({ model: 'local-only', messages: [{ role: 'user', content: PII_PROMPT }] }),
    });
    const text = await res.body.text();
    const e = JSON.parse(text) as { chosen: string; privacy: unknown; candidates: Array<{ model: string; reasons: string[] }> };
    assert.equal(e.chosen, 'local');
    assert.deepEqual(e.privacy, {
      mode: 'local-only',
      action: 'local-only',
      findings: { EMAIL_ADDRESS: 2, PHONE_NUMBER: 1 },
      because: 'found EMAIL_ADDRESS=2,PHONE_NUMBER=1',
    });
    assert.deepEqual(e.candidates.find((c) => c.model === 'cloud')?.reasons, [
      'privacy: cloud model, request is sensitive (found EMAIL_ADDRESS=2,PHONE_NUMBER=1)',
    ]);
    assert.ok(!text.includes(EMAIL));
    assert.equal(cloud.requests.length + local.requests.length, before);
  });
});
