/**
 * A Redis restart does not reset budgets: the counters it lost are rebuilt from the request log. One
 * replica on its own redis-server (killed with SIGKILL, started again empty), a SQLite request log, real
 * HTTP with the official client.
 */
import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import OpenAI from 'openai';
import { quickPromptTokens } from '../src/accounting/estimate-tokens.js';
import { ownRedisSkipReason, startOwnRedisServer } from '../src/cluster/testing/own-redis-server.js';
import { testKeyPrefix } from '../src/cluster/testing/redis-for-tests.js';
import { startFakeUpstream } from '../src/providers/testing/fake-upstream.js';
import { startGateway, type Harness } from './helpers/gateway-harness.js';
import { echoResponder } from './helpers/openai-upstream.js';

const MAX_TOKENS = 50;
const PRICE = { input: 2.5, output: 10 };
const MESSAGES = [{ role: 'user' as const, content: 'Name three lighthouses.' }];
const RESERVED = (quickPromptTokens({ messages: MESSAGES, params: {} }) * PRICE.input + MAX_TOKENS * PRICE.output) / 1e6;

async function send(h: Harness): Promise<number> {
  try {
    await h.client.chat.completions.create({ model: 'cloud', max_tokens: MAX_TOKENS, messages: MESSAGES });
    return 200;
  } catch (error) {
    if (error instanceof OpenAI.APIError && error.status !== undefined) return error.status;
    throw error;
  }
}

describe('budgets across a Redis restart', { skip: ownRedisSkipReason() }, () => {
  test('a used-up daily budget stays used up after Redis restarts empty: 0 requests over it', async () => {
    const redis = await startOwnRedisServer();
    const up = await startFakeUpstream({ '/v1/chat/completions': echoResponder({ answer: () => 'word '.repeat(MAX_TOKENS).trim() }) });
    const budget = RESERVED * 6;
    const h = await startGateway({
      cluster: { redis: { url: redis.url, key_prefix: testKeyPrefix(), command_timeout_ms: 200 } },
      models: {
        cloud: {
          provider: 'openai-compatible',
          base_url: `${up.url}/v1`,
          locality: 'cloud',
          pricing: { input_per_1m: PRICE.input, output_per_1m: PRICE.output },
        },
      },
      limits: { per_key: { spend_per_day: budget } },
    });
    after(async () => {
      await h.close();
      await up.close();
      await redis.stop();
    });

    const statuses: number[] = [];
    for (let i = 0; i < 20 && statuses.at(-1) !== 429; i++) statuses.push(await send(h));
    assert.equal(statuses.at(-1), 429, `the budget never ran out: ${statuses.join(',')}`);
    const answeredBefore = statuses.filter((s) => s === 200).length;
    assert.ok(answeredBefore >= 3, `${answeredBefore} answered before the budget ran out`);

    await redis.restart();
    const cluster = h.gateway.cluster;
    assert.ok(cluster);
    const deadline = Date.now() + 5_000;
    while (!cluster.health.up || cluster.connection.client.status !== 'ready') {
      assert.ok(Date.now() < deadline, 'the replica reconnects to the restarted Redis');
      await send(h); // also what notices the drop; any answer here is counted below
      await sleep(50);
    }

    const afterRestart = await Promise.all(Array.from({ length: 10 }, () => send(h)));
    assert.deepEqual(new Set(afterRestart), new Set([429]), `after the restart: ${afterRestart.join(',')}`);
    const rows = await h.gateway.store.requestLog.recent({ limit: 1_000 });
    const answered = rows.filter((r) => r.status === 200);
    assert.equal(answered.length, answeredBefore, 'no request was answered after the restart');
    const spent = answered.reduce((sum, r) => sum + r.cost, 0);
    assert.ok(spent <= budget * (1 + 1e-9), `spent ${spent} of ${budget}`);
  });
});
