/**
 * Cost of RequestLog.append, the one store call on the response's critical path.
 *
 *   npx tsx bench/store-append.ts [--n 10000]
 *   npx tsx bench/store-append.ts --store memory [--max-requests 100000] [--n 10000]
 *
 * Each append is awaited and timed on its own (as the gateway does). SQLite: against a fresh database
 * file in a temp directory, WAL mode, synchronous=NORMAL, i.e. durable against the process being killed.
 * Memory: a store already holding `--max-requests` requests, so every timed append also forgets the oldest.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { makeRecord } from '../src/store/request-log.contract.js';
import { createMemoryStore } from '../src/store/memory/memory-store.js';
import type { Store } from '../src/store/request-log.js';
import { openSqliteStore } from '../src/store/sqlite/sqlite-store.js';

const { values } = parseArgs({
  options: { n: { type: 'string', default: '10000' }, store: { type: 'string', default: 'sqlite' }, 'max-requests': { type: 'string', default: '100000' } },
});
const n = Number(values.n);
if (!Number.isInteger(n) || n <= 0) throw new Error(`--n must be a positive integer, got ${values.n}`);
if (values.store !== 'sqlite' && values.store !== 'memory') throw new Error(`--store must be sqlite or memory, got ${values.store}`);
const maxRequests = Number(values['max-requests']);
if (!Number.isInteger(maxRequests) || maxRequests <= 0) throw new Error(`--max-requests must be a positive integer, got ${values['max-requests']}`);

// Bodies the size of a typical short chat exchange.
const requestBody = JSON.stringify({
  model: 'tandem/chat',
  messages: [{ role: 'user', content: 'Explain the difference between a process and a thread. '.repeat(30) }],
});
const responseBody = JSON.stringify({ choices: [{ message: { role: 'assistant', content: 'A process… '.repeat(80) } }] });

interface Result {
  label: string;
  medianUs: number;
  p99Us: number;
  p999Us: number;
  maxUs: number;
  meanUs: number;
}

async function measure(label: string, options: { logBodies: boolean; withBodies: boolean }): Promise<Result> {
  const dir = mkdtempSync(join(tmpdir(), 'tandem-bench-'));
  const store: Store =
    values.store === 'memory'
      ? createMemoryStore({ logBodies: options.logBodies, maxRequests })
      : await openSqliteStore({ path: join(dir, 'bench.db'), logBodies: options.logBodies });
  try {
    const bodies = options.withBodies ? { requestBody, responseBody } : { requestBody: null, responseBody: null };
    // Warm up the prepared statement and the page cache; fill the memory store to its limit.
    const warm = values.store === 'memory' ? maxRequests : 500;
    for (let i = 0; i < warm; i++) await store.requestLog.append(makeRecord({ id: `warm-${i}`, time: i, ...bodies }));
    const samples = new Float64Array(n);
    const start = Date.now();
    for (let i = 0; i < n; i++) {
      const record = makeRecord({ id: `r-${i}`, time: start + i, ...bodies });
      const t0 = process.hrtime.bigint();
      await store.requestLog.append(record);
      samples[i] = Number(process.hrtime.bigint() - t0) / 1_000;
    }
    samples.sort();
    const at = (q: number): number => samples[Math.min(n - 1, Math.floor(q * n))] ?? Number.NaN;
    const mean = samples.reduce((a, b) => a + b, 0) / n;
    return { label, medianUs: at(0.5), p99Us: at(0.99), p999Us: at(0.999), maxUs: at(1), meanUs: mean };
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

const results = [
  await measure('no bodies', { logBodies: false, withBodies: false }),
  await measure(`bodies (${requestBody.length} + ${responseBody.length} chars)`, { logBodies: true, withBodies: true }),
  await measure('bodies present, log_bodies off', { logBodies: false, withBodies: true }),
];
const us = (v: number): string => `${v.toFixed(1).padStart(7)} µs`;
const what = values.store === 'memory' ? `Memory store append (full at max_requests ${maxRequests})` : 'SQLite append';
console.log(`${what}, ${n} sequential awaited appends each, node ${process.version}`);
for (const r of results) {
  console.log(
    [r.label.padEnd(36), `median ${us(r.medianUs)}`, `p99 ${us(r.p99Us)}`, `p99.9 ${us(r.p999Us)}`, `max ${us(r.maxUs)}`, `mean ${us(r.meanUs)}`].join('  '),
  );
}
