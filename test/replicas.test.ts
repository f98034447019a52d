/**
 * Three Tandem replicas (`tandem serve` processes) on one PostgreSQL schema and one Redis key prefix,
 * behind no load balancer: the tests spread requests over them with the official OpenAI client and check
 * that they behave as one gateway — one budget, one rate limit, shared breaker knowledge, and no lost
 * log rows when a replica is killed with SIGKILL under load.
 *
 * Needs the real PostgreSQL (127.0.0.1:5432, trust, db `test`) and Redis (127.0.0.1:6379) that .ci/run
 * starts; skipped with the reason when either is unreachable.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import OpenAI from 'openai';
import pg from 'pg';
import { stringify } from 'yaml';
import { deleteKeys, redisSkipReason, TEST_REDIS_URL, testKeyPrefix } from '../src/cluster/testing/redis-for-tests.js';
import { chainName } from '../src/governance/audit-chain-id.js';
import { verifyAuditChain } from '../src/governance/audit-chain.js';
import { startFakeUpstream, type FakeResponse, type FakeUpstream, type RecordedRequest } from '../src/providers/testing/fake-upstream.js';
import { openPostgresStore } from '../src/store/postgres/postgres-store.js';
import { postgresSkipReason, TEST_DATABASE_URL, testSchemas } from '../src/store/postgres/postgres-test-database.js';
import { startReplica, type Replica } from './helpers/replica-process.js';

/** Output is priced, input free: a request's worst-case estimate (max_tokens) equals its actual cost. */
const OUTPUT_PER_1M = 20;
const MAX_TOKENS = 50;
const REQUEST_COST = (MAX_TOKENS * OUTPUT_PER_1M) / 1e6;
/** Ten requests' worth, and a little: float sums of 0.001 must not decide whether the tenth fits. */
const DAILY_BUDGET = REQUEST_COST * 10.5;
const USER_REQUESTS_PER_MINUTE = 4;
const KEYS = { budget: 'sk-replica-budget', rate: 'sk-replica-rate', load: 'sk-replica-load' };

const skip = (await postgresSkipReason()) || (await redisSkipReason());

/** Answers with exactly max_tokens words and reports them, so cost is known before the call. */
function fixedLengthResponder(options: { chunkDelayMs: number }): (request: RecordedRequest) => FakeResponse {
  return (recorded) => {
    const body = recorded.json as { model: string; stream?: boolean; max_tokens?: number; max_completion_tokens?: number };
    const words = body.max_completion_tokens ?? body.max_tokens ?? MAX_TOKENS;
    const usage = { prompt_tokens: 1, completion_tokens: words, total_tokens: words + 1 };
    const text = Array.from({ length: words }, (_, i) => `w${i}`).join(' ');
    const base = { id: 'chatcmpl-up', created: 1, model: body.model };
    if (!body.stream) {
      return {
        delayMs: options.chunkDelayMs,
        body: { ...base, object: 'chat.completion', choices: [{ index: 0, message: { role: 'assistant', content: text }, finish_reason: 'stop' }], usage },
      };
    }
    const chunk = (delta: unknown, finish: string | null, extra: object = {}): string =>
      `data: ${JSON.stringify({ ...base, object: 'chat.completion.chunk', choices: [{ index: 0, delta, finish_reason: finish }], ...extra })}\n\n`;
    return {
      chunkDelayMs: options.chunkDelayMs,
      chunks: [
        chunk({ role: 'assistant', content: text.slice(0, 20) }, null),
        chunk({ content: text.slice(20) }, null),
        chunk({}, 'stop'),
        `data: ${JSON.stringify({ ...base, object: 'chat.completion.chunk', choices: [], usage })}\n\n`,
        'data: [DONE]\n\n',
      ],
    };
  };
}

interface Completed {
  id: string;
  replica: string;
}

