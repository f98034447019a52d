/** API keys end to end: created through the admin API, used with the official client over real HTTP. */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import OpenAI from 'openai';
import { mintApiKey } from '../src/governance/api-key-secret.js';
import type { FakeUpstream } from '../src/providers/testing/fake-upstream.js';
import { startGateway, twoModelConfig, type Harness } from './helpers/gateway-harness.js';
import { startEchoUpstream } from './helpers/openai-upstream.js';

const ADMIN_KEY = 'admin-0123456789abcdef';

async function admin(
  h: Harness,
  method: string,
  path: string,
  options: { body?: unknown; key?: string } = {},
): Promise<{ status: number; json: Record<string, unknown> }> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  const key = options.key ?? ADMIN_KEY;
  if (key !== '') headers.authorization = `Bearer ${key}`;
  const init: RequestInit = { method, headers };
  if (options.body !== undefined) init.body = JSON.stringify(options.body);
  const res = await fetch(`${h.url}${path}`, init);
  return { status: res.status, json: (await res.json()) as Record<string, unknown> };
}

function client(h: Harness, apiKey: string): OpenAI {
  return new OpenAI({ baseURL: `${h.url}/v1`, apiKey, maxRetries: 0 });
}

const ask = (c: OpenAI, model: string) => c.chat.completions.create({ model, messages: [{ role: 'user', content: 'hello' }] });

describe('API keys', () => {
  let up: FakeUpstream;
  let h: Harness;
  before(async () => {
    up = await startEchoUpstream();
    h = await startGateway({ ...twoModelConfig(up.url, up.url), server: { admin_key: ADMIN_KEY } });
  });
  after(async () => {
    await h.close();
    await up.close();
  });

  test('on loopback with no key at all the gateway is open; the first key turns authentication on', async () => {
    assert.equal((await ask(client(h, 'anything'), 'small')).choices[0]?.message.content, 'echo: hello');
    const created = await admin(h, 'POST', '/admin/keys', { body: { name: 'billing app', routes: ['tandem/*'], models: ['small'] } });
    assert.equal(created.status, 201, JSON.stringify(created.json));
    const secret = created.json.secret as string;
    assert.match(secret, /^tdm_[A-Za-z0-9_-]{43}$/);
    const key = created.json.key as { id: string; prefix: string; status: string };
    assert.equal(key.status, 'active');
    assert.ok(secret.startsWith(key.prefix));

    await assert.rejects(ask(client(h, 'anything'), 'small'), (e: unknown) => e instanceof OpenAI.AuthenticationError && /Invalid API key/.test(e.message));
    const c = client(h, secret);
    assert.equal((await ask(c, 'tandem/auto')).choices[0]?.message.content, 'echo: hello');
    assert.equal((await ask(c, 'small')).choices[0]?.message.content, 'echo: hello');
    // Named directly, `large` is outside the key's models: 403 in OpenAI's error shape.
    await assert.rejects(ask(c, 'large'), (e: unknown) => {
      assert.ok(e instanceof OpenAI.PermissionDeniedError);
      assert.equal(e.code, 'model_not_allowed');
      assert.match(e.message, new RegExp(`API key ${key.id} .*may not use model "large"`));
      return true;
    });

    // The model list shows what the key may use: its routes, and of the models only `small`.
    const visible: string[] = [];
    for await (const entry of c.models.list()) visible.push(entry.id);
    assert.deepEqual(visible, ['tandem/auto', 'small']);
    await assert.rejects(c.models.retrieve('large'), (e: unknown) => e instanceof OpenAI.NotFoundError && /Valid ids: tandem\/auto, small\./.test(e.message));

    // The routing dry run follows the same permissions.
    const dryRun = await fetch(`${h.url}/v1/route`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${secret}` },
      body: JSON.stringify({ model: 'large', messages: [{ role: 'user', content: 'hi' }] }),
    });
    assert.equal(dryRun.status, 403);

    // The request log and the audit trail carry the key's id, never the secret.
    const [latest] = await h.gateway.store.requestLog.recent({ limit: 1 });
    assert.equal(latest?.keyId, key.id);

    const listed = await admin(h, 'GET', '/admin/keys');
    assert.equal(listed.status, 200);
    const text = JSON.stringify(listed.json);
    assert.ok(!text.includes(secret) && !text.includes(secret.slice(12)), 'the list must not contain the secret');
    assert.ok(!/"hash"/.test(text));

    const revoked = await admin(h, 'POST', '/admin/keys/revoke', { body: { id: key.id } });
    assert.equal((revoked.json.key as { status: string }).status, 'revoked');
    await assert.rejects(ask(c, 'small'), (e: unknown) => e instanceof OpenAI.AuthenticationError && e.code === 'revoked_api_key');
    // Revoked keys still exist, so authentication stays on.
    const anonymous = await fetch(`${h.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'small', messages: [{ role: 'user', content: 'hi' }] }),
    });
    assert.equal(anonymous.status, 401);
    assert.equal(((await anonymous.json()) as { error: { code: string } }).error.code, 'missing_api_key');
  });

  test('a key past its expiry gets 401; the admin API rejects bad input with 400 and wrong keys with 401', async () => {
    const { record, secret } = mintApiKey({ name: 'old', now: Date.now() - 10_000, expiresAt: Date.now() - 1 });
    await h.gateway.store.keys.create(record);
    await h.gateway.governance?.keys.refresh();
    await assert.rejects(ask(client(h, secret), 'small'), (e: unknown) => e instanceof OpenAI.AuthenticationError && e.code === 'expired_api_key');

    assert.equal((await admin(h, 'POST', '/admin/keys', { body: { name: '' } })).status, 400);
    assert.equal((await admin(h, 'POST', '/admin/keys', { body: { name: 'x', expires_at: '2001-01-01' } })).status, 400);
    assert.equal((await admin(h, 'POST', '/admin/keys', { body: { name: 'x', limits: { requests_per_minute: -1 } } })).status, 400);
    assert.equal((await admin(h, 'POST', '/admin/keys/revoke', { body: { id: 'key_nope' } })).status, 404);
    assert.equal((await admin(h, 'GET', '/admin/keys', { key: '' })).status, 401);
    assert.equal((await admin(h, 'GET', '/admin/keys', { key: secret })).status, 401);
    // A route outside the key's route globs is refused too.
    const routeOnly = await admin(h, 'POST', '/admin/keys', { body: { name: 'other routes', routes: ['internal/*'] } });
    await assert.rejects(
      ask(client(h, routeOnly.json.secret as string), 'tandem/auto'),
      (e: unknown) => e instanceof OpenAI.PermissionDeniedError && e.code === 'route_not_allowed',
    );
  });
});

