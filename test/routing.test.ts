/** Policies, routers, fallbacks, the circuit breaker, cancellation and the dry-run explanation, end to end. */
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { request } from 'undici';
import { startFakeUpstream, type FakeUpstream } from '../src/providers/testing/fake-upstream.js';
import { startGateway, twoModelConfig, type Harness } from './helpers/gateway-harness.js';
import { startEchoUpstream } from './helpers/openai-upstream.js';

const closers: Array<() => Promise<void>> = [];
after(async () => {
  for (const close of closers.reverse()) await close();
});
async function upstream(kind: 'echo' | 'fail' | 'slow-stream'): Promise<FakeUpstream> {
  const up =
    kind === 'echo'
      ? await startEchoUpstream()
      : kind === 'fail'
        ? await startFakeUpstream({ '/v1/chat/completions': { status: 503, body: { error: { message: 'overloaded' } } } })
        : await startFakeUpstream({
            '/v1/chat/completions': {
              chunks: Array.from({ length: 200 }, (_, i) => `data: {"choices":[{"index":0,"delta":{"content":"w${i} "}}]}\n\n`),
              chunkDelayMs: 20,
            },
          });
  closers.push(() => up.close());
  return up;
}
async function gateway(...args: Parameters<typeof startGateway>): Promise<Harness> {
  const h = await startGateway(...args);
  closers.push(() => h.close());
  return h;
}

describe('privacy policy', () => {
  test('a sensitive request never reaches the cloud model, even when the local model fails', async () => {
    const cloud = await upstream('echo');
    const local = await upstream('fail');
    const h = await gateway(twoModelConfig(cloud.url, local.url));
    const viaHeader = h.client.chat.completions.create(
      { model: 'tandem/auto', messages: [{ role: 'user', content: 'my diagnosis is private' }] },
      { headers: { 'x-tandem-sensitive': 'true' } },
    );
    await assert.rejects(viaHeader, (e: { status?: number }) => e.status === 503);
    const viaMetadata = h.client.chat.completions.create({ model: 'tandem/auto', messages: [{ role: 'user', content: 'x' }], metadata: { sensitive: 'true' } });
    await assert.rejects(viaMetadata, (e: { status?: number }) => e.status === 503);
    assert.equal(cloud.requests.length, 0, 'nothing reached the cloud upstream');
    assert.ok(local.requests.length >= 2);
  });

  test('naming a cloud model directly with a sensitive request is refused with the reason', async () => {
    const cloud = await upstream('echo');
    const h = await gateway(twoModelConfig(cloud.url, cloud.url));
    await assert.rejects(
      h.client.chat.completions.create({ model: 'large', messages: [{ role: 'user', content: 'x' }] }, { headers: { 'x-tandem-sensitive': 'true' } }),
      (e: { status?: number; message?: string }) => e.status === 400 && /cloud model, request is sensitive/.test(e.message ?? ''),
    );
    assert.equal(cloud.requests.length, 0);
  });
});

