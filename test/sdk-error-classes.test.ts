/**
 * The official `openai` client raises the error class a user expects for each of Tandem's failures, and
 * reads OpenAI's `type` / `code` values: a real Tandem on loopback, fake upstreams behind it.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import OpenAI from 'openai';
import { startFakeUpstream, type FakeUpstream } from '../src/providers/testing/fake-upstream.js';
import { startGateway, twoModelConfig, type Harness } from './helpers/gateway-harness.js';
import { startEchoUpstream } from './helpers/openai-upstream.js';

const hello = { messages: [{ role: 'user' as const, content: 'hello' }] };

/** The error the client threw, or a failure when it did not throw. */
async function caught(call: () => Promise<unknown>): Promise<InstanceType<typeof OpenAI.APIError>> {
  try {
    await call();
  } catch (error) {
    if (error instanceof OpenAI.APIError) return error;
    throw error;
  }
  assert.fail('the call succeeded');
}

/** Both models on upstreams that answer every chat call with the given status. */
async function failingGateway(status: number, headers: Record<string, string>[]): Promise<{ h: Harness; ups: FakeUpstream[] }> {
  const ups = await Promise.all(
    headers.map((h) => startFakeUpstream({ '/v1/chat/completions': { status, headers: h, body: { error: { message: 'the upstream refuses', type: 'x' } } } })),
  );
  const [cloud, local] = ups;
  if (!cloud || !local) throw new Error('two upstreams expected');
  const h = await startGateway(twoModelConfig(cloud.url, local.url));
  return { h, ups };
}

describe('the openai client raises the class that fits each failure', () => {
  let up: FakeUpstream;
  let h: Harness;
  before(async () => {
    up = await startEchoUpstream();
    h = await startGateway(twoModelConfig(up.url, up.url));
  });
  after(async () => {
    await h.close();
    await up.close();
  });

  test('an unknown model: NotFoundError, invalid_request_error / model_not_found', async () => {
    const error = await caught(() => h.client.chat.completions.create({ model: 'gpt-nope', ...hello }));
    assert.ok(error instanceof OpenAI.NotFoundError, error.constructor.name);
    assert.equal(error.type, 'invalid_request_error');
    assert.equal(error.code, 'model_not_found');
    assert.equal(error.param, 'model');
    assert.match(error.message, /gpt-nope/);
  });

  test('a bad parameter: BadRequestError naming the field', async () => {
    const error = await caught(() => h.client.chat.completions.create({ model: 'tandem/auto', ...hello, temperature: 9 }));
    assert.ok(error instanceof OpenAI.BadRequestError, error.constructor.name);
    assert.equal(error.type, 'invalid_request_error');
    assert.equal(error.param, 'temperature');
  });

  test('a wrong admin key on the admin API: AuthenticationError, invalid_request_error', async () => {
    const admin = await startGateway({ ...twoModelConfig(up.url, up.url), server: { admin_key: 'adm-0123456789abcdef0123456789abcdef' } });
    try {
      const client = new OpenAI({ baseURL: admin.url, apiKey: 'wrong', maxRetries: 0 });
      const error = await caught(() => client.get('/admin/keys'));
      assert.ok(error instanceof OpenAI.AuthenticationError, error.constructor.name);
      assert.equal(error.type, 'invalid_request_error');
      assert.equal(error.code, 'invalid_admin_key');
    } finally {
      await admin.close();
    }
  });
});

describe('an API key the gateway does not know', () => {
  let up: FakeUpstream;
  let h: Harness;
  before(async () => {
    up = await startEchoUpstream();
    h = await startGateway({ ...twoModelConfig(up.url, up.url), server: { auth: 'keys' } });
  });
  after(async () => {
    await h.close();
    await up.close();
  });

  test('AuthenticationError, invalid_request_error / invalid_api_key, and the upstream never called', async () => {
    const client = new OpenAI({ baseURL: `${h.url}/v1`, apiKey: 'sk-made-up', maxRetries: 0 });
    const error = await caught(() => client.chat.completions.create({ model: 'tandem/auto', ...hello }));
    assert.ok(error instanceof OpenAI.AuthenticationError, error.constructor.name);
    assert.equal(error.status, 401);
    assert.equal(error.type, 'invalid_request_error');
    assert.equal(error.code, 'invalid_api_key');
    assert.equal(up.requests.length, 0);
  });
});

