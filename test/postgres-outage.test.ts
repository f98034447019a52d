/**
 * PostgreSQL going away under a running gateway (issue 15): its connections terminated mid-query (what a
 * restart or failover does), the network silently dropping packets, the database refusing connections,
 * and the database being down when the gateway starts. The process must stay up, answers must keep their
 * rows (through the spool, replayed on recovery), /readyz must follow the database, and clients must see
 * only 200s or a clean 503. The three-replica version at c=32 is test/chaos/postgres-outage.test.ts.
 *
 * Needs the real PostgreSQL on 127.0.0.1:5432; only backends with this file's own application_name are
 * terminated.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { startTcpProxy } from '../src/cluster/testing/tcp-proxy.js';
import { verifyAuditChain } from '../src/governance/audit-chain.js';
import { startFakeUpstream, type FakeUpstream } from '../src/providers/testing/fake-upstream.js';
import { openPostgresStore } from '../src/store/postgres/postgres-store.js';
import { postgresSkipReason, TEST_DATABASE_URL, testSchemas } from '../src/store/postgres/postgres-test-database.js';
import { startGateway, type Harness } from './helpers/gateway-harness.js';

const skip = await postgresSkipReason();
const schemas = testSchemas();
const dir = mkdtempSync(join(tmpdir(), 'tandem-pg-outage-'));
let upstream: FakeUpstream;
const uncaught: unknown[] = [];
const onUncaught = (error: unknown): void => void uncaught.push(error);

before(async () => {
  upstream = await startFakeUpstream({
    '/v1/chat/completions': {
      delayMs: 5,
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
  // An 'error' event nobody listens for becomes an uncaught exception: recorded here so the test can say so
  // (without this listener it would end the test process, which is the bug).
  process.on('uncaughtException', onUncaught);
});

after(async () => {
  process.off('uncaughtException', onUncaught);
  await upstream?.close();
  await schemas.dropAll();
  rmSync(dir, { recursive: true, force: true });
});

function storeConfig(o: { url?: string; applicationName: string; spool?: boolean; commitTimeoutMs?: number }): Record<string, unknown> {
  return {
    type: 'postgres',
    url: o.url ?? TEST_DATABASE_URL,
    schema: schemas.create(),
    pool_size: 4,
    application_name: o.applicationName,
    connect_timeout_ms: 1_000,
    commit_timeout_ms: o.commitTimeoutMs ?? 500,
    health_check_interval_ms: 200,
    spool: o.spool ?? true,
    spool_path: join(dir, `${o.applicationName}.spool.db`),
  };
}

function gatewayConfig(store: Record<string, unknown>): Parameters<typeof startGateway>[0] {
  return {
    store: store as Parameters<typeof startGateway>[0]['store'],
    models: { m: { provider: 'openai-compatible', base_url: `${upstream.url}/v1`, api_key: 'sk-up', locality: 'cloud', timeout_ms: 5_000 } },
  };
}

interface Outcome {
  status: number;
  id: string | null;
  body: string;
  ms: number;
}

async function chat(h: Harness, i: number): Promise<Outcome> {
  const started = performance.now();
  const response = await fetch(`${h.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'm', messages: [{ role: 'user', content: `question ${i}` }] }),
  });
  return { status: response.status, id: response.headers.get('x-request-id'), body: await response.text(), ms: performance.now() - started };
}

async function readyz(h: Harness): Promise<number> {
  return (await fetch(`${h.url}/readyz`)).status;
}

async function waitFor(what: string, check: () => Promise<boolean>, timeoutMs: number): Promise<number> {
  const started = performance.now();
  while (!(await check())) {
    if (performance.now() - started > timeoutMs) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await sleep(50);
  }
  return performance.now() - started;
}

async function rowsPresent(schema: string, ids: readonly string[]): Promise<Set<string>> {
  const client = new pg.Client({ connectionString: TEST_DATABASE_URL });
  await client.connect();
  try {
    const { rows } = await client.query<{ id: string }>(`select id from ${schema}.requests where id = any($1)`, [ids]);
    return new Set(rows.map((r) => r.id));
  } finally {
    await client.end();
  }
}

/** A 503 in OpenAI's shape that names no database internals. */
function assertClean503(outcome: Outcome): void {
  const body = JSON.parse(outcome.body) as { error: { type: string; code: string; message: string } };
  assert.equal(body.error.type, 'server_error');
  assert.equal(body.error.code, 'store_unavailable');
  assert.doesNotMatch(body.error.message, /postgres|database|connect|terminat|ECONN|127\.0\.0\.1/i);
}