describe('fallbacks and the circuit breaker', () => {
  test('a failing small model falls back to the large one before the first byte, streaming too', async () => {
    const cloud = await upstream('echo');
    const local = await upstream('fail');
    const h = await gateway(twoModelConfig(cloud.url, local.url));
    const { data, response } = await h.client.chat.completions.create({ model: 'tandem/auto', messages: [{ role: 'user', content: 'hello' }] }).withResponse();
    assert.equal(data.choices[0]?.message.content, 'echo: hello');
    assert.equal(response.headers.get('x-tandem-model'), 'large');
    const row = await h.gateway.store.requestLog.get(response.headers.get('x-tandem-request-id') ?? '');
    assert.deepEqual(
      row?.attempts.map((a) => [a.model, a.error === null]),
      [
        ['small', false],
        ['small', false],
        ['large', true],
      ],
    );

    const stream = await h.client.chat.completions.create({ model: 'tandem/auto', messages: [{ role: 'user', content: 'again' }], stream: true });
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
    assert.equal(text, 'echo: again');
  });

  test('after enough failures the breaker opens and the failing upstream is no longer called', async () => {
    const cloud = await upstream('echo');
    const local = await upstream('fail');
    const h = await gateway({ ...twoModelConfig(cloud.url, local.url), circuit_breaker: { failure_threshold: 3, cooldown_ms: 60_000 } });
    for (let i = 0; i < 4; i++) await h.client.chat.completions.create({ model: 'tandem/auto', messages: [{ role: 'user', content: `r${i}` }] });
    const calls = local.requests.length;
    assert.equal(calls, 3, 'two attempts on the first request, one on the second, then the circuit is open');
    await h.client.chat.completions.create({ model: 'tandem/auto', messages: [{ role: 'user', content: 'more' }] });
    assert.equal(local.requests.length, calls);
  });

  test('a client that disconnects mid-stream cancels the upstream call', async () => {
    const slow = await upstream('slow-stream');
    let closed = false;
    const h = await gateway(twoModelConfig(slow.url, slow.url));
    const res = await request(`${h.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'large', stream: true, messages: [{ role: 'user', content: 'long story' }] }),
    });
    for await (const chunk of res.body) {
      if (String(chunk).includes('w2')) break; // stop reading: undici destroys the body
    }
    // The row is written either way: at once with 499 when the disconnect cancels the call, or with 200
    // when the 4 s stream runs to its end. No time window, so a loaded machine cannot fail it.
    for (;;) {
      const row = (await h.gateway.store.requestLog.recent({ limit: 1 }))[0];
      if (row) {
        closed = row.status === 499;
        assert.match(row.error ?? '', /client closed/);
        break;
      }
      await sleep(50);
    }
    assert.ok(closed, 'the request was logged as closed by the client, not streamed to its end');
  });
});

describe('routers and context fit', () => {
  test('a prompt too long for the small model goes to the large one, and the explanation says why', async () => {
    const cloud = await upstream('echo');
    const local = await upstream('echo');
    const h = await gateway(twoModelConfig(cloud.url, local.url));
    const long = 'word '.repeat(6_000);
    const { response } = await h.client.chat.completions.create({ model: 'tandem/auto', messages: [{ role: 'user', content: long }] }).withResponse();
    assert.equal(response.headers.get('x-tandem-model'), 'large');
    const res = await request(`${h.url}/v1/route`, {
      method: 'POST',
      body: JSON.stringify({ model: 'tandem/auto', messages: [{ role: 'user', content: long }] }),
    });
    const explanation = (await res.body.json()) as {
      chosen: string;
      candidates: Array<{ model: string; allowed: boolean; reasons: string[] }>;
      router: { score: number | null; threshold: number | null };
    };
    assert.equal(explanation.chosen, 'large');
    const small = explanation.candidates.find((c) => c.model === 'small');
    assert.equal(small?.allowed, false);
    assert.ok(small?.reasons.some((r) => /context-fit: too long/.test(r)));
    assert.equal(typeof explanation.router.score, 'number');
    assert.equal(explanation.router.threshold, 0.5);
    assert.equal(cloud.requests.length, 1, 'the dry run called no model');
  });

  test('rules route by regex and metadata; weighted is sticky per user', async () => {
    const cloud = await upstream('echo');
    const local = await upstream('echo');
    const base = twoModelConfig(cloud.url, local.url);
    const h = await gateway({
      ...base,
      routes: {
        'by-rule': {
          models: ['small', 'large'],
          router: {
            type: 'rules',
            rules: [
              { when: { last_user_matches: '\\b(prove|derive)\\b' }, model: 'large' },
              { when: { metadata: { tier: 'gold' } }, model: 'large' },
            ],
            default: 'small',
          },
        },
        ab: { models: ['small', 'large'], router: { type: 'weighted', weights: { small: 50, large: 50 } } },
      },
    });
    const modelFor = async (body: Record<string, unknown>): Promise<string | null> => {
      const { response } = await h.client.chat.completions.create(body as never).withResponse();
      return response.headers.get('x-tandem-model');
    };
    assert.equal(await modelFor({ model: 'by-rule', messages: [{ role: 'user', content: 'Prove that 2+2=4' }] }), 'large');
    assert.equal(await modelFor({ model: 'by-rule', messages: [{ role: 'user', content: 'hi' }], metadata: { tier: 'gold' } }), 'large');
    assert.equal(await modelFor({ model: 'by-rule', messages: [{ role: 'user', content: 'hi' }] }), 'small');
    const seen = new Map<string, Set<string | null>>();
    for (let i = 0; i < 30; i++) {
      const user = `user-${i % 5}`;
      const model = await modelFor({ model: 'ab', messages: [{ role: 'user', content: 'hi' }], user });
      if (!seen.has(user)) seen.set(user, new Set());
      seen.get(user)?.add(model);
    }
    for (const models of seen.values()) assert.equal(models.size, 1, 'one user, one model');
  });
});
