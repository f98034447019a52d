/**
 * Deeply nested and oversized bodies, end to end: refused at the edge with a 400 naming the limit; never
 * counted against an upstream's circuit; and a request that does reach an upstream always gets its log
 * row, audit record and settled reservation, bodies redacted or not. Bodies too deep for JSON.stringify
 * cannot come from the openai client (it would overflow first), so those go out as raw HTTP.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import OpenAI from 'openai';
import { request } from 'undici';
import { startFakeUpstream, type FakeUpstream } from '../src/providers/testing/fake-upstream.js';
import type { RequestRecord } from '../src/spec/request-record.js';
import { startGateway, twoModelConfig, type Harness } from './helpers/gateway-harness.js';
import { startEchoUpstream } from './helpers/openai-upstream.js';

/** `[[[...]]]`, `depth` arrays deep, as text: 10,000 levels are a 20 KB body. */
function nestedArrays(depth: number): string {
  return '['.repeat(depth) + ']'.repeat(depth);
}

/** `{"a":{"a":...{"a":<leaf>}...}}`, `depth` objects deep, as text. */
function nestedObjects(depth: number, leaf = '1'): string {
  return '{"a":'.repeat(depth) + leaf + '}'.repeat(depth);
}

interface Reply {
  status: number;
  json: { error?: { message: string; type: string; param: string | null; code: string | null } };
  requestId: string;
}

async function post(h: Harness, path: string, body: string, headers: Record<string, string> = {}): Promise<Reply> {
  const res = await request(`${h.url}${path}`, { method: 'POST', body, headers: { 'content-type': 'application/json', ...headers } });
  return { status: res.statusCode, json: (await res.body.json()) as Reply['json'], requestId: String(res.headers['x-request-id'] ?? '') };
}

const chatWith = (model: string, field: string): string => `{"model":"${model}","messages":[{"role":"user","content":"hello"}],${field}}`;

async function auditEntryOf(h: Harness, requestId: string): Promise<unknown> {
  for (const replicaId of await h.gateway.store.audit.replicas()) {
    const records = await h.gateway.store.audit.read({ replicaId, limit: 10_000 });
    const found = records.find((r) => r.entry?.requestId === requestId);
    if (found) return found.entry;
  }
  return undefined;
}

describe('input shape limits at the edge', () => {
  let up: FakeUpstream;
  let h: Harness;
  before(async () => {
    up = await startEchoUpstream();
    h = await startGateway({
      ...twoModelConfig(up.url, up.url),
      server: { admin_key: 'admin-0123456789abcdef' },
      circuit_breaker: { failure_threshold: 3, cooldown_ms: 30_000 },
    });
  });
  after(async () => {
    await h.close();
    await up.close();
  });

  test('an unknown field nested 10,000 levels deep: 400 naming the limit, and the circuit stays closed after many', async () => {
    const large = h.gateway.models.get('large');
    assert.ok(large);
    const body = chatWith('large', `"x_unknown":${nestedArrays(10_000)}`);
    assert.ok(body.length < 21_000);
    for (let i = 0; i < 10; i++) {
      const reply = await post(h, '/v1/chat/completions', body);
      assert.equal(reply.status, 400);
      assert.equal(reply.json.error?.code, 'json_too_deep');
      assert.equal(reply.json.error?.param, 'x_unknown');
      assert.match(reply.json.error?.message ?? '', /more than 64 levels deep in 'x_unknown'; the limit is server\.max_json_depth \(64\)/);
    }
    assert.equal(h.gateway.breaker.state(large.upstreamKey), 'closed');
    assert.equal(up.requests.length, 0, 'nothing reached the upstream');
    // Everyone else is still served.
    const answer = await h.client.chat.completions.create({ model: 'large', messages: [{ role: 'user', content: 'still there?' }] });
    assert.equal(answer.choices[0]?.message.content, 'echo: still there?');
  });

  test('tools[].function.parameters nested 5,000 levels: 400, not 500', async () => {
    const parameters = nestedObjects(5_000, '{"type":"object"}');
    const body = chatWith('large', `"tools":[{"type":"function","function":{"name":"f","parameters":${parameters}}}]`);
    const reply = await post(h, '/v1/chat/completions', body);
    assert.equal(reply.status, 400);
    assert.equal(reply.json.error?.param, 'tools');
    assert.equal(reply.json.error?.type, 'invalid_request_error');
  });

  test('every JSON endpoint checks the depth: embeddings, the route dry run, the admin API', async () => {
    const deep = nestedObjects(100);
    for (const [path, body, headers] of [
      ['/v1/embeddings', `{"model":"large","input":"x","extra":${deep}}`, {}],
      ['/v1/route', chatWith('tandem/auto', `"x":${deep}`), {}],
      ['/admin/keys', `{"name":"n","limits":${deep}}`, { authorization: 'Bearer admin-0123456789abcdef' }],
    ] as const) {
      const reply = await post(h, path, body, headers);
      assert.equal(reply.status, 400, path);
      assert.equal(reply.json.error?.code, 'json_too_deep', path);
    }
  });

  test('counts over their limits get 400 naming the limit, through the official client', async () => {
    const many = Array.from({ length: 2049 }, () => ({ role: 'user' as const, content: 'x' }));
    await assert.rejects(h.client.chat.completions.create({ model: 'large', messages: many }), (e: unknown) => {
      assert.ok(e instanceof OpenAI.BadRequestError);
      assert.equal(e.code, 'array_above_max_length');
      assert.equal(e.param, 'messages');
      assert.match(e.message, /maximum length 2048, but got an array with length 2049 instead \(server\.max_messages\)/);
      return true;
    });
    const tool = { type: 'function' as const, function: { name: 'f', parameters: { type: 'object' } } };
    await assert.rejects(
      h.client.chat.completions.create({ model: 'large', messages: [{ role: 'user', content: 'x' }], tools: Array.from({ length: 129 }, () => tool) }),
      (e: unknown) => e instanceof OpenAI.BadRequestError && e.param === 'tools' && /server\.max_tools/.test(e.message),
    );
    const metadata = Object.fromEntries(Array.from({ length: 17 }, (_, i) => [`k${i}`, 'v']));
    await assert.rejects(
      h.client.chat.completions.create({ model: 'large', messages: [{ role: 'user', content: 'x' }], metadata }),
      (e: unknown) => e instanceof OpenAI.BadRequestError && e.param === 'metadata' && /server\.max_metadata_keys/.test(e.message),
    );
    await assert.rejects(
      h.client.embeddings.create({ model: 'large', input: Array.from({ length: 2049 }, () => 'x') }),
      (e: unknown) => e instanceof OpenAI.BadRequestError && e.param === 'input' && /server\.max_embedding_inputs/.test(e.message),
    );
  });
});