describe("a key's model globs on a route", () => {
  test("narrow the route's candidates like a policy, and 403 when none is left", async () => {
    const up = await startEchoUpstream();
    const h = await startGateway(twoModelConfig(up.url, up.url));
    try {
      const cloudOnly = mintApiKey({ name: 'cloud only', now: Date.now(), models: ['lar*'] });
      const localOnly = mintApiKey({ name: 'local only', now: Date.now(), models: ['small'] });
      await h.gateway.store.keys.create(cloudOnly.record);
      await h.gateway.store.keys.create(localOnly.record);
      await h.gateway.governance?.keys.refresh();
      // 'hello' goes to the small model by score; this key may only reach `large`.
      const { response } = await client(h, cloudOnly.secret)
        .chat.completions.create({ model: 'tandem/auto', messages: [{ role: 'user', content: 'hello' }] })
        .withResponse();
      assert.equal(response.headers.get('x-tandem-model'), 'large');
      const [logged] = await h.gateway.store.requestLog.recent({ limit: 1 });
      assert.deepEqual(logged?.candidates.find((c) => c.model === 'small')?.refusals, [`key: ${cloudOnly.record.id} may not use this model`]);
      // A prompt only `large` can hold, from a key that may only use `small`.
      const long = 'word '.repeat(6_000);
      await assert.rejects(
        client(h, localOnly.secret).chat.completions.create({ model: 'tandem/auto', messages: [{ role: 'user', content: long }] }),
        (e: unknown) =>
          e instanceof OpenAI.PermissionDeniedError && e.code === 'model_not_allowed' && /may not use any model route "tandem\/auto"/.test(e.message),
      );
    } finally {
      await h.close();
      await up.close();
    }
  });
});

describe('auth modes', () => {
  let up: FakeUpstream;
  before(async () => {
    up = await startEchoUpstream();
  });
  after(async () => {
    await up.close();
  });

  test('server.auth: keys refuses requests even before any key exists, and says how to make one', async () => {
    const h = await startGateway({ ...twoModelConfig(up.url, up.url), server: { auth: 'keys' } });
    try {
      await assert.rejects(ask(client(h, 'x'), 'small'), (e: unknown) => e instanceof OpenAI.AuthenticationError && /tandem keys create/.test(e.message));
      // Admin endpoints without an admin key are disabled while auth is on.
      assert.equal((await admin(h, 'GET', '/admin/keys', { key: '' })).status, 403);
    } finally {
      await h.close();
    }
  });

  test('server.auth: none answers without a key even when keys exist; static api_keys keep working', async () => {
    const open = await startGateway({ ...twoModelConfig(up.url, up.url), server: { auth: 'none', api_keys: ['static-secret'] } });
    try {
      assert.equal((await ask(client(open, 'whatever'), 'small')).choices[0]?.message.content, 'echo: hello');
    } finally {
      await open.close();
    }
    const keyed = await startGateway({ ...twoModelConfig(up.url, up.url), server: { api_keys: ['static-secret'] } });
    try {
      assert.equal((await ask(client(keyed, 'static-secret'), 'large')).choices[0]?.message.content, 'echo: hello');
      await assert.rejects(ask(client(keyed, 'other'), 'small'), OpenAI.AuthenticationError);
    } finally {
      await keyed.close();
    }
  });
});
