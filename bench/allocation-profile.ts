/**
 * `npm run bench:alloc`: what Tandem allocates per request, by function and by file, under the gateway
 * bench's load (c=32, the same route and config; BENCH_POLICIES and BENCH_CONFIG_EXTRA as there).
 *
 * Everything a request allocates is what the young-generation collector pays for (garbage collection was
 * 8-9% of Tandem's CPU at c=32 in the stop-12 profiles). Tandem runs with bench/servers/heap-sampler.ts preloaded:
 * after BENCH_WARM_SECONDS (3) of load it samples every allocation, freed or not, for BENCH_SECONDS (5)
 * while the requests completed in that window are counted; bytes per request = sampled bytes / requests.
 * The sampler's own allocations are negligible (one sample per 1 KiB allocated). BENCH_TOP (25) rows.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Pool } from 'undici';
import { compileBenchServers, spawnServer, stopAll } from './bench-processes.js';
import { BENCH_REQUEST_BODY as BODY, benchConfigYaml } from './servers/bench-config.js';

const WARM_SECONDS = Number(process.env.BENCH_WARM_SECONDS ?? 3);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const TOP = Number(process.env.BENCH_TOP ?? 25);

interface ProfileNode {
  callFrame: { functionName: string; url: string; lineNumber: number };
  selfSize: number;
  children: ProfileNode[];
}

const dir = mkdtempSync(join(tmpdir(), 'tandem-alloc-'));
const servers = compileBenchServers();
const upstream = await spawnServer('upstream', [join(servers, 'upstream-server.js')]);
const configPath = join(dir, 'tandem.yaml');
writeFileSync(
  configPath,
  benchConfigYaml({ upstreamUrl: upstream.origin, dbPath: join(dir, 'bench.db'), policies: process.env.BENCH_POLICIES }) +
    (process.env.BENCH_CONFIG_EXTRA ?? ''),
);
const profilePath = join(dir, 'tandem.heapprofile');
process.env.HEAP_SAMPLER_OUT = profilePath;
const tandem = await spawnServer('tandem', [
  '--import',
  resolve(servers, 'heap-sampler.js'),
  'dist/cli/main.js',
  'serve',
  '--config',
  configPath,
  '--port',
  '0',
]);

try {
  const pool = new Pool(tandem.origin, { connections: 32 });
  let sampling = false;
  let counted = 0;
  let stop = false;
  const workers = Array.from({ length: 32 }, async () => {
    while (!stop) {
      const res = await pool.request({ method: 'POST', path: '/v1/chat/completions', headers: { 'content-type': 'application/json' }, body: BODY });
      await res.body.arrayBuffer();
      if (res.statusCode !== 200) throw new Error(`status ${res.statusCode}`);
      if (sampling) counted++;
    }
  });
  await sleep(WARM_SECONDS * 1000);
  tandem.process.kill('SIGUSR2');
  sampling = true;
  await sleep(SECONDS * 1000);
  sampling = false;
  tandem.process.kill('SIGUSR2');
  stop = true;
  await Promise.all(workers);
  await pool.close();
  for (let i = 0; i < 100 && !existsSync(profilePath); i++) await sleep(100);

  const profile = JSON.parse(readFileSync(profilePath, 'utf8')) as { head: ProfileNode };
  const byFunction = new Map<string, number>();
  const byFile = new Map<string, number>();
  let total = 0;
  const visit = (node: ProfileNode): void => {
    const { functionName, url, lineNumber } = node.callFrame;
    const file =
      url === ''
        ? '(native)'
        : url.includes('node_modules/')
          ? url.split('node_modules/')[1]!.split('/')[0]!
          : url.includes('/dist/')
            ? `dist/${url.split('/dist/')[1]}`
            : url;
    const where = `${functionName || '(anonymous)'} ${file}:${lineNumber + 1}`;
    byFunction.set(where, (byFunction.get(where) ?? 0) + node.selfSize);
    byFile.set(file, (byFile.get(file) ?? 0) + node.selfSize);
    total += node.selfSize;
    for (const child of node.children) visit(child);
  };
  visit(profile.head);
  const perRequest = (bytes: number): string => `${Math.round(bytes / counted).toLocaleString('en-US')} B`;
  const table = (title: string, rows: Map<string, number>): void => {
    console.log(`\n| ${title} | per request | share |\n|---|---|---|`);
    for (const [name, bytes] of [...rows].sort((a, b) => b[1] - a[1]).slice(0, TOP)) {
      console.log(`| ${name} | ${perRequest(bytes)} | ${((100 * bytes) / total).toFixed(1)}% |`);
    }
  };
  console.log(`${new Date().toISOString()}  ${counted} requests in ${SECONDS} s at c=32 while sampling; ${perRequest(total)} allocated per request`);
  table('allocated in (function, file:line)', byFunction);
  table('allocated in (file or package)', byFile);
} finally {
  await stopAll([tandem, upstream]);
  rmSync(dir, { recursive: true, force: true });
}
