/**
 * `npm run bench:kill`: does every answer a client received have its request-log row, even when the
 * gateway is killed with SIGKILL in the middle of a load?
 *
 * Starts the real server (`tandem serve`, SQLite store, body logging on) as a child process in front of a
 * fake upstream, fires concurrent requests through the official openai client (half streamed, half not),
 * SIGKILLs the server once enough answers arrived, then opens the database and looks up the
 * x-tandem-request-id of every answer that arrived whole. Missing rows must be 0.
 *
 *   npm run bench:kill -- [--concurrency 32] [--kill-after 2000] [--rounds 3]
 *
 * An answer counts as received whole when a non-streamed call returned its JSON, or a stream delivered its
 * finish_reason chunk and ended without error; anything cut by the kill counts as interrupted.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import Database from 'better-sqlite3';
import OpenAI from 'openai';
import { startEchoUpstream } from '../test/helpers/openai-upstream.js';
import { benchConfigYaml } from './servers/bench-config.js';

export interface KillUnderLoadOptions {
  concurrency: number;
  /** SIGKILL the server once this many answers were received whole. */
  killAfter: number;
}

export interface KillUnderLoadResult {
  /** Answers received whole, and of those, streamed. */
  received: number;
  receivedStreamed: number;
  /** Calls that failed: cut by the kill, or refused after it. */
  interrupted: number;
  /** Rows in the request log, and rows for answers no client received whole (in flight at the kill). */
  rows: number;
  rowsWithoutAnswer: number;
  /** Received answers with no row: must be 0. */
  missing: string[];
}

export async function killUnderLoad(options: KillUnderLoadOptions): Promise<KillUnderLoadResult> {
  const dir = mkdtempSync(join(tmpdir(), 'tandem-kill-'));
  const upstream = await startEchoUpstream();
  upstream.recordRequests = false;
  const dbPath = join(dir, 'tandem.db');
  const configPath = join(dir, 'tandem.yaml');
  writeFileSync(
    configPath,
    benchConfigYaml({ upstreamUrl: upstream.url, dbPath, route: 'tandem/kill', policies: '[{ type: privacy }, { type: context-fit }, { type: capability }]' }),
  );
  const server = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'serve', '--config', configPath], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<NodeJS.Signals | null>((resolve) => server.once('exit', (_code, signal) => resolve(signal)));
  try {
    const url = await listeningUrl(server.stdout, exited);
    const client = new OpenAI({ baseURL: `${url}/v1`, apiKey: 'unused', maxRetries: 0, timeout: 30_000 });
    const received = new Set<string>();
    let receivedStreamed = 0;
    let interrupted = 0;
    let killed = false;
    const kill = (): void => {
      if (killed) return;
      killed = true;
      server.kill('SIGKILL');
    };

    const one = async (n: number): Promise<void> => {
      const stream = n % 2 === 1;
      const messages = [{ role: 'user' as const, content: `Request ${n}: tell me a short story about a fox.` }];
      try {
        if (stream) {
          const { data, response } = await client.chat.completions
            .create({ model: 'tandem/kill', messages, stream: true, stream_options: { include_usage: true } })
            .withResponse();
          let finished = false;
          for await (const chunk of data) if (chunk.choices[0]?.finish_reason) finished = true;
          if (!finished) throw new Error('stream ended without a finish_reason');
          received.add(requestId(response.headers));
          receivedStreamed++;
        } else {
          const { data, response } = await client.chat.completions.create({ model: 'tandem/kill', messages }).withResponse();
          if (!data.choices[0]?.message) throw new Error('no message');
          received.add(requestId(response.headers));
        }
        if (received.size >= options.killAfter) kill();
      } catch {
        interrupted++;
      }
    };

    let next = 0;
    await Promise.all(
      Array.from({ length: options.concurrency }, async () => {
        while (!killed) await one(next++);
      }),
    );
    await exited;

    const db = new Database(dbPath);
    try {
      const ids = new Set((db.prepare('select id from requests').all() as Array<{ id: string }>).map((r) => r.id));
      const missing = [...received].filter((id) => !ids.has(id));
      return {
        received: received.size,
        receivedStreamed,
        interrupted,
        rows: ids.size,
        rowsWithoutAnswer: [...ids].filter((id) => !received.has(id)).length,
        missing,
      };
    } finally {
      db.close();
    }
  } finally {
    server.kill('SIGKILL');
    await upstream.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

function requestId(headers: Headers): string {
  const id = headers.get('x-tandem-request-id');
  if (!id) throw new Error('response without x-tandem-request-id');
  return id;
}

async function listeningUrl(stdout: NodeJS.ReadableStream, exited: Promise<unknown>): Promise<string> {
  const lines = createInterface({ input: stdout });
  const found = (async () => {
    for await (const line of lines) {
      const url = /listening on (http:\/\/[^\s]+)/.exec(line)?.[1];
      if (url) {
        lines.close();
        (stdout as NodeJS.ReadableStream & { resume(): void }).resume();
        return url;
      }
    }
    throw new Error('server exited before listening');
  })();
  return Promise.race([found, exited.then(() => Promise.reject(new Error('server exited before listening')))]);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { values } = parseArgs({
    options: { concurrency: { type: 'string', default: '32' }, 'kill-after': { type: 'string', default: '2000' }, rounds: { type: 'string', default: '3' } },
  });
  const options = { concurrency: Number(values.concurrency), killAfter: Number(values['kill-after']) };
  console.log(`${new Date().toISOString()}  concurrency ${options.concurrency}, SIGKILL after ${options.killAfter} answers`);
  console.log('| round | received whole (streamed) | interrupted | rows | rows without a received answer | missing rows |');
  console.log('|---|---|---|---|---|---|');
  let failed = false;
  for (let round = 1; round <= Number(values.rounds); round++) {
    const r = await killUnderLoad(options);
    console.log(`| ${round} | ${r.received} (${r.receivedStreamed}) | ${r.interrupted} | ${r.rows} | ${r.rowsWithoutAnswer} | ${r.missing.length} |`);
    if (r.missing.length > 0) {
      failed = true;
      console.error(`missing rows for: ${r.missing.slice(0, 10).join(', ')}`);
    }
  }
  process.exitCode = failed ? 1 : 0;
}
