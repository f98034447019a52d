/** Bad input gets a clear 4xx in OpenAI's error shape; upstream failures become 429/502/503/504 after fallbacks. */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { request } from 'undici';
import OpenAI from 'openai';
import { startFakeUpstream, type FakeUpstream } from '../src/providers/testing/fake-upstream.js';
import { startGateway, twoModelConfig, type Harness } from './helpers/gateway-harness.js';
import { startEchoUpstream } from './helpers/openai-upstream.js';

interface ErrorBody {
  error: { message: string; type: string; param: string | null; code: string | null };
}

async function post(
  url: string,
  body: string | Buffer,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: ErrorBody; headers: Record<string, unknown> }> {
  const res = await request(`${url}/v1/chat/completions`, { method: 'POST', body, headers: { 'content-type': 'application/json', ...headers } });
  return { status: res.statusCode, body: (await res.body.json()) as ErrorBody, headers: res.headers };
}

describe('bad requests', () => {
  let up: FakeUpstream;
  let h: Harness;
  before(async () => {
    up = await startEchoUpstream();
    h = await startGateway({ ...twoModelConfig(up.url, up.url), server: { max_body_bytes: 2_000 } });
  });
  after(async () => {
    await h.close();
    await up.close();
  });

  const cases: Array<[string, string | Buffer, number, RegExp, string | null]> = [
    ['malformed JSON', '{"model": "large", "messages": [', 400, /not valid JSON/, null],
    ['an empty body', '', 400, /empty/, null],
    ['invalid UTF-8', Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x7d]), 400, /UTF-8/, null],
    ['an empty messages array', JSON.stringify({ model: 'large', messages: [] }), 400, /at least one message/, 'messages'],
    [
      'a wrong type deep inside',
      JSON.stringify({
        model: 'large',
        messages: [
          { role: 'user', content: 'a' },
          { role: 'user', content: 42 },
        ],
      }),
      400,
      /messages\[1\]\.content/,
      'messages[1].content',
    ],
    ['a bad role', JSON.stringify({ model: 'large', messages: [{ role: 'robot', content: 'a' }] }), 400, /messages\[0\]/, 'messages[0].role'],
    [
      'a temperature out of range',
      JSON.stringify({ model: 'large', messages: [{ role: 'user', content: 'a' }], temperature: 9 }),
      400,
      /temperature/,
      'temperature',
    ],
    ['a JSON array instead of an object', '[1,2]', 400, /Invalid type for the request body: expected an object, but got an array/, null],
    ['a body over the limit', JSON.stringify({ model: 'large', messages: [{ role: 'user', content: 'x'.repeat(3_000) }] }), 413, /limit of 2000 bytes/, null],
  ];
  for (const [name, body, status, message, param] of cases) {
    test(`${name} -> ${status}`, async () => {
      const res = await post(h.url, body);
      assert.equal(res.status, status);
      assert.match(res.body.error.message, message);
      assert.equal(typeof res.body.error.type, 'string');
      if (param !== null) assert.equal(res.body.error.param, param);
    });
  }

  test('a chunked body that runs over the limit gets 413 too, and the connection is closed', async () => {
    // No content-length, so the limit can only be noticed while reading; the rest of the body is not kept.
    const chunks = Readable.from(Array.from({ length: 20 }, () => Buffer.from('x'.repeat(500))));
    const res = await request(`${h.url}/v1/chat/completions`, { method: 'POST', body: chunks, headers: { 'content-type': 'application/json' } });
    assert.equal(res.statusCode, 413);
    assert.equal(res.headers.connection, 'close');
    assert.match(((await res.body.json()) as ErrorBody).error.message, /limit of 2000 bytes/);
  });

  test('an unknown model gets 404 listing the valid routes and models', async () => {
    const res = await post(h.url, JSON.stringify({ model: 'gpt-5-mega', messages: [{ role: 'user', content: 'a' }] }));
    assert.equal(res.status, 404);
    assert.match(res.body.error.message, /tandem\/auto/);
    assert.match(res.body.error.message, /small, large/);
  });

  test('an unknown endpoint gets 404 and a wrong method 405, in the same error shape', async () => {
    const missing = await request(`${h.url}/v1/nope`);
    assert.equal(missing.statusCode, 404);
    assert.ok(((await missing.body.json()) as ErrorBody).error.message);
    const wrong = await request(`${h.url}/v1/chat/completions`);
    assert.equal(wrong.statusCode, 405);
    await wrong.body.dump();
  });

  test('the openai client surfaces these as typed errors', async () => {
    await assert.rejects(
      h.client.chat.completions.create({ model: 'nope', messages: [{ role: 'user', content: 'a' }] }),
      (error: unknown) => error instanceof OpenAI.NotFoundError && /does not exist/.test(error.message),
    );
  });

  test('the server survives all of the above', async () => {
    const ok = await h.client.chat.completions.create({ model: 'large', messages: [{ role: 'user', content: 'still alive?' }] });
    assert.equal(ok.choices[0]?.message.content, 'echo: still alive?');
  });
});