describe('PostgreSQL outages under a running gateway', { skip, timeout: 120_000 }, () => {
  test("terminating the store's connections under load: no crash, 200s only, every answer has its row and the audit chains verify", async () => {
    const applicationName = `tandem_kill_${randomBytes(4).toString('hex')}`;
    const store = storeConfig({ applicationName });
    const h = await startGateway(gatewayConfig(store));
    const killer = new pg.Client({ connectionString: TEST_DATABASE_URL, application_name: 'tandem_test_killer' });
    await killer.connect();
    let terminated = 0;
    let killing = true;
    const kills = (async () => {
      while (killing) {
        const { rows } = await killer.query<{ n: string }>(
          'select count(*) filter (where pg_terminate_backend(pid)) as n from pg_stat_activity where application_name = $1',
          [applicationName],
        );
        terminated += Number(rows[0]?.n ?? 0);
        await sleep(100);
      }
    })();
    try {
      const outcomes: Outcome[] = [];
      let reads = 0;
      const deadline = performance.now() + 3_000;
      // 12 clients for 3 s, with dashboard-style reads on checked-out connections alongside.
      await Promise.all(
        Array.from({ length: 12 }, async (_, w) => {
          for (let i = 0; performance.now() < deadline; i++) {
            outcomes.push(await chat(h, w * 10_000 + i));
            if (i % 5 === 0) {
              reads++;
              await h.gateway.store.requestLog.recent({ limit: 5 }).catch((error: unknown) => {
                assert.equal((error as { status?: number }).status, 503, `a read failed with ${String(error)}`);
              });
            }
          }
        }),
      );
      killing = false;
      await kills;
      assert.ok(terminated >= 5, `terminated only ${terminated} backends`);
      assert.deepEqual(uncaught, [], 'no uncaught exception');
      const statuses = new Map<number, number>();
      for (const o of outcomes) statuses.set(o.status, (statuses.get(o.status) ?? 0) + 1);
      assert.deepEqual([...statuses.keys()], [200], `statuses: ${JSON.stringify([...statuses])}`);

      const recovery = await waitFor('/readyz back to 200', async () => (await readyz(h)) === 200, 10_000);
      const answered = outcomes.map((o) => o.id ?? '');
      const present = await rowsPresent(String(store.schema), answered);
      assert.equal(present.size, answered.length, `rows for ${present.size} of ${answered.length} answers`);
      for (const replicaId of await h.gateway.store.audit.replicas()) {
        const report = await verifyAuditChain({ log: h.gateway.store.audit, replicaId });
        assert.equal(report.broken, undefined, `chain ${replicaId}: ${JSON.stringify(report.broken)}`);
        assert.ok(report.records >= answered.length);
      }
      console.log(`# ${outcomes.length} answers, ${reads} reads, ${terminated} backends terminated; ready again ${Math.round(recovery)} ms after the load`);
    } finally {
      killing = false;
      await kills.catch(() => undefined);
      await killer.end();
      await h.close();
    }
  });

  test('a silently unreachable database: answers do not hang, /readyz turns 503, then 200 after recovery with every row', async () => {
    const proxy = await startTcpProxy({ host: '127.0.0.1', port: 5432 });
    const store = storeConfig({ url: `postgres://postgres@127.0.0.1:${proxy.port}/test`, applicationName: `tandem_bh_${randomBytes(4).toString('hex')}` });
    const h = await startGateway(gatewayConfig(store));
    try {
      const first = await chat(h, 0);
      assert.equal(first.status, 200);
      assert.equal(await readyz(h), 200);

      proxy.blackhole();
      const during = await Promise.all(Array.from({ length: 8 }, (_, i) => chat(h, i + 1)));
      assert.deepEqual(
        during.map((o) => o.status),
        Array(8).fill(200),
      );
      // commit_timeout_ms is 500: the answer waits that long for the commit, then the spool takes the row.
      for (const o of during) assert.ok(o.ms < 3_000, `an answer took ${Math.round(o.ms)} ms`);
      const notReady = await waitFor('/readyz 503 while the database is unreachable', async () => (await readyz(h)) === 503, 5_000);

      // The partition heals as a restart would: held connections are gone, new ones work.
      proxy.cut();
      proxy.restore();
      const ready = await waitFor('/readyz 200 after recovery', async () => (await readyz(h)) === 200, 10_000);
      const ids = [first, ...during].map((o) => o.id ?? '');
      assert.equal((await rowsPresent(String(store.schema), ids)).size, ids.length);
      console.log(`# not ready ${Math.round(notReady)} ms after the blackhole; ready ${Math.round(ready)} ms after recovery`);
    } finally {
      await h.close();
      await proxy.close();
    }
  });

  test('with the spool off, a refused database gives a clean 503 and the upstream is not called', async () => {
    const proxy = await startTcpProxy({ host: '127.0.0.1', port: 5432 });
    const store = storeConfig({
      url: `postgres://postgres@127.0.0.1:${proxy.port}/test`,
      applicationName: `tandem_off_${randomBytes(4).toString('hex')}`,
      spool: false,
      commitTimeoutMs: 5_000,
    });
    const h = await startGateway(gatewayConfig(store));
    try {
      assert.equal((await chat(h, 0)).status, 200);
      proxy.cut();
      // The first answer after the cut finds out: its upstream was called, its row cannot be kept.
      const first = await chat(h, 1);
      assert.equal(first.status, 503, first.body);
      assertClean503(first);
      await waitFor('/readyz 503', async () => (await readyz(h)) === 503, 5_000);
      upstream.recordRequests = true;
      const calls = upstream.requests.length;
      const refused = await chat(h, 2);
      assert.equal(refused.status, 503);
      assertClean503(refused);
      assert.equal(upstream.requests.length, calls, 'no upstream call for a request whose row could not be kept');
      proxy.restore();
      await waitFor('/readyz 200', async () => (await readyz(h)) === 200, 10_000);
      assert.equal((await chat(h, 3)).status, 200);
    } finally {
      upstream.recordRequests = false;
      await h.close();
      await proxy.close();
    }
  });

  test('start-up with the database down waits, one line per try, and opens once it is reachable', async () => {
    const proxy = await startTcpProxy({ host: '127.0.0.1', port: 5432 });
    proxy.cut();
    const lines: string[] = [];
    const started = performance.now();
    const opening = openPostgresStore({
      url: `postgres://postgres@127.0.0.1:${proxy.port}/test`,
      schema: schemas.create(),
      logBodies: false,
      connectTimeoutMs: 1_000,
      startupAttempts: 0,
      startupMaxBackoffMs: 1_000,
      log: (line) => lines.push(line),
    });
    try {
      await sleep(2_500);
      proxy.restore();
      const store = await opening;
      const ms = performance.now() - started;
      await store.close();
      const tries = lines.filter((l) => l.startsWith(`tandem: waiting for PostgreSQL at 127.0.0.1:${proxy.port}/test: try `));
      assert.ok(tries.length >= 2, lines.join('\n'));
      assert.ok(
        lines.some((l) => /is reachable \(try \d+\)/.test(l)),
        lines.join('\n'),
      );
      assert.ok(ms >= 2_500);
    } finally {
      await opening.then((s) => s.close()).catch(() => undefined);
      await proxy.close();
    }
  });
});
