/**
 * `npm run bench:soak`: does Tandem's memory stay flat and its tail latency steady over a long run? Keeps
 * 16 requests in flight for BENCH_SOAK_SECONDS (600) against Tandem on SQLite with bodies logged, mixing
 * whole and streamed answers over three routes: the gateway bench's scored route (every default policy), a
 * `pseudonymise` privacy route whose prompts carry names, emails and card numbers, and a learned route
 * (an artifact trained here, in-process). Every BENCH_SOAK_SAMPLE_SECONDS (10) it samples Tandem's RSS (from
 * /proc), its V8 heap in use (from /metrics) and the p99 of the requests that finished in the window.
 *
 * Targets (issue 22): RSS growth ≤ 10 MB after the first minute, every window's p99 within 1.5x of the
 * first minute's, 0 errors. Writes an SVG of RSS, heap and p99 over time to BENCH_SOAK_SVG
 * (bench/results/soak.svg; docs/images/soak.svg is the one docs/benchmarks.md shows).
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Pool } from 'undici';
import { writeScorerArtifact } from '../src/quality/scorer-artifact.js';
import { trainRouterArtifact } from '../src/quality/train-learned-scorer.js';
import type { LabelledExample } from '../src/quality/datasets/labelled-dataset.js';
import { quantile } from './bench-load.js';
import { compileBenchServers, cpuMs, rssMb, spawnServer, stopAll } from './bench-processes.js';
import { benchConfigYaml } from './servers/bench-config.js';
import { soakSvg, type SoakSample } from './soak-plot.js';

const SECONDS = Number(process.env.BENCH_SOAK_SECONDS ?? 600);
const SAMPLE_SECONDS = Number(process.env.BENCH_SOAK_SAMPLE_SECONDS ?? 10);
const CONCURRENCY = Number(process.env.BENCH_SOAK_CONCURRENCY ?? 16);
const SVG_PATH = process.env.BENCH_SOAK_SVG ?? join('bench', 'results', 'soak.svg');
/** The first minute: the reference RSS and p99 are taken at its end (BENCH_SOAK_WARM_SECONDS for short trial runs). */
const WARM_SECONDS = Number(process.env.BENCH_SOAK_WARM_SECONDS ?? 60);

/** Prompts of the learned route: short chit-chat (the small model's) and multi-step arithmetic (the large one's). */
function routerExamples(): LabelledExample[] {
  const names = ['Ada', 'Bo', 'Cy', 'Di', 'Ed', 'Flo', 'Gus', 'Hal', 'Ivy', 'Jo'];
  const examples: LabelledExample[] = [];
  for (let i = 0; i < 200; i++) {
    const hard = i % 2 === 0;
    const prompt = hard
      ? `Compute ${i + 3} * ${i + 11} + ${i * 7} - ${i % 9}, then divide by ${(i % 5) + 2} and explain each step.`
      : `Say hello to my friend ${names[i % names.length] ?? 'Al'} and wish them a good day number ${i}.`;
    examples.push({ id: `soak-${i}`, prompt, weak: hard ? 0 : 1, strong: 1 });
  }
  return examples;
}

const FIRST = ['Maria', 'Jonas', 'Aiko', 'Kwame', 'Sofía', 'Lars', 'Priya', 'Mateus'];
const LAST = ['Keller', 'Okafor', 'Tanaka', 'Silva', 'Novak', 'Haddad', 'Larsen', 'Moreau'];

