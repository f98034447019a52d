/**
 * `npx tsx bench/upstream-client.ts`: the CPU an upstream call costs the gateway's side, by undici API.
 * Against the fake upstream on loopback, 32 calls in flight, alternating in rounds:
 *   JSON:   `request` + `body.text()`  vs  dispatchText (src/providers/http/dispatch-text.ts, what
 *           the gateway's JSON calls use)
 *   stream: `request` + `for await` over the body (what the gateway's streams use)  vs  a bare
 *           `dispatch` handler that only counts the chunks (the floor of any handler-based reader)
 * CPU time of this process per call (process.cpuUsage), median of the rounds. Decided
 * docs/decisions/gateway-hot-path-performance.md, section 12.
 *   BENCH_ROUNDS (8), BENCH_CALLS (JSON calls per round and API, 20000; streams get a quarter)
 */
import { EventEmitter } from 'node:events';
import { join } from 'node:path';
import { Pool } from 'undici';
import { dispatchText } from '../src/providers/http/dispatch-text.js';
import { compileBenchServers, spawnServer, stopAll } from './bench-processes.js';
import { quantile } from './bench-load.js';
import { BENCH_REQUEST_BODY, BENCH_STREAM_HEADERS as STREAM_HEADERS } from './servers/bench-config.js';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 8);
const CALLS = Number(process.env.BENCH_CALLS ?? 20_000);
const PATH = '/v1/chat/completions';
const JSON_HEADERS = { 'content-type': 'application/json', accept: 'application/json' };

const upstream = await spawnServer('upstream', [join(compileBenchServers(), 'upstream-server.js')]);
const pool = new Pool(upstream.origin, { connections: 32 });
// Shared by every call in flight, each adding its listener for the call's duration.
const neverAborts = Object.assign(new EventEmitter().setMaxListeners(0), { aborted: false, reason: undefined });

const variants: Record<string, () => Promise<unknown>> = {
  'JSON, request + body.text()': async () => {
    const response = await pool.request({ path: PATH, method: 'POST', headers: JSON_HEADERS, body: BENCH_REQUEST_BODY });
    return JSON.parse(await response.body.text()) as unknown;
  },
  'JSON, dispatchText': async () => {
    const response = await dispatchText(pool, { path: PATH, method: 'POST', headers: JSON_HEADERS, body: BENCH_REQUEST_BODY }, neverAborts, 65_536);
    return JSON.parse(response.text) as unknown;
  },
  'stream, request + for await': async () => {
    const response = await pool.request({ path: PATH, method: 'POST', headers: STREAM_HEADERS, body: BENCH_REQUEST_BODY });
    let bytes = 0;
    for await (const chunk of response.body as AsyncIterable<Buffer>) bytes += chunk.length;
    return bytes;
  },
  'stream, bare dispatch handler': () =>
    new Promise((resolve, reject) => {
      let bytes = 0;
      pool.dispatch(
        { path: PATH, method: 'POST', headers: STREAM_HEADERS, body: BENCH_REQUEST_BODY },
        {
          onRequestStart() {},
          onResponseStart() {},
          onResponseData: (_controller, chunk) => void (bytes += chunk.length),
          onResponseEnd: () => resolve(bytes),
          onResponseError: (_controller, error) => reject(error),
        },
      );
    }),
};

async function cpuPerCall(call: () => Promise<unknown>, calls: number): Promise<number> {
  let left = calls;
  const before = process.cpuUsage();
  await Promise.all(
    Array.from({ length: 32 }, async () => {
      while (left-- > 0) await call();
    }),
  );
  const used = process.cpuUsage(before);
  return (used.user + used.system) / calls;
}

const samples: Record<string, number[]> = {};
try {
  for (let round = 0; round < ROUNDS; round++) {
    const names = Object.keys(variants);
    // Alternate the order within each pair so drift in the machine's speed hits both alike.
    if (round % 2 === 1) names.reverse();
    for (const name of names) {
      const calls = name.startsWith('stream') ? Math.ceil(CALLS / 4) : CALLS;
      (samples[name] ??= []).push(await cpuPerCall(variants[name]!, calls));
    }
  }
  console.log(`| upstream call (32 in flight) | CPU µs per call, median of ${ROUNDS} rounds | range |\n|---|---|---|`);
  for (const [name, values] of Object.entries(samples)) {
    console.log(`| ${name} | ${quantile(values, 0.5).toFixed(1)} | ${Math.min(...values).toFixed(1)}–${Math.max(...values).toFixed(1)} |`);
  }
} finally {
  await pool.close();
  await stopAll([upstream]);
}
