/**
 * The full reproduction of issue 15's PostgreSQL findings: three `tandem serve` replicas on one
 * PostgreSQL schema and one Redis key prefix, 32 clients against a fake upstream, while PostgreSQL's
 * connections are terminated again and again (what a restart or a failover does) and, in between, the
 * database refuses all connections for a few seconds (a TCP proxy in front of it is cut). Checks: no
 * replica exits, clients see only 200s or a clean 503, and after recovery every request answered 200 has
 * its row (the spools replayed) and every replica's /readyz is 200 again.
 *
 * `npm run test:chaos`. Prints the figures docs/deployment.md ("PostgreSQL outages") quotes.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { stringify } from 'yaml';
import { deleteKeys, redisSkipReason, TEST_REDIS_URL, testKeyPrefix } from '../../src/cluster/testing/redis-for-tests.js';
import { startTcpProxy, type TcpProxy } from '../../src/cluster/testing/tcp-proxy.js';
import { startFakeUpstream, type FakeUpstream } from '../../src/providers/testing/fake-upstream.js';
import { postgresSkipReason, TEST_DATABASE_URL, testSchemas } from '../../src/store/postgres/postgres-test-database.js';
import { startReplica, type Replica } from '../helpers/replica-process.js';

const CONCURRENCY = 32;
const LOAD_MS = 24_000;
const API_KEY = 'sk-chaos-pg';
/** Request bodies by turn: the plain model, the task route (a few inputs repeat), the cached route (most repeat). */
const ROUTED: Array<(w: number, i: number) => unknown> = [
  (w, i) => ({ model: 'm', messages: [{ role: 'user', content: `q ${w}-${i}` }] }),
  (w, i) => ({ model: 'intents', messages: [{ role: 'user', content: `Intent: say hello number ${(w * 31 + i) % 400}` }] }),
  (_w, i) => ({ model: 'cached', messages: [{ role: 'user', content: `opening hours ${i % 20}` }] }),
];

const skip = (await postgresSkipReason()) || (await redisSkipReason());