describe('three replicas on PostgreSQL and Redis', { skip, timeout: 180_000 }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'tandem-replicas-'));
  const schemas = testSchemas();
  const schema = schemas.create();
  const keyPrefix = testKeyPrefix();
  let good: FakeUpstream;
  let flaky: FakeUpstream;
  let replicas: Replica[] = [];

  before(async () => {
    good = await startFakeUpstream({ '/v1/chat/completions': fixedLengthResponder({ chunkDelayMs: 2 }) });
    flaky = await startFakeUpstream({ '/v1/chat/completions': { status: 500, body: { error: { message: 'upstream is down' } } } });
    good.recordRequests = false;
    const model = (url: string, pricing: { input_per_1m: number; output_per_1m: number }) => ({
      provider: 'openai-compatible',
      base_url: `${url}/v1`,
      api_key: 'sk-upstream',
      locality: 'cloud',
      pricing,
      timeout_ms: 5_000,
    });
    const config = {
      server: { api_keys: Object.values(KEYS) },
      store: { type: 'postgres', url: TEST_DATABASE_URL, schema, pool_size: 4 },
      // A loaded 2-core CI machine can stall a Redis call past the 250 ms default, which would fail budgets closed (503).
      cluster: { redis: { url: TEST_REDIS_URL, key_prefix: keyPrefix, command_timeout_ms: 5_000 } },
      circuit_breaker: { failure_threshold: 2, cooldown_ms: 120_000 },
      limits: { per_key: { spend_per_day: DAILY_BUDGET }, per_user: { requests_per_minute: USER_REQUESTS_PER_MINUTE } },
      audit: { replica_id: '${TANDEM_REPLICA_ID}' },
      models: {
        paid: model(good.url, { input_per_1m: 0, output_per_1m: OUTPUT_PER_1M }),
        free: model(good.url, { input_per_1m: 0, output_per_1m: 0 }),
        flaky: model(flaky.url, { input_per_1m: 0, output_per_1m: 0 }),
      },
    };
    const configPath = join(dir, 'tandem.yaml');
    writeFileSync(configPath, stringify(config));
    // Created here so the three replicas, started at once, only race on the migrations (which lock).
    await query(`create schema ${schema}`);
    const started = performance.now();
    const starts = await Promise.allSettled(['a', 'b', 'c'].map((name) => startReplica({ name, configPath, env: { TANDEM_REPLICA_ID: `replica-${name}` } })));
    replicas = starts.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
    const failed = starts.find((s) => s.status === 'rejected');
    if (failed) throw failed.reason; // after() stops the ones that did start
    console.log(`# three replicas up in ${Math.round(performance.now() - started)} ms`);
  });

  after(async () => {
    const stopping = performance.now();
    await Promise.all(replicas.map((r) => r.kill('SIGTERM')));
    console.log(`# replicas stopped in ${Math.round(performance.now() - stopping)} ms`);
    await Promise.all([good?.close(), flaky?.close()]);
    await deleteKeys(keyPrefix);
    await schemas.dropAll();
    rmSync(dir, { recursive: true, force: true });
  });

  const replica = (i: number): Replica => {
    const r = replicas[i];
    if (!r) throw new Error(`no replica ${i}`);
    return r;
  };

  async function query<T extends pg.QueryResultRow>(sql: string, params: unknown[] = []): Promise<T[]> {
    const client = new pg.Client({ connectionString: TEST_DATABASE_URL });
    await client.connect();
    try {
      await client.query(`set search_path to ${schema}`);
      return (await client.query<T>(sql, params)).rows;
    } finally {
      await client.end();
    }
  }

  /** Ok, or the HTTP status the client saw. */
  async function outcome(call: Promise<unknown>): Promise<'ok' | number> {
    try {
      await call;
      return 'ok';
    } catch (error) {
      if (error instanceof OpenAI.APIError && error.status !== undefined) return error.status;
      throw error;
    }
  }

  test('a nearly exhausted budget is never overspent by more than one request, however the requests spread', async () => {
    const chat = (i: number, client: OpenAI) =>
      client.chat.completions.create({ model: 'paid', max_tokens: MAX_TOKENS, user: `budget-${i}`, messages: [{ role: 'user', content: `question ${i}` }] });
    // Spend most of the budget one request at a time, round-robin over the replicas.
    for (let i = 0; i < 8; i++) assert.equal(await outcome(chat(i, replica(i % 3).client(KEYS.budget))), 'ok');
    const results = await Promise.all(Array.from({ length: 30 }, (_, i) => outcome(chat(100 + i, replica(i % 3).client(KEYS.budget)))));
    assert.deepEqual(new Set(results.filter((r) => r !== 'ok')), new Set([429]), `refusals are 429s: ${JSON.stringify(results)}`);

    const [row] = await query<{ spent: number; n: string }>(
      `select coalesce(sum(cost), 0)::float8 as spent, count(*) as n from requests where model = 'paid' and status = 200`,
    );
    const spent = row?.spent ?? 0;
    assert.equal(Number(row?.n), 8 + results.filter((r) => r === 'ok').length, 'every answered request has its row');
    assert.ok(spent <= DAILY_BUDGET + REQUEST_COST, `spent ${spent} of a ${DAILY_BUDGET} budget: over by more than one request (${REQUEST_COST})`);
    assert.ok(spent >= DAILY_BUDGET - 2 * REQUEST_COST, `spent only ${spent} of ${DAILY_BUDGET}: the budget was not used up`);
  });

  test('a per-user rate limit holds across replicas within one window', async () => {
    const results = await Promise.all(
      Array.from({ length: 15 }, (_, i) =>
        outcome(
          replica(i % 3)
            .client(KEYS.rate)
            .chat.completions.create({ model: 'free', max_tokens: 5, user: 'alice', messages: [{ role: 'user', content: `hi ${i}` }] }),
        ),
      ),
    );
    assert.equal(results.filter((r) => r === 'ok').length, USER_REQUESTS_PER_MINUTE);
    assert.equal(results.filter((r) => r === 429).length, 15 - USER_REQUESTS_PER_MINUTE);
  });

  test("once one replica opens a failing upstream's circuit, the others stop calling it within a second", async () => {
    const call = (r: Replica) =>
      outcome(
        r
          .client(KEYS.load)
          .chat.completions.create({ model: 'flaky', max_tokens: 5, user: `flaky-${Math.random()}`, messages: [{ role: 'user', content: 'hi' }] }),
      );
    const first = await call(replica(0));
    assert.notEqual(first, 'ok');
    const reachedUpstream = flaky.requests.length;
    assert.ok(reachedUpstream >= 2, 'replica a tried (and retried) before opening the circuit');
    await sleep(1_000);
    const others = await Promise.all([1, 2, 1, 2, 1, 2].map((i) => call(replica(i))));
    assert.deepEqual(new Set(others), new Set([503]));
    assert.equal(flaky.requests.length, reachedUpstream, 'replicas b and c never called the failing upstream');
  });

  test('kill -9 under load: every answered request has its row, the others keep serving, audit chains verify', async () => {
    const completed: Completed[] = [];
    const afterKill: Array<{ replica: string; result: 'ok' | 'failed' }> = [];
    let killed = false;
    let stop = false;
    let n = 0;
    const worker = async (r: Replica): Promise<void> => {
      const client = r.client(KEYS.load);
      while (!stop) {
        const i = n++;
        const request = { model: 'free', max_tokens: 20, user: `load-${i}`, messages: [{ role: 'user' as const, content: `load ${i}` }] };
        try {
          let id: string | null;
          if (i % 2 === 0) {
            const { response } = await client.chat.completions.create(request).withResponse();
            id = response.headers.get('x-tandem-request-id');
          } else {
            const { data: stream, response } = await client.chat.completions.create({ ...request, stream: true }).withResponse();
            let finished = false;
            for await (const chunk of stream) if (chunk.choices[0]?.finish_reason) finished = true;
            if (!finished) throw new Error('stream ended without a finish reason');
            id = response.headers.get('x-tandem-request-id');
          }
          assert.ok(id, 'x-tandem-request-id');
          completed.push({ id, replica: r.name });
          if (killed) afterKill.push({ replica: r.name, result: 'ok' });
        } catch {
          if (killed) afterKill.push({ replica: r.name, result: 'failed' });
          if (r.exited) return; // the killed replica: its clients see connection errors
        }
      }
    };
    const workers = replicas.flatMap((r) => [worker(r), worker(r), worker(r)]);
    while (completed.filter((c) => c.replica === 'c').length < 10) await sleep(10);
    await replica(2).kill('SIGKILL');
    killed = true;
    const killedAt = completed.length;
    while (completed.length < killedAt + 30) await sleep(10);
    stop = true;
    await Promise.all(workers);

    const survivors = afterKill.filter((a) => a.replica !== 'c');
    assert.ok(survivors.length >= 30);
    assert.deepEqual(
      survivors.filter((a) => a.result === 'failed'),
      [],
      'replicas a and b answered every request after the kill',
    );

    const ids = completed.map((c) => c.id);
    const rows = await query<{ id: string }>('select id from requests where id = any($1)', [ids]);
    const found = new Set(rows.map((r) => r.id));
    const missing = completed.filter((c) => !found.has(c.id));
    assert.deepEqual(missing, [], `${missing.length} of ${completed.length} answered requests have no row`);
    assert.ok(
      completed.some((c) => c.replica === 'c'),
      'the killed replica had answered requests',
    );

    const store = await openPostgresStore({ url: TEST_DATABASE_URL, schema, poolSize: 2, logBodies: false });
    try {
      const chains = await store.audit.replicas();
      assert.deepEqual(chains.map(chainName), ['replica-a', 'replica-b', 'replica-c']);
      for (const replicaId of chains) {
        const report = await verifyAuditChain({ log: store.audit, replicaId });
        assert.equal(report.broken, undefined, `${replicaId}: ${report.broken?.reason}`);
        assert.ok(report.records > 0);
      }
    } finally {
      await store.close();
    }
  });
});