describe('authentication', () => {
  let up: FakeUpstream;
  let h: Harness;
  before(async () => {
    up = await startEchoUpstream();
    h = await startGateway({ ...twoModelConfig(up.url, up.url), server: { api_keys: ['tk-secret'] } }, { apiKey: 'tk-secret' });
  });
  after(async () => {
    await h.close();
    await up.close();
  });

  test('a missing or wrong key gets 401; the right key works; health stays public', async () => {
    assert.equal((await post(h.url, '{}')).status, 401);
    assert.equal((await post(h.url, '{}', { authorization: 'Bearer wrong' })).status, 401);
    const ok = await h.client.chat.completions.create({ model: 'large', messages: [{ role: 'user', content: 'a' }] });
    assert.equal(ok.choices[0]?.message.content, 'echo: a');
    assert.equal((await request(`${h.url}/healthz`)).statusCode, 200);
  });
});

describe('upstream failures after fallbacks', () => {
  const statusUpstream = async (status: number, extra: Record<string, string> = {}): Promise<FakeUpstream> =>
    startFakeUpstream({ '/v1/chat/completions': { status, body: { error: { message: `upstream says ${status}` } }, headers: extra } });

  test('5xx everywhere -> 502 naming each attempt; 429 everywhere -> 429 with the soonest retry-after; a hang -> 504', async () => {
    const failing = await statusUpstream(500);
    const limited = await statusUpstream(429, { 'retry-after-ms': '1' });
    const hanging = await startFakeUpstream({ '/v1/chat/completions': { delayMs: 5_000, body: {} } });
    const config = (url: string) => {
      const c = twoModelConfig(url, url);
      const models = c.models as Record<string, { timeout_ms?: number }>;
      for (const m of Object.values(models)) m.timeout_ms = 300;
      return c;
    };
    for (const [upstream, status] of [
      [failing, 502],
      [limited, 429],
      [hanging, 504],
    ] as const) {
      const h = await startGateway(config(upstream.url));
      const res = await post(h.url, JSON.stringify({ model: 'tandem/auto', messages: [{ role: 'user', content: 'a' }] }));
      assert.equal(res.status, status, res.body.error.message);
      assert.match(res.body.error.message, /small: .*large: /);
      if (status === 429) assert.deepEqual([res.body.error.type, res.headers['retry-after-ms']], ['rate_limit_exceeded', '1']);
      // The row keeps every attempt, and the upstreams' time (the hang, the backoff) is not Tandem's overhead.
      const row = await h.gateway.store.requestLog.get(String(res.headers['x-tandem-request-id']));
      assert.deepEqual([...new Set(row?.attempts.map((a) => a.model))], ['small', 'large']);
      assert.ok(row?.attempts.every((a) => a.error !== null));
      if (status === 504) assert.ok(row && row.totalMs >= 500 && row.overheadMs < row.totalMs / 4, `overhead ${row?.overheadMs} of ${row?.totalMs} ms`);
      await h.close();
    }
    await Promise.all([failing.close(), limited.close(), hanging.close()]);
  });

  test('an upstream 400 is returned as a 400 with the upstream message, without falling back', async () => {
    const rejecting = await statusUpstream(400);
    const fallback = await startEchoUpstream();
    const h = await startGateway(twoModelConfig(fallback.url, rejecting.url));
    const res = await post(h.url, JSON.stringify({ model: 'tandem/auto', messages: [{ role: 'user', content: 'a' }] }));
    assert.equal(res.status, 400);
    assert.match(res.body.error.message, /upstream says 400/);
    assert.equal(fallback.requests.length, 0);
    await h.close();
    await Promise.all([rejecting.close(), fallback.close()]);
  });
});

describe('embeddings upstream failures', () => {
  const embeddingsConfig = (url: string) => {
    const c = twoModelConfig(url, url);
    const models = c.models as Record<string, { timeout_ms?: number; capabilities?: Record<string, boolean> }>;
    const large = models.large;
    if (!large) throw new Error('twoModelConfig has no large model');
    large.timeout_ms = 300;
    large.capabilities = { ...large.capabilities, embeddings: true };
    return c;
  };
  const cases: Array<[string, Parameters<typeof startFakeUpstream>[0], number, RegExp]> = [
    ['a 503', { '/v1/embeddings': { status: 503, body: { error: { message: 'overloaded' } } } }, 503, /large: large answered 503: overloaded/],
    ['a 429', { '/v1/embeddings': { status: 429, body: { error: { message: 'slow down' } } } }, 429, /rate-limited: large: large answered 429: slow down/],
    ['a hang', { '/v1/embeddings': { delayMs: 5_000, body: {} } }, 504, /large: timeout/],
    ['a 400 for the input', { '/v1/embeddings': { status: 400, body: { error: { message: 'input too long' } } } }, 400, /input too long/],
    ['one vector for two inputs', { '/v1/embeddings': { body: { object: 'list', data: [{ index: 0, embedding: [0.1] }] } } }, 502, /1 embeddings for 2 inputs/],
  ];
  for (const [name, routes, status, message] of cases) {
    test(`${name} -> ${status} in OpenAI's error shape, never a 500`, async () => {
      const upstream = await startFakeUpstream(routes);
      const h = await startGateway(embeddingsConfig(upstream.url));
      const res = await request(`${h.url}/v1/embeddings`, {
        method: 'POST',
        body: JSON.stringify({ model: 'large', input: ['a', 'b'] }),
        headers: { 'content-type': 'application/json' },
      });
      const body = (await res.body.json()) as ErrorBody;
      assert.equal(res.statusCode, status, body.error.message);
      assert.match(body.error.message, message);
      await h.close();
      await upstream.close();
    });
  }
});
