/**
 * Key scopes end to end, through the admin API and the official client: a key made for a route with a
 * privacy policy cannot name that route's cloud model directly and skip the policy (issue 15, item 5).
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import OpenAI from 'openai';
import type { FakeUpstream } from '../src/providers/testing/fake-upstream.js';
import { startGateway, twoModelConfig, type Harness } from './helpers/gateway-harness.js';
import { startEchoUpstream } from './helpers/openai-upstream.js';

const ADMIN_KEY = 'admin-0123456789abcdef';
const EMAIL = 'ana.silva@example.com';
const PROMPT = `Write to ${EMAIL} about the invoice.`;

describe('key scopes', () => {
  let cloud: FakeUpstream;
  let local: FakeUpstream;
  let h: Harness;
  before(async () => {
    cloud = await startEchoUpstream();
    local = await startEchoUpstream();
    const base = twoModelConfig(cloud.url, local.url);
    const large = base.models?.large;
    if (large?.provider !== 'openai-compatible') throw new Error('twoModelConfig changed: large is no longer openai-compatible');
    cloud.on('/v1/embeddings', () => ({
      body: { object: 'list', data: [{ object: 'embedding', index: 0, embedding: [0.1] }], model: 'x', usage: { prompt_tokens: 1, total_tokens: 1 } },
    }));
    h = await startGateway({
      ...base,
      models: { ...base.models, large: { ...large, capabilities: { tools: true, json: true, embeddings: true } } },
      embeddings_model: 'large',
      server: { admin_key: ADMIN_KEY },
      routes: {
        ...base.routes,
        // The cloud model, but only with personal data replaced by placeholders.
        'sec/a': { models: ['large'], policies: [{ type: 'privacy', mode: 'pseudonymise' }], router: { type: 'fixed', model: 'large' } },
      },
    });
  });
  after(async () => {
    await h.close();
    await cloud.close();
    await local.close();
  });

  async function createKey(body: Record<string, unknown>): Promise<{ secret: string; key: { id: string; scope: string; routes: string[]; models: string[] } }> {
    const res = await fetch(`${h.url}/admin/keys`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    const json = (await res.json()) as { secret: string; key: { id: string; scope: string; routes: string[]; models: string[] } };
    assert.equal(res.status, 201, JSON.stringify(json));
    return json;
  }
  const client = (secret: string): OpenAI => new OpenAI({ baseURL: `${h.url}/v1`, apiKey: secret, maxRetries: 0 });

  test('routes without models make a routes-only key: the cloud model named directly is 403, through the route the privacy policy applies', async () => {
    const { secret, key } = await createKey({ name: 'sec team', routes: ['sec/a'] });
    assert.equal(key.scope, 'routes');
    const c = client(secret);

    const reachedBefore = cloud.requests.length;
    await assert.rejects(c.chat.completions.create({ model: 'large', messages: [{ role: 'user', content: PROMPT }] }), (e: unknown) => {
      assert.ok(e instanceof OpenAI.PermissionDeniedError);
      assert.equal(e.code, 'model_not_allowed');
      assert.equal(e.param, 'model');
      assert.match(e.message, new RegExp(`API key ${key.id} \\("sec team"\\) may use routes only, not models named directly such as "large"`));
      return true;
    });
    assert.equal(cloud.requests.length, reachedBefore, 'nothing reached the cloud');

    const { data, response } = await c.chat.completions.create({ model: 'sec/a', messages: [{ role: 'user', content: PROMPT }] }).withResponse();
    assert.equal(response.headers.get('x-tandem-model'), 'large');
    const sent = cloud.requests.at(-1)?.body ?? '';
    assert.ok(!sent.includes(EMAIL), 'the cloud never sees the address');
    assert.match(sent, /Write to <EMAIL_1[^>]*> about the invoice\./);
    assert.equal(data.choices[0]?.message.content, `echo: ${PROMPT}`);

    // The model list offers only what the key may name; embeddings and the dry run refuse direct names too.
    const listed: string[] = [];
    for await (const entry of c.models.list()) listed.push(entry.id);
    assert.deepEqual(listed, ['sec/a']);
    // Embeddings have no routes: named directly, or reached as embeddings_model through an unknown name.
    for (const model of ['large', 'text-embedding-3-small']) {
      await assert.rejects(
        c.embeddings.create({ model, input: 'x' }),
        (e: unknown) => e instanceof OpenAI.PermissionDeniedError && e.code === 'model_not_allowed',
        model,
      );
    }
    const dryRun = await fetch(`${h.url}/v1/route`, {
      method: 'POST',
      headers: { authorization: `Bearer ${secret}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'large', messages: [{ role: 'user', content: 'x' }] }),
    });
    assert.equal(dryRun.status, 403);
  });

  test('routes with models keep direct model names (as before); scope can be set either way explicitly', async () => {
    const both = await createKey({ name: 'both', routes: ['sec/a'], models: ['large'] });
    assert.equal(both.key.scope, 'all');
    assert.equal(
      (await client(both.secret).chat.completions.create({ model: 'large', messages: [{ role: 'user', content: 'hi' }] })).choices[0]?.message.content,
      'echo: hi',
    );
    assert.equal((await client(both.secret).embeddings.create({ model: 'text-embedding-3-small', input: 'x' })).data.length, 1);
    // A key whose models leave out the embeddings model cannot reach it through a name that falls back to it.
    const smallOnly = await createKey({ name: 'small only', models: ['small'] });
    await assert.rejects(client(smallOnly.secret).embeddings.create({ model: 'small', input: 'x' }), OpenAI.PermissionDeniedError);

    const confined = await createKey({ name: 'confined', routes: ['sec/a', 'tandem/auto'], models: ['small'], scope: 'routes' });
    assert.equal(confined.key.scope, 'routes');
    await assert.rejects(
      client(confined.secret).chat.completions.create({ model: 'small', messages: [{ role: 'user', content: 'hi' }] }),
      OpenAI.PermissionDeniedError,
    );
    // Its models still narrow the routes' candidates: only `small` on tandem/auto.
    const { response } = await client(confined.secret)
      .chat.completions.create({ model: 'tandem/auto', messages: [{ role: 'user', content: 'hi' }] })
      .withResponse();
    assert.equal(response.headers.get('x-tandem-model'), 'small');

    const open = await createKey({ name: 'open', routes: ['sec/a'], scope: 'all' });
    assert.equal(open.key.scope, 'all');

    const bad = await fetch(`${h.url}/admin/keys`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'x', scope: 'models' }),
    });
    assert.equal(bad.status, 400);
    assert.equal(((await bad.json()) as { error: { param: string } }).error.param, 'scope');
  });
});
