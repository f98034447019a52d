/** Budgets and rate limits end to end: real HTTP, the official client, a fake cloud upstream. */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import OpenAI from 'openai';
import { quickPromptTokens } from '../src/accounting/estimate-tokens.js';
import { mintApiKey } from '../src/governance/api-key-secret.js';
import { startFakeUpstream, type FakeUpstream } from '../src/providers/testing/fake-upstream.js';
import { startGateway, twoModelConfig, type Harness } from './helpers/gateway-harness.js';
import { echoResponder } from './helpers/openai-upstream.js';

/** `large` in twoModelConfig: 2.5 per 1M input tokens, 10 per 1M output tokens. */
const LARGE = { input: 2.5, output: 10 };
const MAX_TOKENS = 400;
const MESSAGES = [{ role: 'user' as const, content: 'Summarise the quarterly report in three sentences.' }];

function worstCase(): number {
  const prompt = quickPromptTokens({ messages: MESSAGES, params: {} });
  return (prompt * LARGE.input + MAX_TOKENS * LARGE.output) / 1e6;
}

describe('budgets', () => {
  let up: FakeUpstream;
  before(async () => {
    // Slow answers keep many requests in flight at once, which is what the budget must survive.
    // Answers use the whole output allowance, so the actual cost is close to the reserved worst case.
    const echo = echoResponder({ answer: () => 'word '.repeat(MAX_TOKENS).trim() });
    up = await startFakeUpstream({ '/v1/chat/completions': async (r) => ({ ...echo(r), delayMs: 150 }) });
  });
  after(async () => {
    await up.close();
  });

  test('concurrent requests at a nearly exhausted daily budget overspend by at most one request', async () => {
    // Room for 3.5 worst cases: a gateway that checked without reserving would let all 24 through.
    const budget = worstCase() * 3.5;
    const h = await startGateway({ ...twoModelConfig(up.url, up.url), limits: { per_key: { spend_per_day: budget } } });
    try {
      const results = await Promise.allSettled(
        Array.from({ length: 24 }, () => h.client.chat.completions.create({ model: 'large', max_tokens: MAX_TOKENS, messages: MESSAGES })),
      );
      const ok = results.filter((r) => r.status === 'fulfilled');
      const refused = results.flatMap((r) => (r.status === 'rejected' ? [r.reason as unknown] : []));
      assert.ok(ok.length >= 1, 'some requests fit the budget');
      assert.ok(refused.length >= 1, 'some requests are over the budget');
      let inFlightRefusals = 0;
      for (const error of refused) {
        assert.ok(error instanceof OpenAI.RateLimitError, String(error));
        assert.equal(error.code, 'budget_exceeded');
        assert.match(error.message, /^429 Budget exceeded for anonymous callers: spend_per_day is .* USD \(used .* USD/);
        // While others' reservations are what stands in the way, they settle within seconds: retry then,
        // not at midnight. Once settled spend alone leaves no room, the day's end.
        if (/reserved by requests still in flight/.test(error.message)) {
          assert.match(error.message, /Retry in 2s, when requests in flight have finished\.$/);
          assert.equal(error.headers?.get('retry-after'), '2');
          inFlightRefusals++;
        } else {
          assert.match(error.message, /resets at \d{4}-\d\d-\d\dT00:00:00\.000Z/);
        }
        assert.ok(error.headers?.get('x-tandem-budget-limit-day'));
      }
      assert.ok(inFlightRefusals > 0, 'some requests were refused while the others were still in flight');
      const logged = await h.gateway.store.requestLog.recent({ limit: 100 });
      const answered = logged.filter((r) => r.status === 200);
      assert.equal(answered.length, ok.length);
      const spent = answered.reduce((sum, r) => sum + r.cost, 0);
      const oneRequest = Math.max(...answered.map((r) => r.cost));
      assert.ok(spent <= budget + oneRequest, `spent ${spent} > budget ${budget} + one request ${oneRequest}`);
      assert.equal(logged.filter((r) => r.status === 429).length, refused.length);
      // Settled spend alone leaves no room for another worst case now: that waits for midnight UTC.
      await assert.rejects(h.client.chat.completions.create({ model: 'large', max_tokens: MAX_TOKENS, messages: MESSAGES }), (error: unknown) => {
        assert.ok(error instanceof OpenAI.RateLimitError, String(error));
        assert.match(error.message, /resets at \d{4}-\d\d-\d\dT00:00:00\.000Z/);
        const retryAfter = Number(error.headers?.get('retry-after'));
        assert.ok(retryAfter > 2 && retryAfter <= 86_400, `retry-after ${retryAfter}`);
        return true;
      });
    } finally {
      await h.close();
    }
  });

  test('a reservation is settled on actual usage, so cheap answers leave room for more', async () => {
    // Two worst cases fit; each answer costs far less than its worst case, so sequential requests keep fitting.
    const short = await startFakeUpstream({ '/v1/chat/completions': echoResponder() });
    const h = await startGateway({ ...twoModelConfig(short.url, short.url), limits: { per_key: { spend_per_day: worstCase() * 2 } } });
    try {
      for (let i = 0; i < 4; i++) await h.client.chat.completions.create({ model: 'large', max_tokens: MAX_TOKENS, messages: MESSAGES });
      const spent = (await h.gateway.store.requestLog.recent({ limit: 10 })).reduce((s, r) => s + r.cost, 0);
      assert.ok(spent > 0 && spent < worstCase() * 2);
    } finally {
      await h.close();
      await short.close();
    }
  });
});

describe('rate limits', () => {
  let up: FakeUpstream;
  let h: Harness;
  before(async () => {
    up = await startFakeUpstream({ '/v1/chat/completions': echoResponder() });
    h = await startGateway({
      ...twoModelConfig(up.url, up.url),
      limits: { per_key: { requests_per_minute: 3 }, per_user: { requests_per_minute: 1 } },
    });
  });
  after(async () => {
    await h.close();
    await up.close();
  });

  test('requests per minute: the limit-th request passes with x-ratelimit headers, the next gets 429', async () => {
    const remaining: string[] = [];
    for (let i = 0; i < 3; i++) {
      const { response } = await h.client.chat.completions.create({ model: 'small', messages: MESSAGES }).withResponse();
      assert.equal(response.headers.get('x-ratelimit-limit-requests'), '3');
      remaining.push(response.headers.get('x-ratelimit-remaining-requests') ?? '');
    }
    assert.deepEqual(remaining, ['2', '1', '0']);
    await assert.rejects(h.client.chat.completions.create({ model: 'small', messages: MESSAGES }), (e: unknown) => {
      assert.ok(e instanceof OpenAI.RateLimitError);
      assert.equal(e.code, 'rate_limit_exceeded');
      assert.equal(e.type, 'rate_limit_exceeded');
      assert.match(e.message, /Rate limit exceeded for anonymous callers: requests_per_minute is 3 \(used 3/);
      assert.ok(Number(e.headers?.get('retry-after')) >= 1);
      assert.equal(e.headers?.get('x-ratelimit-remaining-requests'), '0');
      return true;
    });
  });
});

describe('per-user limits', () => {
  test('each `user` value has its own counter under the key', async () => {
    const up = await startFakeUpstream({ '/v1/chat/completions': echoResponder() });
    const h = await startGateway({ ...twoModelConfig(up.url, up.url), limits: { per_user: { requests_per_minute: 1 } } });
    try {
      const send = (user?: string) => h.client.chat.completions.create({ model: 'small', messages: MESSAGES, ...(user ? { user } : {}) });
      await send('alice');
      await assert.rejects(send('alice'), (e: unknown) => e instanceof OpenAI.RateLimitError && /user "alice"/.test(e.message));
      await send('bob');
      // Requests without a user field are not limited per user.
      await send();
      await send();
    } finally {
      await h.close();
      await up.close();
    }
  });
});

describe("a managed key's own limits", () => {
  test('replace limits.per_key one by one and name the key in the 429', async () => {
    const up = await startFakeUpstream({ '/v1/chat/completions': echoResponder() });
    const h = await startGateway({ ...twoModelConfig(up.url, up.url), limits: { per_key: { requests_per_minute: 100, tokens_per_minute: 100_000 } } });
    try {
      const { record, secret } = mintApiKey({ name: 'tiny', now: Date.now(), limits: { requests_per_minute: 1 } });
      await h.gateway.store.keys.create(record);
      await h.gateway.governance?.keys.refresh();
      const c = new OpenAI({ baseURL: `${h.url}/v1`, apiKey: secret, maxRetries: 0 });
      const { response } = await c.chat.completions.create({ model: 'small', messages: MESSAGES }).withResponse();
      assert.equal(response.headers.get('x-ratelimit-limit-requests'), '1');
      assert.equal(response.headers.get('x-ratelimit-limit-tokens'), '100000', 'the config default still applies to tokens');
      await assert.rejects(
        c.chat.completions.create({ model: 'small', messages: MESSAGES }),
        (e: unknown) => e instanceof OpenAI.RateLimitError && e.message.includes(`API key ${record.id}`),
      );
    } finally {
      await h.close();
      await up.close();
    }
  });
});