/** The i-th request: route and stream flag vary together over a cycle of six, PII differs every time. */
function requestBody(i: number): { body: string; stream: boolean } {
  const stream = i % 2 === 1;
  const kind = Math.floor(i / 2) % 3;
  const who = `${FIRST[i % FIRST.length]} ${LAST[(i * 7) % LAST.length]}`;
  const content =
    kind === 0
      ? `What is the answer to life, the universe and everything? Answer briefly. (${i})`
      : kind === 1
        ? `Please update the account of ${who}, email ${who.split(' ')[0]?.toLowerCase()}.${i}@example.org, card 4111 1111 1111 1111, and confirm by reply.`
        : i % 4 < 2
          ? `Compute ${i % 97} * ${(i % 89) + 11} + ${i % 7}, then divide by ${(i % 5) + 2} and explain each step.`
          : `Say hello to my friend ${FIRST[i % FIRST.length]} and wish them a good day number ${i % 100}.`;
  const model = ['tandem/bench', 'tandem/private', 'tandem/learned'][kind];
  return {
    stream,
    body: JSON.stringify({
      model,
      messages: [
        { role: 'system', content: 'You are a helpful assistant.' },
        { role: 'user', content },
      ],
      max_tokens: 64,
      ...(stream ? { stream: true, stream_options: { include_usage: true } } : {}),
    }),
  };
}

const dir = mkdtempSync(join(tmpdir(), 'tandem-bench-soak-'));
const servers = compileBenchServers();
const upstream = await spawnServer('upstream', [join(servers, 'upstream-server.js')]);
await writeScorerArtifact(join(dir, 'router.json'), trainRouterArtifact({ examples: routerExamples(), name: 'soak', llmShare: 0.5 }));
const configPath = join(dir, 'tandem.yaml');
writeFileSync(
  configPath,
  `${benchConfigYaml({ upstreamUrl: upstream.origin, dbPath: join(dir, 'soak.db') })}  tandem/private:
    models: [small, large]
    policies: [{ type: privacy, mode: pseudonymise }, { type: context-fit }, { type: budget, max_cost_per_request: 1 }]
    router: { type: fixed, model: large }
  tandem/learned:
    models: [small, large]
    policies: [{ type: privacy }, { type: context-fit }]
    router: { type: learned, artifact: router.json, small: small, large: large }
`,
);
const tandem = await spawnServer('tandem', ['dist/cli/main.js', 'serve', '--config', configPath, '--port', '0']);
const started = new Date();
console.log(
  `${started.toISOString()}  node ${process.version}  ${cpus().length} cores  load average ${loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}  ${SECONDS} s at c=${CONCURRENCY}, a sample every ${SAMPLE_SECONDS} s`,
);

const pool = new Pool(tandem.origin, { connections: CONCURRENCY });
const metricsPool = new Pool(tandem.origin, { connections: 1 });
let next = 0;
let errors = 0;
let firstError: string | null = null;
let window: number[] = [];
const samples: SoakSample[] = [];
const t0 = performance.now();
const deadline = t0 + SECONDS * 1000;

async function one(): Promise<void> {
  const { body, stream } = requestBody(next++);
  const sent = performance.now();
  try {
    const res = await pool.request({
      method: 'POST',
      path: '/v1/chat/completions',
      headers: { 'content-type': 'application/json', ...(stream ? { accept: 'text/event-stream' } : {}) },
      body,
    });
    const text = await res.body.text();
    if (res.statusCode !== 200) throw new Error(`status ${res.statusCode}: ${text.slice(0, 200)}`);
    if (stream ? !text.includes('data: [DONE]') : !text.includes('"choices"')) throw new Error(`incomplete answer: ${text.slice(0, 200)}`);
    window.push(performance.now() - sent);
  } catch (error) {
    errors++;
    firstError ??= error instanceof Error ? error.message : String(error);
  }
}

async function heapUsedMb(): Promise<number> {
  const res = await metricsPool.request({ method: 'GET', path: '/metrics' });
  const text = await res.body.text();
  const value = /^nodejs_heap_size_used_bytes (\S+)$/m.exec(text)?.[1];
  return value === undefined ? Number.NaN : Number(value) / 1024 / 1024;
}

