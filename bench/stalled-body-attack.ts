/**
 * `npm run bench:stalled-bodies`: how much memory does `tandem serve` hold while many clients each stall a
 * maximum-size request body one byte short of its end, how long are they kept, and does an ordinary
 * request still get its answer meanwhile? (docs/security.md#resource-limits)
 *
 * Starts the real server as a child process with the default `server` settings in front of a fake
 * upstream, samples the child's resident memory (/proc/<pid>/status) before and during the attack, and
 * asks one ordinary chat question once the bodies are in.
 *
 *   npm run bench:stalled-bodies -- [--connections 60] [--body-bytes 8388608] [--observe-ms 20000] [--root DIR]
 *
 * `--root` runs another checkout's `src/cli/main.ts` (e.g. the previous commit's, from `git archive`), to
 * compare before and after.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { stringify } from 'yaml';
import { startEchoUpstream } from '../test/helpers/openai-upstream.js';

const { values } = parseArgs({
  options: {
    connections: { type: 'string', default: '60' },
    'body-bytes': { type: 'string', default: String(8 * 1024 * 1024) },
    'observe-ms': { type: 'string', default: '20000' },
    root: { type: 'string', default: join(import.meta.dirname, '..') },
  },
});
const connections = Number(values.connections);
const bodyBytes = Number(values['body-bytes']);
const observeMs = Number(values['observe-ms']);

const rssMiB = (pid: number): number => {
  const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return Number(match?.[1] ?? 0) / 1024;
};
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

const upstream = await startEchoUpstream();
const dir = mkdtempSync(join(tmpdir(), 'tandem-stall-'));
const configPath = join(dir, 'tandem.yaml');
writeFileSync(
  configPath,
  stringify({
    server: { host: '127.0.0.1', port: 0 },
    store: { type: 'memory' },
    models: { up: { provider: 'openai-compatible', base_url: `${upstream.url}/v1`, model: 'gpt-4o-mini', locality: 'cloud', context_window: 16_000 } },
  }),
);
const child = spawn(process.execPath, ['--import', 'tsx', join(values.root, 'src', 'cli', 'main.ts'), 'serve', '-c', configPath], {
  stdio: ['ignore', 'pipe', 'inherit'],
});
const url = await new Promise<string>((resolve, reject) => {
  let out = '';
  child.stdout.on('data', (chunk: Buffer) => {
    out += chunk.toString();
    const match = /listening on (http:\/\/[\d.]+:\d+)/.exec(out);
    if (match?.[1]) resolve(match[1]);
  });
  child.once('exit', (code) => reject(new Error(`serve exited (${code}): ${out}`)));
});
const pid = child.pid as number;
const { hostname, port } = new URL(url);

try {
  await sleep(1_000);
  const idle = rssMiB(pid);
  const started = performance.now();
  const outcomes: Array<{ status: string; atMs: number }> = [];
  const sockets: Socket[] = [];
  // One buffer for every connection: the attacker's own memory and copying must not slow the measurement.
  const body = Buffer.alloc(bodyBytes - 1, 0x20);
  for (let i = 0; i < connections; i++) {
    const socket = connect({ host: hostname, port: Number(port) }, () => {
      socket.write(`POST /v1/chat/completions HTTP/1.1\r\nhost: ${hostname}\r\ncontent-type: application/json\r\ncontent-length: ${bodyBytes}\r\n\r\n`);
      socket.write(body);
    });
    let first = '';
    socket.on('data', (chunk: Buffer) => (first ||= chunk.toString('latin1', 0, 12)));
    socket.on('error', () => undefined);
    socket.once('close', () => outcomes.push({ status: first.slice(9, 12) || 'closed', atMs: performance.now() - started }));
    sockets.push(socket);
  }
  let peak = idle;
  let ordinary = 'not asked';
  const ask = (async () => {
    await sleep(2_000);
    const t0 = performance.now();
    const res = await fetch(`${url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'up', messages: [{ role: 'user', content: 'still there?' }] }),
      signal: AbortSignal.timeout(10_000),
    }).catch((error: unknown) => error as Error);
    ordinary = res instanceof Error ? `failed: ${res.message}` : `${res.status} in ${Math.round(performance.now() - t0)} ms`;
  })();
  while (performance.now() - started < observeMs) {
    peak = Math.max(peak, rssMiB(pid));
    await sleep(100);
  }
  await ask;
  const end = rssMiB(pid);
  const stillOpen = sockets.filter((s) => !s.destroyed).length;
  const byStatus = new Map<string, number[]>();
  for (const o of outcomes) byStatus.set(o.status, [...(byStatus.get(o.status) ?? []), o.atMs]);
  console.log(`${connections} connections × ${bodyBytes - 1} of ${bodyBytes} bytes, observed ${observeMs} ms (${values.root})`);
  console.log(`server RSS: ${idle.toFixed(0)} MiB idle, ${peak.toFixed(0)} MiB peak, ${end.toFixed(0)} MiB at the end`);
  for (const [status, times] of byStatus) {
    console.log(`answered ${status}: ${times.length} (closed after ${Math.round(Math.min(...times))}–${Math.round(Math.max(...times))} ms)`);
  }
  console.log(`still open at the end: ${stillOpen}`);
  console.log(`an ordinary request during the attack: ${ordinary}`);
  for (const s of sockets) s.destroy();
} finally {
  child.kill('SIGKILL');
  await upstream.close();
  rmSync(dir, { recursive: true, force: true });
}
