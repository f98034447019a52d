/**
 * `GET /` is a small JSON index: the public endpoints and a pointer to /dashboard for anyone, the admin
 * endpoints only for the admin key; an unknown path's 404 does not list the admin endpoints either.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { FakeUpstream } from '../src/providers/testing/fake-upstream.js';
import { startGateway, twoModelConfig, type Harness } from './helpers/gateway-harness.js';
import { startEchoUpstream } from './helpers/openai-upstream.js';

const ADMIN_KEY = 'admin-key-0123456789';
let up: FakeUpstream;
let h: Harness;
before(async () => {
  up = await startEchoUpstream();
  h = await startGateway(twoModelConfig(up.url, up.url, { server: { api_keys: ['client-key-1'], admin_key: ADMIN_KEY } }));
});
after(async () => {
  await h.close();
  await up.close();
});

async function root(authorization?: string): Promise<{ status: number; body: Record<string, unknown>; headers: Headers }> {
  const res = await fetch(`${h.url}/`, { headers: authorization ? { authorization } : {} });
  return { status: res.status, body: (await res.json()) as Record<string, unknown>, headers: res.headers };
}

test('without a key (or with an API key, or a wrong one): public endpoints and the dashboard, no admin endpoint', async () => {
  for (const authorization of [undefined, 'Bearer client-key-1', 'Bearer wrong']) {
    const { status, body, headers } = await root(authorization);
    assert.equal(status, 200);
    assert.equal(body.dashboard, '/dashboard');
    assert.equal(body.openai_base_path, '/v1');
    const endpoints = body.endpoints as string[];
    assert.ok(endpoints.includes('POST /v1/chat/completions'));
    assert.ok(endpoints.includes('GET /healthz'));
    assert.ok(!endpoints.some((e) => e.includes('/admin/') || e === 'GET /metrics'), endpoints.join(', '));
    assert.equal(body.admin_endpoints, undefined);
    assert.equal(headers.get('x-tandem-model'), null, 'no empty x-tandem-* headers');
    assert.equal(headers.get('x-tandem-route-reason'), null);
  }
});

test('with the admin key: the admin endpoints too', async () => {
  const { body } = await root(`Bearer ${ADMIN_KEY}`);
  const admin = body.admin_endpoints as string[];
  assert.ok(admin.includes('POST /admin/keys'));
  assert.ok(admin.includes('GET /metrics'));
});

test('an unknown path: 404 naming the public endpoints and /dashboard, not the admin ones', async () => {
  const res = await fetch(`${h.url}/v2/nothing`);
  assert.equal(res.status, 404);
  const { error } = (await res.json()) as { error: { message: string; type: string } };
  assert.equal(error.type, 'invalid_request_error');
  assert.match(error.message, /POST \/v1\/chat\/completions/);
  assert.match(error.message, /\/dashboard/);
  assert.doesNotMatch(error.message, /admin/);
});

test('no endpoint sends an empty x-tandem-* header', async () => {
  const calls: Array<[string, RequestInit]> = [
    ['/v1/models', { headers: { authorization: 'Bearer client-key-1' } }],
    ['/healthz', {}],
    [
      '/v1/embeddings',
      { method: 'POST', headers: { authorization: 'Bearer client-key-1', 'content-type': 'application/json' }, body: '{"model":"nope","input":"a"}' },
    ],
    ['/admin/keys', { headers: { authorization: `Bearer ${ADMIN_KEY}` } }],
    ['/v1/chat/completions', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' }],
  ];
  for (const [path, init] of calls) {
    const res = await fetch(`${h.url}${path}`, init);
    await res.arrayBuffer();
    for (const [name, value] of res.headers) {
      if (name.startsWith('x-tandem-')) assert.notEqual(value.trim(), '', `${path}: ${name} is empty`);
    }
    assert.ok(res.headers.get('x-tandem-request-id'), path);
  }
});
