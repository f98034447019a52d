/**
 * `npm run bench:compare -- <build A> <build B>`: two compiled Tandem builds side by side under the gateway
 * bench's load, alternated round by round so the machine's drift hits both alike; the way to judge a change
 * worth a few percent on a machine whose run-to-run spread is larger than that.
 * A build is a copy of `dist/` inside the repository (so it resolves node_modules), e.g.
 *   git checkout <before> && npm run build && cp -r dist bench/results/before
 *   git checkout - && npm run build && cp -r dist bench/results/after
 *   npm run bench:compare -- bench/results/before bench/results/after
 * Each round measures the bare proxy, then A and B (B first in odd rounds), each for BENCH_SECONDS at
 * concurrency 32: requests/s, its share of the proxy's, and CPU per request from /proc; then each alone at
 * concurrency 1 for BENCH_C1_SECONDS: the median latency, and what it adds to the proxy's. Prints every
 * round and the medians.
 *   BENCH_ROUNDS (8), BENCH_SECONDS (4), BENCH_STREAM=1 (streamed requests, as `npm run bench:stream`),
 *   BENCH_POLICIES and BENCH_CONFIG_EXTRA as in `npm run bench`, BENCH_TANDEM_NODE_ARGS for both builds,
 *   BENCH_SYSTEM_PROMPT_FILE (the request's system message read from this file instead of the one-line default;
 *   applications send kilobytes of it with every request).
 */
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chatSender, concurrent } from './bench-load.js';
import { compileBenchServers, cpuMs, spawnServer, stopAll, type Target } from './bench-processes.js';
import { BENCH_REQUEST_BODY, BENCH_STREAM_HEADERS, BENCH_STREAM_REQUEST_BODY, benchConfigYaml } from './servers/bench-config.js';

const [buildA, buildB] = process.argv.slice(2);
if (!buildA || !buildB) throw new Error('usage: npm run bench:compare -- <build A> <build B>');
// A build reads its version from the package.json two levels above its cli/main.js, as dist/ does.
for (const build of [buildA, buildB]) {
  const manifest = join(build, '..', 'package.json');
  if (!existsSync(manifest)) copyFileSync('package.json', manifest);
}
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 8);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 4);
const C1_SECONDS = Number(process.env.BENCH_C1_SECONDS ?? 2);
const STREAM = process.env.BENCH_STREAM === '1';
const BODY = withSystemPrompt(STREAM ? BENCH_STREAM_REQUEST_BODY : BENCH_REQUEST_BODY, process.env.BENCH_SYSTEM_PROMPT_FILE);
const HEADERS = STREAM ? BENCH_STREAM_HEADERS : { 'content-type': 'application/json' };

/** The bench request with its system message's text from `file`, when one is named. */
function withSystemPrompt(body: string, file: string | undefined): string {
  if (!file) return body;
  const request = JSON.parse(body) as { messages: Array<{ role: string; content: string }> };
  const content = readFileSync(file, 'utf8');
  return JSON.stringify({ ...request, messages: request.messages.map((m) => (m.role === 'system' ? { ...m, content } : m)) });
}

const send = chatSender(BODY, HEADERS);

async function measure(target: Target): Promise<{ rps: number; cpu: number }> {
  const before = cpuMs(target.process.pid ?? 0);
  const { rps, latencies } = await concurrent(target.origin, send, { concurrency: 32, seconds: SECONDS });
  return { rps, cpu: ((cpuMs(target.process.pid ?? 0) - before) * 1000) / latencies.length };
}

/** The median latency of one request at a time, in ms. */
async function p50AtC1(target: Target): Promise<number> {
  const { latencies } = await concurrent(target.origin, send, { concurrency: 1, seconds: C1_SECONDS });
  return median(latencies);
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length / 2;
  return sorted.length % 2 ? sorted[Math.floor(middle)]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

const dir = mkdtempSync(join(tmpdir(), 'tandem-compare-'));
const servers = compileBenchServers();
const upstream = await spawnServer('upstream', [join(servers, 'upstream-server.js')]);
const nodeArgs = (process.env.BENCH_TANDEM_NODE_ARGS ?? '').split(' ').filter(Boolean);
async function startBuild(name: string, build: string): Promise<Target> {
  const config = join(dir, `${name}.yaml`);
  writeFileSync(
    config,
    benchConfigYaml({ upstreamUrl: upstream.origin, dbPath: join(dir, `${name}.db`), policies: process.env.BENCH_POLICIES }) +
      (process.env.BENCH_CONFIG_EXTRA ?? ''),
  );
  return spawnServer(name, [...nodeArgs, join(build, 'cli', 'main.js'), 'serve', '--config', config, '--port', '0']);
}
const proxy = await spawnServer('bare proxy', [join(servers, 'bare-proxy.js'), upstream.origin]);
const a = await startBuild('A', buildA);
const b = await startBuild('B', buildB);

try {
  const results = {
    A: { rps: [] as number[], cpu: [] as number[], share: [] as number[], p50: [] as number[], added: [] as number[] },
    B: { rps: [] as number[], cpu: [] as number[], share: [] as number[], p50: [] as number[], added: [] as number[] },
  };
  for (const target of [proxy, a, b]) await measure(target); // warm-up
  console.log(`A: ${buildA}  B: ${buildB}  ${STREAM ? 'streamed' : 'non-streamed'}, ${SECONDS} s at c=32 per target per round`);
  for (let round = 0; round < ROUNDS; round++) {
    const baseline = await measure(proxy);
    const line: string[] = [`round ${round + 1}: proxy ${baseline.rps.toFixed(0)} req/s`];
    for (const target of round % 2 ? [b, a] : [a, b]) {
      const measured = await measure(target);
      const into = target === a ? results.A : results.B;
      into.rps.push(measured.rps);
      into.cpu.push(measured.cpu);
      into.share.push(measured.rps / baseline.rps);
      line.push(`${target.name} ${measured.rps.toFixed(0)} req/s, ${measured.cpu.toFixed(0)} µs/req`);
    }
    const proxyP50 = await p50AtC1(proxy);
    line.push(`| c=1 p50: proxy ${proxyP50.toFixed(3)} ms`);
    for (const target of round % 2 ? [b, a] : [a, b]) {
      const p50 = await p50AtC1(target);
      const into = target === a ? results.A : results.B;
      into.p50.push(p50);
      into.added.push(p50 - proxyP50);
      line.push(`${target.name} ${p50.toFixed(3)} ms`);
    }
    console.log(line.join('  '));
  }
  const wins = results.B.cpu.filter((cpu, i) => cpu < results.A.cpu[i]!).length;
  for (const [name, r] of Object.entries(results)) {
    console.log(
      `${name}: median ${median(r.rps).toFixed(0)} req/s (${(100 * median(r.share)).toFixed(1)}% of the proxy), ${median(r.cpu).toFixed(0)} µs CPU per request; c=1 p50 ${median(r.p50).toFixed(3)} ms (+${(1000 * median(r.added)).toFixed(0)} µs over the proxy)`,
    );
  }
  console.log(`B used less CPU per request than A in ${wins} of ${ROUNDS} rounds`);
} finally {
  await stopAll([a, b, proxy, upstream]);
  rmSync(dir, { recursive: true, force: true });
}
