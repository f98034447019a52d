/**
 * Requests/s of one replica in the scale-out setup (PostgreSQL store, Redis counters, a budget and a rate
 * limit on every request) against a single node (SQLite, no limits) measured in the same run, both as
 * `tandem serve` processes in front of the same fake upstream.
 *
 *   npm run bench:redis-replica [-- --seconds 6 --concurrency 32]
 *
 * Non-streaming chat requests over keep-alive undici connections; the replicas run through tsx, as the
 * tests run them. Needs PostgreSQL (127.0.0.1:5432, db `test`) and Redis (127.0.0.1:6379).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { Pool } from 'undici';
import { stringify } from 'yaml';
import { deleteKeys, TEST_REDIS_URL, testKeyPrefix } from '../src/cluster/testing/redis-for-tests.js';
import { startFakeUpstream } from '../src/providers/testing/fake-upstream.js';
import { TEST_DATABASE_URL, testSchemas } from '../src/store/postgres/postgres-test-database.js';
import { echoResponder } from '../test/helpers/openai-upstream.js';
import { startReplica } from '../test/helpers/replica-process.js';

const { values } = parseArgs({ options: { seconds: { type: 'string', default: '6' }, concurrency: { type: 'string', default: '32' } } });
const seconds = Number(values.seconds);
const concurrency = Number(values.concurrency);
const API_KEY = 'sk-bench-replica';

async function load(origin: string): Promise<{ rps: number; medianMs: number; errors: number }> {
  const pool = new Pool(origin, { connections: concurrency });
  const latencies: number[] = [];
  let errors = 0;
  let i = 0;
  const until = performance.now() + seconds * 1000;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < until) {
        const started = performance.now();
        const body = JSON.stringify({ model: 'cloud', max_tokens: 32, user: `u${i++ % 1000}`, messages: [{ role: 'user', content: 'What is 2+2?' }] });
        const response = await pool.request({
          path: '/v1/chat/completions',
          method: 'POST',
          body,
          headers: { 'content-type': 'application/json', authorization: `Bearer ${API_KEY}` },
        });
        await response.body.text();
        if (response.statusCode === 200) latencies.push(performance.now() - started);
        else errors++;
      }
    }),
  );
  await pool.close();
  latencies.sort((a, b) => a - b);
  return { rps: latencies.length / seconds, medianMs: latencies[Math.floor(latencies.length / 2)] ?? Number.NaN, errors };
}

const dir = mkdtempSync(join(tmpdir(), 'tandem-bench-replica-'));
const upstream = await startFakeUpstream({ '/v1/chat/completions': echoResponder() });
upstream.recordRequests = false;
const schemas = testSchemas();
const schema = schemas.create();
const keyPrefix = testKeyPrefix();
const cloud = { provider: 'openai-compatible', base_url: `${upstream.url}/v1`, locality: 'cloud', pricing: { input_per_1m: 1, output_per_1m: 2 } };
const setups = {
  'single node (SQLite, no limits)': { server: { api_keys: [API_KEY] }, store: { type: 'sqlite', path: join(dir, 'single.db') }, models: { cloud } },
  'PostgreSQL, no limits, no audit': {
    server: { api_keys: [API_KEY] },
    store: { type: 'postgres', url: TEST_DATABASE_URL, schema },
    audit: { enabled: false },
    models: { cloud },
  },
  'PostgreSQL + Redis limits, no audit': {
    server: { api_keys: [API_KEY] },
    store: { type: 'postgres', url: TEST_DATABASE_URL, schema },
    cluster: { redis: { url: TEST_REDIS_URL, key_prefix: keyPrefix } },
    limits: { per_key: { spend_per_day: 1e6, tokens_per_minute: 1e9 }, per_user: { requests_per_minute: 1e6 } },
    audit: { enabled: false },
    models: { cloud },
  },
  'replica (PostgreSQL + Redis limits + audit chain)': {
    server: { api_keys: [API_KEY] },
    store: { type: 'postgres', url: TEST_DATABASE_URL, schema },
    cluster: { redis: { url: TEST_REDIS_URL, key_prefix: keyPrefix } },
    limits: { per_key: { spend_per_day: 1e6, tokens_per_minute: 1e9 }, per_user: { requests_per_minute: 1e6 } },
    audit: { replica_id: 'bench' },
    models: { cloud },
  },
};
const client = new pg.Client({ connectionString: TEST_DATABASE_URL });
await client.connect();
await client.query(`create schema ${schema}`);
await client.end();
try {
  console.log(`non-streaming chat, concurrency ${concurrency}, ${seconds} s each`);
  for (const [label, config] of Object.entries(setups)) {
    const configPath = join(dir, `setup-${Object.keys(setups).indexOf(label)}.yaml`);
    writeFileSync(configPath, stringify(config));
    const replica = await startReplica({ name: label, configPath });
    try {
      await load(replica.url); // warm-up run, discarded
      const result = await load(replica.url);
      console.log(`${label.padEnd(52)} ${result.rps.toFixed(0).padStart(6)} req/s  median ${result.medianMs.toFixed(1)} ms  errors ${result.errors}`);
    } finally {
      await replica.kill('SIGTERM');
    }
  }
} finally {
  await upstream.close();
  await deleteKeys(keyPrefix);
  await schemas.dropAll();
  rmSync(dir, { recursive: true, force: true });
}