describe('upstream failures after every fallback', () => {
  test('every candidate answered 429: RateLimitError with the soonest retry-after, the failure said once per model', async () => {
    const { h, ups } = await failingGateway(429, [{ 'retry-after': '7' }, { 'retry-after': '3' }]);
    try {
      const error = await caught(() => h.client.chat.completions.create({ model: 'tandem/auto', ...hello }));
      assert.ok(error instanceof OpenAI.RateLimitError, error.constructor.name);
      assert.equal(error.type, 'rate_limit_exceeded');
      assert.equal(error.code, 'rate_limit_exceeded');
      assert.equal(error.headers.get('retry-after'), '3');
      assert.equal(error.headers.get('retry-after-ms'), '3000');
      // retry-after (3 s) is past the route's max_backoff_ms (50 ms): each model is tried once, then the next.
      assert.equal(
        ups.reduce((n, u) => n + u.requests.length, 0),
        2,
      );
      for (const model of ['small', 'large']) assert.equal(error.message.split(`${model}: `).length - 1, 1, error.message);
      assert.doesNotMatch(error.message, /429[^;]*429/, 'the status is named once per failure');
    } finally {
      await h.close();
      await Promise.all(ups.map((u) => u.close()));
    }
  });

  test('retried 429s without retry-after: RateLimitError, and a repeated failure is counted, not repeated', async () => {
    const { h, ups } = await failingGateway(429, [{}, {}]);
    try {
      const error = await caught(() => h.client.chat.completions.create({ model: 'tandem/auto', ...hello }));
      assert.ok(error instanceof OpenAI.RateLimitError, error.constructor.name);
      assert.equal(error.headers.get('retry-after'), null);
      assert.match(error.message, /\(2 attempts\)/);
      assert.equal(error.message.split('the upstream refuses').length - 1, 2, error.message); // once per model
    } finally {
      await h.close();
      await Promise.all(ups.map((u) => u.close()));
    }
  });

  test('upstreams that fail with 500: InternalServerError (an APIError), api_error / upstream_unavailable', async () => {
    const { h, ups } = await failingGateway(500, [{}, {}]);
    try {
      const error = await caught(() => h.client.chat.completions.create({ model: 'tandem/auto', ...hello }));
      assert.ok(error instanceof OpenAI.InternalServerError, error.constructor.name);
      assert.ok(error.status !== undefined && error.status >= 500);
      assert.equal(error.type, 'api_error');
      assert.equal(error.code, 'upstream_unavailable');
    } finally {
      await h.close();
      await Promise.all(ups.map((u) => u.close()));
    }
  });

  test('one 429 and one 500: not a rate limit, a server error', async () => {
    const rateLimited = await startFakeUpstream({ '/v1/chat/completions': { status: 429, body: { error: { message: 'slow down' } } } });
    const broken = await startFakeUpstream({ '/v1/chat/completions': { status: 500, body: { error: { message: 'boom' } } } });
    const h = await startGateway(twoModelConfig(rateLimited.url, broken.url));
    try {
      const error = await caught(() => h.client.chat.completions.create({ model: 'tandem/auto', ...hello }));
      assert.ok(error instanceof OpenAI.InternalServerError, error.constructor.name);
      assert.equal(error.type, 'api_error');
    } finally {
      await h.close();
      await Promise.all([rateLimited.close(), broken.close()]);
    }
  });

  test("an upstream that refuses the input with 400: BadRequestError carrying the upstream's words", async () => {
    const { h, ups } = await failingGateway(400, [{}, {}]);
    try {
      const error = await caught(() => h.client.chat.completions.create({ model: 'tandem/auto', ...hello }));
      assert.ok(error instanceof OpenAI.BadRequestError, error.constructor.name);
      assert.equal(error.type, 'invalid_request_error');
      assert.equal(error.code, 'upstream_rejected');
      assert.match(error.message, /the upstream refuses/);
    } finally {
      await h.close();
      await Promise.all(ups.map((u) => u.close()));
    }
  });
});
