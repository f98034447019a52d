/**
 * `npm run bench:peers`: Tandem beside the gateway a user would pick instead, in one run, on one fake
 * upstream, with one load generator: the upstream directly, a bare undici proxy, the minimal gateway (the
 * floor of the logging contract, bench/servers/minimal-gateway.ts), Tandem with every default on (SQLite,
 * bodies logged, privacy, budget, audit, metrics; bench/servers/bench-config.ts) and Portkey's open-source
 * gateway (`@portkey-ai/gateway`, installed into a cache directory on first use: bench/peer-install.ts).
 *
 * Each target runs in its own process; slices are interleaved (every target, then again) so load from other
 * jobs on the machine hits every target alike. For whole and streamed answers it reports p50/p99 at c=1 and
 * c=32, req/s at c=32, CPU µs per request (user + system from /proc) and RSS, then Tandem's ratios against
 * issue 22's targets.
 *   BENCH_SECONDS (9: each target's time at c=32 per mode, in BENCH_ROUNDS (3) slices),
 *   BENCH_LATENCY_REQUESTS (1500 per target and mode at c=1), BENCH_MODES ("whole,stream"),
 *   BENCH_TANDEM_NODE_ARGS (extra node flags for Tandem, e.g. --cpu-prof), TANDEM_BENCH_CACHE.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Pool } from 'undici';
import { interleavedLatencies, interleavedThroughput, quantile, type SendRequest } from './bench-load.js';
import { compileBenchServers, rssMb, spawnServer, stopAll, type Target } from './bench-processes.js';
import { ensurePortkey, PORTKEY_VERSION, spawnPortkey } from './peer-install.js';
import { BENCH_REQUEST_BODY, BENCH_STREAM_HEADERS, BENCH_STREAM_REQUEST_BODY, benchConfigYaml } from './servers/bench-config.js';

const LATENCY_REQUESTS = Number(process.env.BENCH_LATENCY_REQUESTS ?? 1_500);
const THROUGHPUT_SECONDS = Number(process.env.BENCH_SECONDS ?? 9);
const THROUGHPUT_ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const MODES = (process.env.BENCH_MODES ?? 'whole,stream').split(',').map((m) => m.trim()) as Array<'whole' | 'stream'>;
const EXPECTED_STREAM_TEXT = 'The answer to life, the universe and everything is 42, as Deep Thought computed long ago.';

type Mode = 'whole' | 'stream';

/** A request as one target takes it: its path, headers and body for a mode. */
interface Wire {
  headers: Record<string, string>;
  body: string;
}

function sender(wire: Wire, mode: Mode): SendRequest {
  return async (pool: Pool): Promise<number> => {
    const started = performance.now();
    const res = await pool.request({ method: 'POST', path: '/v1/chat/completions', headers: wire.headers, body: wire.body });
    if (res.statusCode !== 200) throw new Error(`status ${res.statusCode}: ${(await res.body.text()).slice(0, 300)}`);
    if (mode === 'whole') await res.body.arrayBuffer();
    else for await (const _chunk of res.body);
    return performance.now() - started;
  };
}

/** What every target but Portkey is sent: the gateway bench's request (the fake upstream ignores `model`). */
function ownWire(mode: Mode): Wire {
  return mode === 'whole'
    ? { headers: { 'content-type': 'application/json' }, body: BENCH_REQUEST_BODY }
    : { headers: BENCH_STREAM_HEADERS, body: BENCH_STREAM_REQUEST_BODY };
}

/** Portkey's way to reach an OpenAI-compatible upstream: its provider and custom-host headers. */
function portkeyWire(mode: Mode, upstreamOrigin: string): Wire {
  const body = JSON.parse(mode === 'whole' ? BENCH_REQUEST_BODY : BENCH_STREAM_REQUEST_BODY) as Record<string, unknown>;
  return {
    headers: {
      'content-type': 'application/json',
      ...(mode === 'stream' ? { accept: 'text/event-stream' } : {}),
      authorization: 'Bearer sk-bench',
      'x-portkey-provider': 'openai',
      'x-portkey-custom-host': `${upstreamOrigin}/v1`,
    },
    body: JSON.stringify({ ...body, model: 'bench-model' }),
  };
}

/** Checks a target answers the mode correctly before it is timed (a gateway that errors fast would win). */
async function check(target: Target, wire: Wire, mode: Mode): Promise<void> {
  const response = await fetch(`${target.origin}/v1/chat/completions`, { method: 'POST', headers: wire.headers, body: wire.body });
  const text = await response.text();
  if (response.status !== 200) throw new Error(`${target.name} (${mode}) answered ${response.status}: ${text.slice(0, 300)}`);
  if (mode === 'whole') {
    const content = (JSON.parse(text) as { choices?: Array<{ message?: { content?: string } }> }).choices?.[0]?.message?.content;
    if (content !== 'The answer is 42.') throw new Error(`${target.name} answered ${JSON.stringify(content)}`);
    return;
  }
  let streamed = '';
  for (const line of text.split('\n')) {
    if (!line.startsWith('data: {')) continue;
    const chunk = JSON.parse(line.slice(6)) as { choices?: Array<{ delta?: { content?: string } }> };
    streamed += chunk.choices?.[0]?.delta?.content ?? '';
  }
  if (streamed !== EXPECTED_STREAM_TEXT) throw new Error(`${target.name} streamed ${JSON.stringify(streamed)}`);
}

interface Row {
  target: string;
  mode: Mode;
  c1p50: number;
  c1p99: number;
  c32p50: number;
  c32p99: number;
  rps: number;
  cpu32: number;
  rss: number;
}