let cpuBefore = cpuMs(tandem.process.pid ?? 0);
const sampler = setInterval(() => {
  const latencies = window;
  window = [];
  const at = (performance.now() - t0) / 1000;
  const rss = rssMb(tandem.process.pid ?? 0);
  // Tandem's own CPU per request in the window: unlike p99, other jobs on the machine barely move it, so a
  // p99 that rises while it stays flat is the machine's load, not Tandem slowing down.
  const cpuNow = cpuMs(tandem.process.pid ?? 0);
  const cpuPerRequest = latencies.length === 0 ? Number.NaN : ((cpuNow - cpuBefore) * 1000) / latencies.length;
  cpuBefore = cpuNow;
  const load = loadavg()[0] ?? Number.NaN;
  void heapUsedMb().then((heap) => {
    const sample: SoakSample = {
      seconds: at,
      rssMb: rss,
      heapMb: heap,
      p99Ms: quantile(latencies, 0.99),
      requests: latencies.length,
      cpuPerRequestUs: cpuPerRequest,
    };
    samples.push(sample);
    console.log(
      `${at.toFixed(0).padStart(5)} s  RSS ${rss.toFixed(1)} MB  heap ${heap.toFixed(1)} MB  p99 ${sample.p99Ms.toFixed(2)} ms  ${(latencies.length / SAMPLE_SECONDS).toFixed(0)} req/s  CPU ${cpuPerRequest.toFixed(0)} µs/req  load ${load.toFixed(1)}  errors ${errors}`,
    );
  });
}, SAMPLE_SECONDS * 1000);

try {
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (performance.now() < deadline) await one();
    }),
  );
  clearInterval(sampler);
  await new Promise((resolve) => setTimeout(resolve, 200));
} finally {
  clearInterval(sampler);
  await pool.close();
  await metricsPool.close();
  await stopAll([tandem, upstream]);
  rmSync(dir, { recursive: true, force: true });
}

if (!samples.some((s) => s.seconds > WARM_SECONDS + 0.5)) throw new Error(`no sample after the first ${WARM_SECONDS} s: run longer than that`);
const warm = samples.filter((s) => s.seconds <= WARM_SECONDS + 0.5);
const after = samples.filter((s) => s.seconds > WARM_SECONDS + 0.5);
const rssAtMinute = warm.at(-1)?.rssMb ?? Number.NaN;
const rssMax = Math.max(...after.map((s) => s.rssMb));
const growth = rssMax - rssAtMinute;
const firstMinuteP99 = quantile(
  warm.map((s) => s.p99Ms),
  0.5,
);
const worstRatio = Math.max(...after.map((s) => s.p99Ms / firstMinuteP99));
const firstMinuteCpu = quantile(
  warm.map((s) => s.cpuPerRequestUs),
  0.5,
);
const laterCpu = quantile(
  after.map((s) => s.cpuPerRequestUs),
  0.5,
);
const worstCpu = Math.max(...after.map((s) => s.cpuPerRequestUs / firstMinuteCpu));
const requests = samples.reduce((sum, s) => sum + s.requests, 0);
console.log(`\n${requests} requests, ${errors} errors${firstError ? ` (first: ${firstError})` : ''}`);
console.log(
  `RSS after the first minute ${rssAtMinute.toFixed(1)} MB, highest after it ${rssMax.toFixed(1)} MB: growth ${growth.toFixed(1)} MB (target ≤ 10 MB: ${growth <= 10 ? 'met' : 'MISSED'})`,
);
console.log(
  `p99 of the first minute (median of its windows) ${firstMinuteP99.toFixed(2)} ms; worst later window ${worstRatio.toFixed(2)}x (target ≤ 1.5x: ${worstRatio <= 1.5 ? 'met' : 'MISSED'})`,
);
console.log(
  `CPU per request: first minute ${firstMinuteCpu.toFixed(0)} µs (median of its windows), later ${laterCpu.toFixed(0)} µs, worst later window ${worstCpu.toFixed(2)}x`,
);
console.log(`errors: ${errors} (target 0: ${errors === 0 ? 'met' : 'MISSED'})`);
mkdirSync(dirname(SVG_PATH), { recursive: true });
writeFileSync(SVG_PATH, soakSvg(samples, { title: `Tandem soak, ${started.toISOString().slice(0, 10)}: c=${CONCURRENCY}, SQLite, bodies logged` }));
console.log(`plot: ${SVG_PATH}`);