describe('with store.redact_bodies on', () => {
  let up: FakeUpstream;
  let h: Harness;
  const settled: RequestRecord[] = [];
  before(async () => {
    up = await startEchoUpstream();
    h = await startGateway({
      ...twoModelConfig(up.url, up.url),
      // Raised so that a 2,500-deep body gets past the edge: what happens after the upstream answered is under test.
      server: { max_json_depth: 3_000 },
      store: { type: 'memory', log_bodies: true, redact_bodies: true },
      limits: { per_user: { tokens_per_minute: 1_000_000 } },
    });
    const limiter = h.gateway.governance?.limiter;
    assert.ok(limiter);
    const settle = limiter.settle.bind(limiter);
    limiter.settle = async (record) => {
      settled.push(record);
      await settle(record);
    };
  });
  after(async () => {
    await h.close();
    await up.close();
  });

  async function assertRecorded(requestId: string): Promise<void> {
    const row = await h.gateway.store.requestLog.get(requestId);
    assert.ok(row, 'the request has its log row');
    assert.equal(row.status, 200);
    assert.ok(
      row.requestBody !== null && /<EMAIL_1[^>]*>/.test(row.requestBody) && !row.requestBody.includes('ana@example.com'),
      'the stored body is redacted',
    );
    assert.ok(await auditEntryOf(h, requestId), 'the request has its audit record');
    assert.ok(
      settled.some((r) => r.id === requestId && r.status === 200),
      'its reservation was settled',
    );
  }

  test('a 2,500-deep body past the default limit: 400 at the edge, nothing reaches the upstream', async () => {
    const strict = await startGateway({ ...twoModelConfig(up.url, up.url), store: { type: 'memory', log_bodies: true, redact_bodies: true } });
    try {
      const before = up.requests.length;
      const reply = await post(strict, '/v1/chat/completions', chatWith('large', `"x":${nestedObjects(2_500)}`));
      assert.equal(reply.status, 400);
      assert.equal(reply.json.error?.code, 'json_too_deep');
      assert.equal(up.requests.length, before);
      const row = await strict.gateway.store.requestLog.get(reply.requestId);
      assert.equal(row?.status, 400);
    } finally {
      await strict.close();
    }
  });

  test('a body that reaches the upstream gets its row, audit record and settlement: 60 deep, and 2,500 deep', async () => {
    for (const depth of [60, 2_500]) {
      const body = `{"model":"large","user":"u1","messages":[{"role":"user","content":"write to ana@example.com"}],"x":${nestedObjects(depth, '"ana@example.com"')}}`;
      const before = up.requests.length;
      const reply = await post(h, '/v1/chat/completions', body);
      assert.equal(reply.status, 200, `depth ${depth}: ${JSON.stringify(reply.json)}`);
      assert.equal(up.requests.length, before + 1);
      await assertRecorded(reply.requestId);
    }
  });
});

