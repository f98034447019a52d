/**
 * `npm run bench`: what Tandem adds on top of an upstream, measured in one run against three baselines.
 *   (a) the fake upstream directly, (b) a bare undici proxy with no logic, (c) a minimal gateway that only
 *   parses, re-encodes and commits one SQLite row with both bodies before answering (the floor of issue 2's
 *   logging contract, servers/minimal-gateway.ts), (d) Tandem on a route with policies (privacy,
 *   context-fit, capability, budget), the scored router and body logging to SQLite.
 * Each server runs in its own process from compiled JavaScript (Tandem as `npm run build` emits it, the
 * bench servers compiled alike into bench/results/servers), so no TypeScript loader sits in any of them; this
 * process generates load over keep-alive undici Pools.
 * Reports added latency p50/p99 at concurrency 1 and 32, requests/s at 32, CPU time per request at
 * c=1 and c=32 (from /proc, robust to a busy machine), and Tandem's RSS after N requests.
 *   BENCH_SECONDS (8: each target's time at c=32, split into BENCH_ROUNDS (3) interleaved slices so noise
 *   from other jobs hits every target alike), BENCH_LATENCY_REQUESTS (3000), BENCH_RSS_REQUESTS (100000),
 *   BENCH_TANDEM_NODE_ARGS: extra node flags for Tandem, e.g. "--cpu-prof --cpu-prof-dir=prof";
 *   BENCH_MINIMAL_NODE_ARGS: the same for the minimal gateway, to profile both in one run.
 *   Ablations: BENCH_POLICIES (the route's policies as YAML flow, e.g. "[]"), BENCH_HEAP (server.heap),
 *   BENCH_STORE (the store as YAML flow, e.g. "{ type: memory }"), BENCH_CONFIG_EXTRA (top-level YAML
 *   appended to the config, e.g. $'audit: { enabled: false }\n').
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { chatSender, concurrent, interleavedLatencies, interleavedThroughput, quantile } from './bench-load.js';
import { compileBenchServers, rssMb, spawnServer, stopAll } from './bench-processes.js';
import { BENCH_REQUEST_BODY as BODY, benchConfigYaml } from './servers/bench-config.js';

const TOTAL_FOR_RSS = Number(process.env.BENCH_RSS_REQUESTS ?? 100_000);
const LATENCY_REQUESTS = Number(process.env.BENCH_LATENCY_REQUESTS ?? 3_000);
const THROUGHPUT_SECONDS = Number(process.env.BENCH_SECONDS ?? 8);
const THROUGHPUT_ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);

const send = chatSender(BODY);

const dir = mkdtempSync(join(tmpdir(), 'tandem-bench-'));
const servers = compileBenchServers();
const upstream = await spawnServer('upstream', [join(servers, 'upstream-server.js')]);
const configPath = join(dir, 'tandem.yaml');
const config = benchConfigYaml({
  upstreamUrl: upstream.origin,
  dbPath: join(dir, 'bench.db'),
  policies: process.env.BENCH_POLICIES,
  heap: process.env.BENCH_HEAP,
  store: process.env.BENCH_STORE,
});
writeFileSync(configPath, config + (process.env.BENCH_CONFIG_EXTRA ?? ''));
const proxy = await spawnServer('bare proxy', [join(servers, 'bare-proxy.js'), upstream.origin]);
const minimalNodeArgs = (process.env.BENCH_MINIMAL_NODE_ARGS ?? '').split(' ').filter(Boolean);
const minimal = await spawnServer('minimal gateway', [...minimalNodeArgs, join(servers, 'minimal-gateway.js'), upstream.origin, join(dir, 'minimal.db')]);
const tandemNodeArgs = (process.env.BENCH_TANDEM_NODE_ARGS ?? '').split(' ').filter(Boolean);
const tandem = await spawnServer('tandem', [...tandemNodeArgs, 'dist/cli/main.js', 'serve', '--config', configPath, '--port', '0']);
console.log(
  `${new Date().toISOString()}  node ${process.version}  load average ${loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}`,
);

try {
  const rows: string[] = [];
  const sequential = await interleavedLatencies([upstream, proxy, minimal, tandem], send, { count: LATENCY_REQUESTS, rounds: 3 });
  const c1: Record<string, number[]> = Object.fromEntries(Object.entries(sequential).map(([name, s]) => [name, s.latencies]));
  const direct = c1.upstream ?? [];
  const c32 = await interleavedThroughput([upstream, proxy, minimal, tandem], send, {
    concurrency: 32,
    seconds: THROUGHPUT_SECONDS,
    rounds: THROUGHPUT_ROUNDS,
  });

  rows.push(
    '| target | c=1 p50 ms | c=1 p99 ms | added p50 ms | added p99 ms | CPU µs/req (c=1) | c=32 p50 ms | c=32 p99 ms | c=32 req/s | CPU µs/req (c=32) |',
  );
  rows.push('|---|---|---|---|---|---|---|---|---|---|');
  for (const target of [upstream, proxy, minimal, tandem]) {
    const l1 = c1[target.name] ?? [];
    const l32 = c32[target.name] ?? { rps: NaN, latencies: [] };
    const added = (q: number): string => (target === upstream ? '-' : (quantile(l1, q) - quantile(direct, q)).toFixed(3));
    rows.push(
      `| ${target.name} | ${quantile(l1, 0.5).toFixed(3)} | ${quantile(l1, 0.99).toFixed(3)} | ${added(0.5)} | ${added(0.99)} | ${(sequential[target.name]?.cpuPerRequest ?? NaN).toFixed(0)} | ${quantile(l32.latencies, 0.5).toFixed(2)} | ${quantile(l32.latencies, 0.99).toFixed(2)} | ${l32.rps.toFixed(0)} | ${(c32[target.name]?.cpuPerRequest ?? NaN).toFixed(0)} |`,
    );
  }
  const tandemRps = c32.tandem?.rps ?? NaN;
  const proxyRps = c32['bare proxy']?.rps ?? NaN;
  const overheadP50 = quantile(c1.tandem ?? [], 0.5) - quantile(c1['bare proxy'] ?? [], 0.5);
  console.log(rows.join('\n'));
  const minimalRps = c32['minimal gateway']?.rps ?? NaN;
  console.log(
    `\nTandem vs bare proxy: p50 added at c=1 ${overheadP50.toFixed(3)} ms; req/s at c=32 ${((100 * tandemRps) / proxyRps).toFixed(1)}% of the proxy`,
  );
  console.log(
    `Minimal gateway vs bare proxy: req/s at c=32 ${((100 * minimalRps) / proxyRps).toFixed(1)}% of the proxy; Tandem ${((100 * tandemRps) / minimalRps).toFixed(1)}% of the minimal gateway`,
  );

  const before = rssMb(tandem.process.pid ?? 0);
  const sent = (c1.tandem?.length ?? 0) + (c32.tandem?.latencies.length ?? 0) + 200 * 3;
  const rest = Math.max(0, TOTAL_FOR_RSS - sent);
  await concurrent(tandem.origin, send, { concurrency: 32, total: rest });
  const after = rssMb(tandem.process.pid ?? 0);
  console.log(
    `Tandem RSS: ${before.toFixed(1)} MB after ${sent} requests, ${after.toFixed(1)} MB after ${sent + rest} requests (bare proxy: ${rssMb(proxy.process.pid ?? 0).toFixed(1)} MB, minimal gateway: ${rssMb(minimal.process.pid ?? 0).toFixed(1)} MB)`,
  );
} finally {
  await stopAll([tandem, minimal, proxy, upstream]);
  rmSync(dir, { recursive: true, force: true });
}
