/**
 * Rows per second the PostgreSQL request log absorbs, and what each append costs the request awaiting
 * it, with several replicas writing at once.
 *
 *   npm run bench:pg-append -- [--replicas 3] [--concurrency 32] [--seconds 10] [--url postgres://…]
 *
 * Each replica is its own store (its own pool), as separate processes would be, with `concurrency`
 * requests in flight that each append one row and await it, like the gateway before its last byte.
 * Three configurations run in one process, one after the other, on fresh schemas: group commit (the
 * default), group commit with the rollup triggers disabled (their cost), and one row per INSERT (what group
 * commit buys). Rows carry ~1 KB bodies, like a short chat with log_bodies on.
 */
import { parseArgs } from 'node:util';
import pg from 'pg';
import { makeRecord } from '../src/store/request-log.contract.js';
import type { Store } from '../src/store/request-log.js';
import { openPostgresStore } from '../src/store/postgres/postgres-store.js';

const { values } = parseArgs({
  options: {
    replicas: { type: 'string', default: '3' },
    concurrency: { type: 'string', default: '32' },
    seconds: { type: 'string', default: '10' },
    url: { type: 'string', default: process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test' },
  },
});
const replicas = Number(values.replicas);
const concurrency = Number(values.concurrency);
const seconds = Number(values.seconds);
const url = values.url;

const requestBody = JSON.stringify({ model: 'tandem/auto', messages: [{ role: 'user', content: 'How do I rotate a key? '.repeat(20) }] });
const responseBody = JSON.stringify({ choices: [{ message: { role: 'assistant', content: 'Rotate it by… '.repeat(40) } }] });

interface Result {
  config: string;
  rows: number;
  rowsPerSecond: number;
  appendMedianMs: number;
  appendP99Ms: number;
}

async function run(config: string, setup: { maxBatch?: number; triggers: boolean }): Promise<Result> {
  const schema = `tandem_bench_append_${process.pid}`;
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  await admin.query(`drop schema if exists ${schema} cascade`);
  const stores: Store[] = [];
  for (let i = 0; i < replicas; i++) {
    stores.push(
      await openPostgresStore({
        url,
        schema,
        logBodies: true,
        poolSize: 4,
        ...(setup.maxBatch === undefined ? {} : { groupCommit: { maxBatch: setup.maxBatch, maxInFlight: 4 } }),
      }),
    );
  }
  if (!setup.triggers) await admin.query(`alter table ${schema}.requests disable trigger user`);

  const latencies: number[] = [];
  let next = 0;
  const deadline = performance.now() + seconds * 1000;
  const worker = async (store: Store): Promise<void> => {
    while (performance.now() < deadline) {
      const id = next++;
      const started = performance.now();
      await store.requestLog.append(
        makeRecord({ id: `b${id}`, time: Date.now(), route: id % 3 === 0 ? 'tandem/code' : 'tandem/auto', requestBody, responseBody }),
      );
      latencies.push(performance.now() - started);
    }
  };
  const began = performance.now();
  await Promise.all(stores.flatMap((store) => Array.from({ length: concurrency }, () => worker(store))));
  const elapsed = (performance.now() - began) / 1000;
  for (const store of stores) await store.close();
  const { rows } = await admin.query<{ n: string }>(`select count(*) as n from ${schema}.requests`);
  await admin.query(`drop schema ${schema} cascade`);
  await admin.end();
  if (Number(rows[0]?.n) !== latencies.length) throw new Error(`appended ${latencies.length} rows, found ${rows[0]?.n}`);
  latencies.sort((a, b) => a - b);
  const pick = (q: number): number => Number((latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? 0).toFixed(2));
  return { config, rows: latencies.length, rowsPerSecond: Math.round(latencies.length / elapsed), appendMedianMs: pick(0.5), appendP99Ms: pick(0.99) };
}

const results = [
  await run('group commit (default)', { triggers: true }),
  await run('group commit, rollup triggers off', { triggers: false }),
  await run('one row per INSERT', { maxBatch: 1, triggers: true }),
];
console.log(`${replicas} replicas x ${concurrency} concurrent appenders, ${seconds} s each`);
console.table(results);
