/**
 * `npm run bench:stream`: what Tandem adds to a streamed answer, against the fake upstream directly and a
 * bare undici proxy that passes the stream through chunk by chunk. The upstream streams 16 words as
 * 20 SSE events (role, words, finish, usage, [DONE]), one per event-loop turn, so they arrive as
 * separate packets the way tokens do. Tandem serves the gateway bench's route and config (every default
 * on, bodies logged) with `stream: true` and `stream_options.include_usage`.
 * Reports, per target: time to the first body byte and to the last at concurrency 1 (p50, and added
 * over the upstream), requests/s at concurrency 32, and CPU time per request (from /proc).
 *   BENCH_SECONDS (8: each target's time at c=32, in BENCH_ROUNDS (3) interleaved slices),
 *   BENCH_LATENCY_REQUESTS (1500), BENCH_TANDEM_NODE_ARGS (extra node flags),
 *   BENCH_POLICIES and BENCH_CONFIG_EXTRA as in `npm run bench`.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Pool } from 'undici';
import { interleavedLatencies, interleavedThroughput, quantile } from './bench-load.js';
import { compileBenchServers, spawnServer, stopAll, type Target } from './bench-processes.js';
import { BENCH_STREAM_HEADERS as HEADERS, BENCH_STREAM_REQUEST_BODY as BODY, benchConfigYaml } from './servers/bench-config.js';

const LATENCY_REQUESTS = Number(process.env.BENCH_LATENCY_REQUESTS ?? 1_500);
const THROUGHPUT_SECONDS = Number(process.env.BENCH_SECONDS ?? 8);
const THROUGHPUT_ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const EXPECTED_TEXT = 'The answer to life, the universe and everything is 42, as Deep Thought computed long ago.';

/** First-byte times of the latest concurrency-1 run, one per request, beside the totals `send` returns. */
let firstBytes: number[] = [];

async function send(pool: Pool): Promise<number> {
  const started = performance.now();
  const res = await pool.request({ method: 'POST', path: '/v1/chat/completions', headers: HEADERS, body: BODY });
  if (res.statusCode !== 200) throw new Error(`status ${res.statusCode}: ${await res.body.text()}`);
  let first = true;
  for await (const _chunk of res.body) {
    if (first) firstBytes.push(performance.now() - started);
    first = false;
  }
  return performance.now() - started;
}

/** The streamed text a target answers with, to check every target really streams the whole answer. */
async function streamedText(target: Target): Promise<string> {
  const response = await fetch(`${target.origin}/v1/chat/completions`, { method: 'POST', headers: HEADERS, body: BODY });
  let text = '';
  for (const line of (await response.text()).split('\n')) {
    if (!line.startsWith('data: {')) continue;
    const chunk = JSON.parse(line.slice(6)) as { choices: Array<{ delta: { content?: string } }> };
    text += chunk.choices[0]?.delta.content ?? '';
  }
  return text;
}

const dir = mkdtempSync(join(tmpdir(), 'tandem-bench-stream-'));
const servers = compileBenchServers();
const upstream = await spawnServer('upstream', [join(servers, 'upstream-server.js')]);
const configPath = join(dir, 'tandem.yaml');
const config = benchConfigYaml({ upstreamUrl: upstream.origin, dbPath: join(dir, 'bench.db'), policies: process.env.BENCH_POLICIES });
writeFileSync(configPath, config + (process.env.BENCH_CONFIG_EXTRA ?? ''));
const proxy = await spawnServer('bare proxy', [join(servers, 'bare-proxy.js'), upstream.origin]);
const tandemNodeArgs = (process.env.BENCH_TANDEM_NODE_ARGS ?? '').split(' ').filter(Boolean);
const tandem = await spawnServer('tandem', [...tandemNodeArgs, 'dist/cli/main.js', 'serve', '--config', configPath, '--port', '0']);
const targets = [upstream, proxy, tandem];
console.log(
  `${new Date().toISOString()}  node ${process.version}  load average ${loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}`,
);

try {
  for (const target of targets) {
    const text = await streamedText(target);
    if (text !== EXPECTED_TEXT) throw new Error(`${target.name} streamed ${JSON.stringify(text)}`);
  }
  const firsts: Record<string, number[]> = {};
  const sequential = await interleavedLatencies(targets, send, {
    count: LATENCY_REQUESTS,
    rounds: 3,
    afterSlice: (target, measured) => {
      (firsts[target.name] ??= []).push(...firstBytes.slice(-measured.length));
      firstBytes = [];
    },
  });
  const totals: Record<string, number[]> = Object.fromEntries(Object.entries(sequential).map(([name, s]) => [name, s.latencies]));
  const c32 = await interleavedThroughput(targets, send, { concurrency: 32, seconds: THROUGHPUT_SECONDS, rounds: THROUGHPUT_ROUNDS });
  firstBytes = [];

  const p50 = (name: string, of: Record<string, number[]>): number => quantile(of[name] ?? [], 0.5);
  console.log('| target | first byte p50 ms | added | last byte p50 ms | added | CPU µs/req (c=1) | c=32 last byte p50 ms | c=32 req/s | CPU µs/req (c=32) |');
  console.log('|---|---|---|---|---|---|---|---|---|');
  for (const target of targets) {
    const added = (of: Record<string, number[]>): string => (target === upstream ? '-' : (p50(target.name, of) - p50(upstream.name, of)).toFixed(3));
    const l32 = c32[target.name] ?? { rps: NaN, latencies: [] };
    console.log(
      `| ${target.name} | ${p50(target.name, firsts).toFixed(3)} | ${added(firsts)} | ${p50(target.name, totals).toFixed(3)} | ${added(totals)} | ${(sequential[target.name]?.cpuPerRequest ?? NaN).toFixed(0)} | ${quantile(l32.latencies, 0.5).toFixed(2)} | ${l32.rps.toFixed(0)} | ${(c32[target.name]?.cpuPerRequest ?? NaN).toFixed(0)} |`,
    );
  }
  const ratio = (100 * (c32.tandem?.rps ?? NaN)) / (c32['bare proxy']?.rps ?? NaN);
  console.log(
    `\nTandem vs bare proxy, streamed: first byte +${(p50('tandem', firsts) - p50('bare proxy', firsts)).toFixed(3)} ms, last byte +${(p50('tandem', totals) - p50('bare proxy', totals)).toFixed(3)} ms at c=1; req/s at c=32 ${ratio.toFixed(1)}% of the proxy`,
  );
} finally {
  await stopAll([tandem, proxy, upstream]);
  rmSync(dir, { recursive: true, force: true });
}
