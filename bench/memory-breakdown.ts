/**
 * `npm run bench:memory`: where Tandem's resident memory goes under load, for the RSS target
 * (docs/benchmarks.md, `server.heap`).
 *
 * Starts the fake upstream and Tandem (compiled, the gateway bench's route and config), sends
 * BENCH_RSS_REQUESTS requests (default 30,000) at concurrency 32, then reports: RSS idle and after the
 * load; the V8 heap by space before and after a forced full GC (the live heap, so a leak shows as growth
 * across runs of different length); and the process's largest mappings from /proc/<pid>/smaps (the node
 * binary, malloc's heap, anonymous memory of which V8's heap is part).
 *   BENCH_HEAP: server.heap (compact | smallest | default; default: the schema's)
 *   BENCH_TANDEM_NODE_ARGS: extra node flags for Tandem, e.g. "--max-semi-space-size=4"
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Pool } from 'undici';
import { compileBenchServers, rssMb, spawnServer, stopAll } from './bench-processes.js';
import { BENCH_REQUEST_BODY as BODY, benchConfigYaml } from './servers/bench-config.js';

const REQUESTS = Number(process.env.BENCH_RSS_REQUESTS ?? 30_000);

// Loaded into Tandem with --require: on SIGUSR2 it prints the heap before and after a full GC, one JSON line.
const HEAP_REPORTER = `
process.on('SIGUSR2', () => {
  const v8 = require('node:v8');
  const spaces = () => Object.fromEntries(v8.getHeapSpaceStatistics().map((s) => [s.space_name, { size: s.space_size, used: s.space_used_size }]));
  const before = { usage: process.memoryUsage(), spaces: spaces() };
  global.gc();
  const after = { usage: process.memoryUsage(), spaces: spaces() };
  process.stderr.write('HEAP ' + JSON.stringify({ before, after }) + '\\n');
});
`;

interface HeapState {
  usage: NodeJS.MemoryUsage;
  spaces: Record<string, { size: number; used: number }>;
}

const mb = (bytes: number): string => (bytes / 1024 / 1024).toFixed(1);

function largestMappings(pid: number, count: number): Array<[string, number]> {
  const byName = new Map<string, number>();
  let current = '';
  for (const line of readFileSync(`/proc/${pid}/smaps`, 'utf8').split('\n')) {
    const head = /^[0-9a-f]+-[0-9a-f]+ \S+ \S+ \S+ \S+\s*(.*)$/.exec(line);
    if (head) {
      current = head[1] || '[anonymous]';
      continue;
    }
    const rss = /^Rss:\s+(\d+) kB/.exec(line);
    if (rss) byName.set(current, (byName.get(current) ?? 0) + Number(rss[1]) * 1024);
  }
  return [...byName].sort((a, b) => b[1] - a[1]).slice(0, count);
}

const dir = mkdtempSync(join(tmpdir(), 'tandem-memory-'));
const servers = compileBenchServers();
const reporter = join(dir, 'heap-reporter.cjs');
writeFileSync(reporter, HEAP_REPORTER);
const upstream = await spawnServer('upstream', [join(servers, 'upstream-server.js')]);
const configPath = join(dir, 'tandem.yaml');
writeFileSync(configPath, benchConfigYaml({ upstreamUrl: upstream.origin, dbPath: join(dir, 'bench.db'), heap: process.env.BENCH_HEAP }));
const extraArgs = (process.env.BENCH_TANDEM_NODE_ARGS ?? '').split(' ').filter(Boolean);
const tandem = await spawnServer(
  'tandem',
  ['--expose-gc', '--require', reporter, ...extraArgs, 'dist/cli/main.js', 'serve', '--config', configPath, '--port', '0'],
  { stderr: 'pipe' },
);
const pid = tandem.process.pid ?? 0;
let stderr = '';
tandem.process.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));

try {
  const idle = rssMb(pid);
  const pool = new Pool(tandem.origin, { connections: 32 });
  let left = REQUESTS;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: 32 }, async () => {
      while (left-- > 0) {
        const res = await pool.request({ method: 'POST', path: '/v1/chat/completions', headers: { 'content-type': 'application/json' }, body: BODY });
        await res.body.dump();
        if (res.statusCode !== 200) throw new Error(`status ${res.statusCode}`);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  await pool.close();
  const loaded = rssMb(pid);
  const mappings = largestMappings(pid, 6);
  tandem.process.kill('SIGUSR2');
  const deadline = Date.now() + 5_000;
  while (!stderr.includes('HEAP ') && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
  const line = stderr.split('\n').find((l) => l.startsWith('HEAP '));
  if (line === undefined) throw new Error(`Tandem printed no heap report:\n${stderr.slice(-2000)}`);
  const heap = JSON.parse(line.slice(5)) as { before: HeapState; after: HeapState };

  console.log(
    `server.heap ${process.env.BENCH_HEAP ?? 'compact (the default)'}  node args [${extraArgs.join(' ')}]  ${REQUESTS} requests at c=32 in ${seconds.toFixed(1)} s`,
  );
  console.log(`RSS: ${idle.toFixed(1)} MB idle, ${loaded.toFixed(1)} MB after the load`);
  console.log('\n| V8 heap | before a full GC | after (live) |\n|---|---|---|');
  console.log(
    `| heapTotal / heapUsed | ${mb(heap.before.usage.heapTotal)} / ${mb(heap.before.usage.heapUsed)} MB | ${mb(heap.after.usage.heapTotal)} / ${mb(heap.after.usage.heapUsed)} MB |`,
  );
  for (const space of ['new_space', 'old_space', 'code_space', 'large_object_space']) {
    const b = heap.before.spaces[space];
    const a = heap.after.spaces[space];
    if (b && a) console.log(`| ${space} size / used | ${mb(b.size)} / ${mb(b.used)} MB | ${mb(a.size)} / ${mb(a.used)} MB |`);
  }
  console.log(
    `| external / arrayBuffers | ${mb(heap.before.usage.external)} / ${mb(heap.before.usage.arrayBuffers)} MB | ${mb(heap.after.usage.external)} / ${mb(heap.after.usage.arrayBuffers)} MB |`,
  );
  console.log('\n| mapping (after the load) | RSS |\n|---|---|');
  for (const [name, bytes] of mappings) console.log(`| ${name} | ${mb(bytes)} MB |`);
} finally {
  await stopAll([tandem, upstream]);
  rmSync(dir, { recursive: true, force: true });
}
