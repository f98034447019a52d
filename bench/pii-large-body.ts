/**
 * A large body on a privacy route must not stall other requests: sends one ~8 MB chat request (prose with
 * personal data every few hundred characters) to a `pseudonymise` route and, while the gateway works on it,
 * a small request every 5 ms; prints how long the small ones took against the same small requests alone.
 *
 * Run: `npm run bench:pii-large-body` (TANDEM_LARGE_MB, default 7.5: under server.max_body_bytes;
 * TANDEM_LARGE_INLINE=1 detects inline, as before detection moved to a worker, for comparison).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setOffLoopMinChars } from '../src/privacy/detect-pii-pool.js';
import { startGateway } from '../test/helpers/gateway-harness.js';

const MB = Number(process.env.TANDEM_LARGE_MB ?? 7.5);

export function largeText(bytes: number): string {
  const lines: string[] = [];
  let size = 0;
  for (let i = 0; size < bytes; i++) {
    const line =
      i % 5 === 0
        ? `Ticket ${i}: customer user${i}@example.com called from +1 (415) 555-${String(1000 + (i % 9000)).padStart(4, '0')} about the refund.`
        : `Line ${i} of the meeting notes: the team agreed to revisit the quarterly plan next week and share a summary.`;
    lines.push(line);
    size += line.length + 1;
  }
  return lines.join('\n');
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}

// The upstream runs in its own process: reading an 8 MB body there must not count against the gateway's loop.
const UPSTREAM = `
const http = require('node:http');
const answer = JSON.stringify({ id: 'x', object: 'chat.completion', created: 1, model: 'm', choices: [{ index: 0, message: { role: 'assistant', content: 'ok' }, finish_reason: 'stop' }], usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 } });
const server = http.createServer((req, res) => { req.resume(); req.on('end', () => { res.writeHead(200, { 'content-type': 'application/json' }); res.end(answer); }); });
server.listen(0, '127.0.0.1', () => console.log(server.address().port));
`;

const LARGE_CLIENT = `
const body = require('node:fs').readFileSync(process.argv[2], 'utf8');
console.log('ready');
setTimeout(async () => {
  const res = await fetch(process.argv[1], { method: 'POST', headers: { 'content-type': 'application/json' }, body });
  await res.arrayBuffer();
  console.log(res.status);
}, 50);
`;

async function startUpstream(): Promise<{ url: string; close(): Promise<void> }> {
  const child: ChildProcess = spawn(process.execPath, ['-e', UPSTREAM], { stdio: ['ignore', 'pipe', 'inherit'] });
  const [line] = (await once(child.stdout as NodeJS.ReadableStream, 'data')) as [Buffer];
  return {
    url: `http://127.0.0.1:${line.toString().trim()}`,
    close: async () => {
      child.kill();
      await once(child, 'exit');
    },
  };
}

export async function measureLargeBody(options: {
  mb: number;
}): Promise<{ baseline: number[]; during: number[]; largeMs: number; status: number; loopMaxMs: number }> {
  const up = await startUpstream();
  const model = { provider: 'openai-compatible' as const, base_url: `${up.url}/v1`, context_window: 10_000_000, timeout_ms: 60_000 };
  const h = await startGateway({
    models: { cloud: { ...model, locality: 'cloud' }, local: { ...model, locality: 'local' } },
    routes: {
      'p/pseudonymise': { models: ['cloud', 'local'], policies: [{ type: 'privacy', mode: 'pseudonymise' }], router: { type: 'fixed', model: 'cloud' } },
    },
    store: { type: 'memory', log_bodies: false },
    audit: { enabled: false },
  });
  const small = JSON.stringify({ model: 'p/pseudonymise', messages: [{ role: 'user', content: 'What is the capital of France?' }] });
  const post = async (body: string): Promise<number> => {
    const res = await fetch(`${h.url}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    await res.arrayBuffer();
    return res.status;
  };
  const timed = async (): Promise<number> => {
    const t = performance.now();
    await post(small);
    return performance.now() - t;
  };
  try {
    for (let i = 0; i < 50; i++) await timed();
    const baseline: number[] = [];
    for (let i = 0; i < 100; i++) baseline.push(await timed());
    // The large request's client runs in its own process too: encoding and uploading 8 MB is not the gateway's work.
    const file = join(mkdtempSync(join(tmpdir(), 'tandem-large-')), 'body.json');
    writeFileSync(file, JSON.stringify({ model: 'p/pseudonymise', messages: [{ role: 'user', content: largeText(options.mb * 1024 * 1024) }] }));
    const sender = spawn(process.execPath, ['-e', LARGE_CLIENT, `${h.url}/v1/chat/completions`, file], { stdio: ['ignore', 'pipe', 'inherit'] });
    await once(sender.stdout as NodeJS.ReadableStream, 'data'); // read the file, about to send
    const during: number[] = [];
    // The small requests' client shares the gateway's event loop, so it cannot send while the loop is
    // held: the loop's own longest delay is the stall any concurrent request would have seen.
    const loop = monitorEventLoopDelay({ resolution: 1 });
    loop.enable();
    const started = performance.now();
    let done = false;
    const big = once(sender.stdout as NodeJS.ReadableStream, 'data').then(([line]) => {
      done = true;
      return Number(String(line).trim());
    });
    while (!done) {
      during.push(await timed());
      await new Promise((r) => setTimeout(r, 5));
    }
    const status = await big;
    loop.disable();
    return { baseline, during, largeMs: performance.now() - started, status, loopMaxMs: loop.max / 1e6 };
  } finally {
    await h.close();
    await up.close();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  if (process.env.TANDEM_LARGE_INLINE === '1') setOffLoopMinChars(Number.POSITIVE_INFINITY);
  const { baseline, during, largeMs, status, loopMaxMs } = await measureLargeBody({ mb: MB });
  console.log(`large request: ${MB} MB, status ${status}, ${largeMs.toFixed(0)} ms`);
  console.log(
    `small requests alone:  n=${baseline.length} median ${percentile(baseline, 50).toFixed(1)} ms, p99 ${percentile(baseline, 99).toFixed(1)} ms, max ${Math.max(...baseline).toFixed(1)} ms`,
  );
  console.log(
    `small requests during: n=${during.length} median ${percentile(during, 50).toFixed(1)} ms, p99 ${percentile(during, 99).toFixed(1)} ms, max ${Math.max(...during).toFixed(1)} ms`,
  );
  console.log(`longest event-loop delay while the large request was answered: ${loopMaxMs.toFixed(0)} ms`);
  process.exit(0);
}
