/**
 * Counts the system calls each server makes per request (strace -c), for the gateway bench's targets:
 * the bare proxy, the minimal gateway and Tandem (every default), whole answers at c=8. Syscall counts do
 * not depend on how busy the machine is, unlike times, so this shows the per-request I/O work on any machine.
 *   npm run bench:syscalls   (needs strace; builds dist/ and the bench servers first, as `npm run bench` does)
 *   SYSCALL_REQUESTS (2000), SYSCALL_CONFIG_EXTRA (top-level YAML appended to Tandem's config, for ablations,
 *   e.g. $'audit: { enabled: false }\n')
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chatSender, concurrent } from './bench-load.js';
import { compileBenchServers, spawnServer, stopAll, type Target } from './bench-processes.js';
import { BENCH_REQUEST_BODY as BODY, benchConfigYaml } from './servers/bench-config.js';

const REQUESTS = Number(process.env.SYSCALL_REQUESTS ?? 2_000);

const send = chatSender(BODY);

/** strace -c over `target` while `REQUESTS` requests run; returns calls per request by syscall name. */
async function countCalls(target: Target, dir: string): Promise<Map<string, number>> {
  await concurrent(target.origin, send, { concurrency: 8, total: 500 });
  const out = join(dir, `${target.name.replace(/\W+/g, '-')}.strace`);
  const tracer = spawn('strace', ['-f', '-c', '-o', out, '-p', String(target.process.pid)], { stdio: 'ignore' });
  await new Promise((r) => setTimeout(r, 500));
  await concurrent(target.origin, send, { concurrency: 8, total: REQUESTS });
  tracer.kill('SIGINT');
  await new Promise((r) => tracer.on('exit', r));
  const calls = new Map<string, number>();
  for (const line of readFileSync(out, 'utf8').split('\n')) {
    const cols = line.trim().split(/\s+/);
    // % time, seconds, usecs/call, calls, [errors], syscall
    if (cols.length < 5 || !/^\d/.test(cols[0] ?? '') || cols.at(-1) === 'total') continue;
    calls.set(cols.at(-1) as string, Number(cols[3]) / REQUESTS);
  }
  return calls;
}

const dir = mkdtempSync(join(tmpdir(), 'tandem-syscalls-'));
const servers = compileBenchServers();
const upstream = await spawnServer('upstream', [join(servers, 'upstream-server.js')]);
const configPath = join(dir, 'tandem.yaml');
writeFileSync(configPath, benchConfigYaml({ upstreamUrl: upstream.origin, dbPath: join(dir, 'bench.db') }) + (process.env.SYSCALL_CONFIG_EXTRA ?? ''));
const proxy = await spawnServer('bare proxy', [join(servers, 'bare-proxy.js'), upstream.origin]);
const minimal = await spawnServer('minimal gateway', [join(servers, 'minimal-gateway.js'), upstream.origin, join(dir, 'minimal.db')]);
const tandem = await spawnServer('tandem', ['dist/cli/main.js', 'serve', '--config', configPath, '--port', '0']);
try {
  const results = new Map<string, Map<string, number>>();
  for (const target of [proxy, minimal, tandem]) results.set(target.name, await countCalls(target, dir));
  const names = [...new Set([...results.values()].flatMap((m) => [...m.keys()]))]
    .map((name) => ({ name, most: Math.max(...[...results.values()].map((m) => m.get(name) ?? 0)) }))
    .filter((s) => s.most >= 0.05)
    .sort((a, b) => b.most - a.most);
  console.log(`| syscall | ${[...results.keys()].join(' | ')} |`);
  console.log(`|---|${[...results.keys()].map(() => '---:').join('|')}|`);
  for (const { name } of names) console.log(`| ${name} | ${[...results.values()].map((m) => (m.get(name) ?? 0).toFixed(2)).join(' | ')} |`);
  const total = (m: Map<string, number>): number => [...m.values()].reduce((a, b) => a + b, 0);
  console.log(`| **all** | ${[...results.values()].map((m) => total(m).toFixed(2)).join(' | ')} |`);
} finally {
  await stopAll([upstream, proxy, minimal, tandem]);
}