// Portkey forwards `accept: */*` and asks for a stream only in the body: the fake upstream reads it there too.
process.env.BENCH_UPSTREAM_STREAM_ON_BODY = '1';
const dir = mkdtempSync(join(tmpdir(), 'tandem-bench-peers-'));
const portkeyEntry = ensurePortkey();
const servers = compileBenchServers();
const upstream = await spawnServer('upstream', [join(servers, 'upstream-server.js')]);
const configPath = join(dir, 'tandem.yaml');
writeFileSync(configPath, benchConfigYaml({ upstreamUrl: upstream.origin, dbPath: join(dir, 'bench.db') }));
const proxy = await spawnServer('bare proxy', [join(servers, 'bare-proxy.js'), upstream.origin]);
const minimal = await spawnServer('minimal gateway', [join(servers, 'minimal-gateway.js'), upstream.origin, join(dir, 'minimal.db')]);
const tandemNodeArgs = (process.env.BENCH_TANDEM_NODE_ARGS ?? '').split(' ').filter(Boolean);
const tandem = await spawnServer('tandem', [...tandemNodeArgs, 'dist/cli/main.js', 'serve', '--config', configPath, '--port', '0']);
const portkey = await spawnPortkey(portkeyEntry);
const all = [upstream, proxy, minimal, tandem, portkey];

console.log(
  `${new Date().toISOString()}  node ${process.version}  ${cpus().length} cores  load average ${loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}  portkey ${PORTKEY_VERSION}`,
);

const rows: Row[] = [];
try {
  for (const mode of MODES) {
    // The minimal gateway has no streaming path: it is the floor of whole answers only.
    const candidates = mode === 'whole' ? all : all.filter((t) => t !== minimal);
    const targets: Target[] = [];
    const senders = new Map<string, SendRequest>();
    for (const target of candidates) {
      const wire = target === portkey ? portkeyWire(mode, upstream.origin) : ownWire(mode);
      try {
        await check(target, wire, mode);
      } catch (error) {
        // A peer that cannot serve the mode is reported, not timed; Tandem and the baselines must serve it.
        if (target !== portkey) throw error;
        console.log(`${target.name} left out of the ${mode} run: ${error instanceof Error ? error.message : String(error)}`);
        continue;
      }
      targets.push(target);
      senders.set(target.name, sender(wire, mode));
    }
    const c1 = await interleavedLatencies(targets, senders, { count: LATENCY_REQUESTS, rounds: 3 });
    const c32 = await interleavedThroughput(targets, senders, { concurrency: 32, seconds: THROUGHPUT_SECONDS, rounds: THROUGHPUT_ROUNDS });
    for (const target of targets) {
      const l1 = c1[target.name]?.latencies ?? [];
      const l32 = c32[target.name];
      rows.push({
        target: target.name,
        mode,
        c1p50: quantile(l1, 0.5),
        c1p99: quantile(l1, 0.99),
        c32p50: quantile(l32?.latencies ?? [], 0.5),
        c32p99: quantile(l32?.latencies ?? [], 0.99),
        rps: l32?.rps ?? Number.NaN,
        cpu32: l32?.cpuPerRequest ?? Number.NaN,
        rss: rssMb(target.process.pid ?? 0),
      });
    }
  }
} finally {
  await stopAll(all);
  rmSync(dir, { recursive: true, force: true });
}

console.log('\n| target | mode | c=1 p50 ms | c=1 p99 ms | c=32 p50 ms | c=32 p99 ms | c=32 req/s | CPU µs/req (c=32) | RSS MB |');
console.log('|---|---|---|---|---|---|---|---|---|');
for (const r of rows)
  console.log(
    `| ${r.target} | ${r.mode} | ${r.c1p50.toFixed(3)} | ${r.c1p99.toFixed(3)} | ${r.c32p50.toFixed(2)} | ${r.c32p99.toFixed(2)} | ${r.rps.toFixed(0)} | ${r.cpu32.toFixed(0)} | ${r.rss.toFixed(1)} |`,
  );

const find = (target: string, mode: Mode): Row | undefined => rows.find((r) => r.target === target && r.mode === mode);
const verdict = (ok: boolean): string => (ok ? 'met' : 'MISSED');
console.log('\nIssue 22 targets (every default on):');
for (const mode of MODES) {
  const t = find('tandem', mode);
  const p = find('portkey', mode);
  const proxyRow = find('bare proxy', mode);
  if (!t || !p || !proxyRow) continue;
  const rpsRatio = t.rps / p.rps;
  const p99Ratio = t.c32p99 / p.c32p99;
  const cpuRatio = t.cpu32 / p.cpu32;
  const added = t.c1p50 - proxyRow.c1p50;
  console.log(`  ${mode}: req/s at c=32 ${rpsRatio.toFixed(2)}x Portkey's (target ≥ 5x: ${verdict(rpsRatio >= 5)})`);
  console.log(`  ${mode}: p99 at c=32 ${p99Ratio.toFixed(2)}x Portkey's (target ≤ 0.5x: ${verdict(p99Ratio <= 0.5)})`);
  console.log(`  ${mode}: CPU per request ${cpuRatio.toFixed(2)}x Portkey's (target ≤ 0.2x: ${verdict(cpuRatio <= 0.2)})`);
  console.log(`  ${mode}: added p50 at c=1 over the bare proxy ${added.toFixed(3)} ms (target ≤ 0.3 ms: ${verdict(added <= 0.3)})`);
  const m = find('minimal gateway', mode);
  if (m) {
    const vsMinimal = t.cpu32 / m.cpu32;
    console.log(`  ${mode}: CPU per request ${vsMinimal.toFixed(2)}x the minimal gateway's (target ≤ 2.0x: ${verdict(vsMinimal <= 2)})`);
  }
}