describe('the finishing path', () => {
  test('a row that cannot be prepared for storage is kept without bodies; the audit record and settlement still happen', async () => {
    const up = await startEchoUpstream();
    const h = await startGateway({
      ...twoModelConfig(up.url, up.url),
      store: { type: 'memory', log_bodies: true, redact_bodies: true },
      limits: { per_user: { tokens_per_minute: 1_000_000 } },
    });
    const governance = h.gateway.governance;
    assert.ok(governance);
    const settled: RequestRecord[] = [];
    const settle = governance.limiter.settle.bind(governance.limiter);
    governance.limiter.settle = async (record) => {
      settled.push(record);
      await settle(record);
    };
    // Whatever fails while the stored copy is made (redaction has failed this way before) must not skip the rest.
    governance.forStorage = () => {
      throw new Error('redaction failed');
    };
    const errors = console.error;
    console.error = () => undefined;
    try {
      const { data, response } = await h.client.chat.completions
        .create({ model: 'large', user: 'u1', messages: [{ role: 'user', content: 'write to ana@example.com' }] })
        .withResponse();
      assert.equal(data.choices[0]?.message.content, 'echo: write to ana@example.com');
      const requestId = response.headers.get('x-request-id') ?? '';
      const row = await h.gateway.store.requestLog.get(requestId);
      assert.equal(row?.status, 200);
      assert.deepEqual([row?.requestBody, row?.responseBody], [null, null], 'never stored unredacted');
      assert.ok(await auditEntryOf(h, requestId), 'the request has its audit record');
      assert.ok(
        settled.some((r) => r.id === requestId),
        'its reservation was settled',
      );
    } finally {
      console.error = errors;
      await h.close();
      await up.close();
    }
  });
});

describe("a failure while Tandem builds the upstream request is Tandem's, not the upstream's", () => {
  test('10,000 levels past a raised depth limit: 400, the circuit and the latency tracker untouched', async () => {
    const up = await startEchoUpstream();
    const h = await startGateway({
      ...twoModelConfig(up.url, up.url),
      server: { max_json_depth: 100_000 },
      circuit_breaker: { failure_threshold: 2, cooldown_ms: 30_000 },
    });
    try {
      const large = h.gateway.models.get('large');
      assert.ok(large);
      const body = chatWith('large', `"x_unknown":${nestedArrays(10_000)}`);
      let requestId = '';
      for (let i = 0; i < 6; i++) {
        const reply = await post(h, '/v1/chat/completions', body);
        assert.equal(reply.status, 400, JSON.stringify(reply.json));
        assert.equal(reply.json.error?.code, 'request_too_complex');
        requestId = reply.requestId;
      }
      assert.equal(h.gateway.breaker.state(large.upstreamKey), 'closed');
      assert.equal(h.gateway.latency.ttftP90('large', 1), undefined);
      assert.equal(up.requests.length, 0);
      const row = await h.gateway.store.requestLog.get(requestId);
      assert.equal(row?.status, 400);
      assert.match(row?.error ?? '', /too large or too deeply nested for Tandem to send to model "large"/);
      const answer = await h.client.chat.completions.create({ model: 'large', messages: [{ role: 'user', content: 'hi' }] });
      assert.equal(answer.choices[0]?.message.content, 'echo: hi');
    } finally {
      await h.close();
      await up.close();
    }
  });
});

describe("a failure on Tandem's side after the upstream answered", () => {
  test('an answer too deep to encode: generic 500, and the row still names the model and its cost, audited and settled', async () => {
    const deep = nestedArrays(10_000);
    const answer = `{"id":"c1","object":"chat.completion","created":1,"model":"gpt-4o","choices":[{"index":0,"message":{"role":"assistant","content":"hi"},"logprobs":${deep},"finish_reason":"stop"}],"usage":{"prompt_tokens":5,"completion_tokens":1,"total_tokens":6}}`;
    const up = await startFakeUpstream({ '/v1/chat/completions': { headers: { 'content-type': 'application/json' }, body: answer } });
    const h = await startGateway({ ...twoModelConfig(up.url, up.url), limits: { per_user: { tokens_per_minute: 1_000_000 } } });
    const settled: RequestRecord[] = [];
    const limiter = h.gateway.governance?.limiter;
    assert.ok(limiter);
    const settle = limiter.settle.bind(limiter);
    limiter.settle = async (record) => {
      settled.push(record);
      await settle(record);
    };
    const errors = console.error;
    console.error = () => undefined; // the cause goes to the operator's log
    try {
      await assert.rejects(h.client.chat.completions.create({ model: 'large', user: 'u1', messages: [{ role: 'user', content: 'hi' }] }), (e: unknown) => {
        assert.ok(e instanceof OpenAI.InternalServerError);
        assert.match(e.message, /Tandem failed while preparing the request for model "large" or reading its answer; the model was not at fault/);
        assert.doesNotMatch(e.message, /call stack/);
        return true;
      });
      assert.equal(up.requests.length, 1);
      const [row] = await h.gateway.store.requestLog.recent({ limit: 1 });
      const requestId = row?.id ?? '';
      assert.equal(row?.status, 500);
      assert.equal(row?.model, 'large');
      assert.deepEqual([row?.inputTokens, row?.outputTokens], [5, 1]);
      assert.ok((row?.cost ?? 0) > 0);
      assert.ok(await auditEntryOf(h, requestId), 'the request has its audit record');
      assert.ok(
        settled.some((r) => r.id === requestId && r.cost > 0),
        'its reservation was settled on the spend',
      );
      const large = h.gateway.models.get('large');
      assert.equal(large && h.gateway.breaker.state(large.upstreamKey), 'closed');
    } finally {
      console.error = errors;
      await h.close();
      await up.close();
    }
  });
});