describe('three replicas while PostgreSQL drops and refuses connections under load', { skip, timeout: 240_000 }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'tandem-chaos-pg-'));
  const schemas = testSchemas();
  const schema = schemas.create();
  const keyPrefix = testKeyPrefix();
  const applicationName = `tandem_chaos_${randomBytes(4).toString('hex')}`;
  let upstream: FakeUpstream;
  let proxy: TcpProxy;
  let replicas: Replica[] = [];

  before(async () => {
    upstream = await startFakeUpstream({
      '/v1/chat/completions': {
        delayMs: 10,
        body: {
          id: 'up',
          object: 'chat.completion',
          created: 1,
          model: 'm',
          choices: [{ index: 0, message: { role: 'assistant', content: 'hi' }, finish_reason: 'stop' }],
          usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 },
        },
      },
    });
    upstream.recordRequests = false;
    proxy = await startTcpProxy({ host: '127.0.0.1', port: 5432 });
    const config = {
      server: { api_keys: [API_KEY] },
      store: {
        type: 'postgres',
        url: `postgres://postgres@127.0.0.1:${proxy.port}/test`,
        schema,
        pool_size: 4,
        application_name: applicationName,
        connect_timeout_ms: 1_000,
        commit_timeout_ms: 2_000,
        health_check_interval_ms: 500,
        spool_path: join(dir, 'spool-${TANDEM_REPLICA_ID}.db'),
      },
      cluster: { redis: { url: TEST_REDIS_URL, key_prefix: keyPrefix, command_timeout_ms: 5_000 } },
      audit: { replica_id: '${TANDEM_REPLICA_ID}' },
      models: { m: { provider: 'openai-compatible', base_url: `${upstream.url}/v1`, api_key: 'sk-up', locality: 'cloud', timeout_ms: 10_000 } },
      // The parts that came after the outage work also talk to PostgreSQL while it drops: a task route
      // (example capture, student training, the registry poll), an answer cache kept in the store, feedback.
      routes: {
        intents: { models: ['m'], task: { prompt_template: 'Intent: {input}', labels: ['hi', 'bye'], min_examples: 50, retrain_every: 200 } },
        cached: { models: ['m'], cache: { backend: 'store' } },
      },
    };
    const configPath = join(dir, 'tandem.yaml');
    writeFileSync(configPath, stringify(config));
    await query(`create schema ${schema}`);
    const starts = await Promise.allSettled(['a', 'b', 'c'].map((name) => startReplica({ name, configPath, env: { TANDEM_REPLICA_ID: `replica-${name}` } })));
    replicas = starts.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
    const failed = starts.find((s) => s.status === 'rejected');
    if (failed) throw failed.reason;
  });

  after(async () => {
    await Promise.all(replicas.map((r) => r.kill('SIGTERM')));
    await upstream?.close();
    await proxy?.close();
    await deleteKeys(keyPrefix);
    await schemas.dropAll();
    rmSync(dir, { recursive: true, force: true });
  });

  async function query<T extends pg.QueryResultRow>(text: string, params: unknown[] = []): Promise<T[]> {
    const client = new pg.Client({ connectionString: TEST_DATABASE_URL, application_name: 'tandem_chaos_observer' });
    await client.connect();
    try {
      return (await client.query<T>(text, params)).rows;
    } finally {
      await client.end();
    }
  }

  test('no replica exits, clients see 200 or a clean 503, and every 200 has its row after recovery', async () => {
    const statuses = new Map<number, number>();
    const answered: string[] = [];
    const unclean: string[] = [];
    let transportErrors = 0;
    let terminated = 0;
    let lastFaultAt = 0;
    const deadline = performance.now() + LOAD_MS;

    const load = Promise.all(
      Array.from({ length: CONCURRENCY }, async (_, w) => {
        for (let i = 0; performance.now() < deadline; i++) {
          const replica = replicas[(w + i) % replicas.length];
          if (!replica) throw new Error('no replica');
          try {
            const response = await fetch(`${replica.url}/v1/chat/completions`, {
              method: 'POST',
              headers: { 'content-type': 'application/json', authorization: `Bearer ${API_KEY}` },
              body: JSON.stringify(ROUTED[i % ROUTED.length]?.(w, i)),
            });
            const body = await response.text();
            statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
            if (response.status === 200) {
              const id = response.headers.get('x-request-id') ?? '';
              answered.push(id);
              // A rating of the answer just given: the feedback table is written during the outages too.
              if (i % 7 === 0) {
                const rated = await fetch(`${replica.url}/v1/feedback`, {
                  method: 'POST',
                  headers: { 'content-type': 'application/json', authorization: `Bearer ${API_KEY}` },
                  body: JSON.stringify({ request_id: id, score: 1 }),
                });
                const text = await rated.text();
                // A rating may find the row not yet replayed from the spool (404) or the store down (503).
                if (rated.status >= 500 && !/"code":"store_unavailable"/.test(text)) unclean.push(`feedback ${rated.status} ${text.slice(0, 200)}`);
              }
            } else if (response.status !== 503 || !/"code":"store_unavailable"/.test(body)) unclean.push(`${response.status} ${body.slice(0, 200)}`);
          } catch {
            transportErrors++;
            await sleep(50);
          }
        }
      }),
    );

    // The chaos: terminate every backend of the replicas each 1.5 s; twice, refuse connections for 3 s.
    const chaos = (async () => {
      const killer = new pg.Client({ connectionString: TEST_DATABASE_URL, application_name: 'tandem_chaos_killer' });
      await killer.connect();
      try {
        for (let round = 0; performance.now() < deadline - 3_000; round++) {
          await sleep(1_500);
          const { rows } = await killer.query<{ n: string }>(
            'select count(*) filter (where pg_terminate_backend(pid)) as n from pg_stat_activity where application_name = $1',
            [applicationName],
          );
          terminated += Number(rows[0]?.n ?? 0);
          lastFaultAt = performance.now();
          if (round === 3 || round === 8) {
            proxy.cut();
            await sleep(3_000);
            proxy.restore();
            lastFaultAt = performance.now();
          }
        }
      } finally {
        await killer.end();
      }
    })();

    await Promise.all([load, chaos]);
    const loadEnded = performance.now();
    const notReady = async (): Promise<number> =>
      (await Promise.all(replicas.map(async (r) => (await fetch(`${r.url}/readyz`)).status))).filter((s) => s !== 200).length;
    while ((await notReady()) > 0) {
      assert.ok(performance.now() - loadEnded < 30_000, 'every replica ready again within 30 s');
      await sleep(100);
    }
    const recoveryMs = performance.now() - loadEnded;
    const sinceLastFaultMs = performance.now() - lastFaultAt;

    const exited = replicas.filter((r) => r.exited).map((r) => `${r.name}:\n${r.output().slice(-2_000)}`);
    assert.deepEqual(exited, [], 'no replica exited');
    assert.deepEqual(unclean, [], 'only 200s and clean 503s');
    const rows = await query<{ id: string }>(`select id from ${schema}.requests where id = any($1)`, [answered]);
    const lost = answered.length - rows.length;
    const replayed = replicas.flatMap((r) => [...r.output().matchAll(/replayed (\d+) spooled entries/g)]).reduce((sum, m) => sum + Number(m[1]), 0);
    const total = [...statuses.values()].reduce((a, b) => a + b, 0);
    console.log(
      `# ${total} requests at c=${CONCURRENCY} over ${LOAD_MS / 1000} s on 3 replicas; statuses ${JSON.stringify(Object.fromEntries(statuses))}; ` +
        `transport errors ${transportErrors}; ${terminated} backends terminated, 2 connection refusals of 3 s; ` +
        `${answered.length} answered 200, ${rows.length} rows (${lost} lost); ${replayed} spooled entries replayed; ` +
        `all replicas ready ${Math.round(recoveryMs)} ms after the load ended, ${Math.round(sinceLastFaultMs)} ms after the last fault`,
    );
    assert.equal(transportErrors, 0, 'no connection to a replica failed');
    assert.equal(lost, 0, 'every request answered 200 has its row');
    assert.ok(terminated > 0);
  });

  test('`tandem serve` started while the database refuses connections waits, then comes up when it is back', async () => {
    const closed = await startTcpProxy({ host: '127.0.0.1', port: 5432 });
    closed.cut();
    const configPath = join(dir, 'late.yaml');
    writeFileSync(
      configPath,
      stringify({
        store: {
          type: 'postgres',
          url: `postgres://postgres@127.0.0.1:${closed.port}/test`,
          schema,
          connect_timeout_ms: 1_000,
          startup_max_backoff_ms: 1_000,
          spool_path: join(dir, 'late.db'),
        },
        models: { m: { provider: 'openai-compatible', base_url: `${upstream.url}/v1`, api_key: 'sk-up', locality: 'cloud' } },
      }),
    );
    const opened = setTimeout(() => closed.restore(), 8_000);
    let late: Replica | undefined;
    try {
      const started = performance.now();
      late = await startReplica({ name: 'late', configPath });
      const upMs = performance.now() - started;
      const tries = late.output().match(/waiting for PostgreSQL at 127\.0\.0\.1:\d+\/test: try \d+ of 30 failed/g) ?? [];
      console.log(`# tandem serve came up ${Math.round(upMs)} ms after starting, the database refused for the first 8 s; ${tries.length} tries logged`);
      assert.ok(tries.length >= 2, late.output());
      assert.ok(upMs >= 8_000);
      assert.equal((await fetch(`${late.url}/readyz`)).status, 200);
    } finally {
      clearTimeout(opened);
      await late?.kill('SIGTERM');
      await closed.close();
    }
  });
});
