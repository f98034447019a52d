/**
 * SIGTERM on a real `tandem serve` process mid-stream: the streaming client still gets its whole answer,
 * new connections are refused, the request's row is in PostgreSQL, and the process exits 0.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import OpenAI from 'openai';
import { stringify } from 'yaml';
import { startFakeUpstream } from '../src/providers/testing/fake-upstream.js';
import { openPostgresStore } from '../src/store/postgres/postgres-store.js';
import { TEST_DATABASE_URL, testSchemas } from '../src/store/postgres/postgres-test-database.js';
import { echoResponder } from './helpers/openai-upstream.js';
import type { RequestRecord } from '../src/spec/request-record.js';

const dir = mkdtempSync(join(tmpdir(), 'tandem-shutdown-'));
const schemas = testSchemas();
after(async () => {
  rmSync(dir, { recursive: true, force: true });
  await schemas.dropAll();
});

const WORDS = Array.from({ length: 12 }, (_, i) => `word${i}`);

interface Serve {
  url: string;
  port: number;
  schema: string;
  stdout: () => string;
  exited: Promise<number | null>;
  waitForOutput(pattern: RegExp): Promise<RegExpExecArray>;
  kill(signal: NodeJS.Signals): void;
}

/** `tandem serve` as a real child process on PostgreSQL, in front of a fake upstream streaming WORDS slowly. */
async function startServe(options: { chunkDelayMs: number; drainTimeoutMs: number }): Promise<Serve> {
  const respond = echoResponder({ answer: () => WORDS.join(' ') });
  const upstream = await startFakeUpstream({
    '/v1/chat/completions': (request) => ({ ...respond(request), chunkDelayMs: options.chunkDelayMs }),
  });
  after(() => upstream.close());
  const schema = schemas.create();
  const configPath = join(dir, `${schema}.yaml`);
  writeFileSync(
    configPath,
    stringify({
      server: { host: '127.0.0.1', port: 0, drain_timeout_ms: options.drainTimeoutMs },
      store: { type: 'postgres', url: TEST_DATABASE_URL, schema, pool_size: 2 },
      models: {
        up: {
          provider: 'openai-compatible',
          base_url: `${upstream.url}/v1`,
          model: 'gpt-4o-mini',
          locality: 'cloud',
          context_window: 16_000,
          pricing: { input_per_1m: 1, output_per_1m: 2 },
        },
      },
    }),
  );
  const child = spawn(process.execPath, ['--import', 'tsx', join(import.meta.dirname, '..', 'src', 'cli', 'main.ts'), 'serve', '-c', configPath], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  after(() => {
    if (child.exitCode === null) child.kill('SIGKILL');
  });
  const waitForOutput = (pattern: RegExp): Promise<RegExpExecArray> =>
    new Promise((resolve, reject) => {
      const check = (): void => {
        const match = pattern.exec(stdout);
        if (match) resolve(match);
      };
      child.stdout.on('data', check);
      check();
      void exited.then((code) => reject(new Error(`serve exited (${code}) before printing ${pattern}:\n${stdout}\n${stderr}`)));
    });
  const [, url] = await waitForOutput(/listening on (http:\/\/[\d.]+:\d+)/);
  assert.ok(url);
  return { url, port: Number(new URL(url).port), schema, stdout: () => `${stdout}\n${stderr}`, exited, waitForOutput, kill: (signal) => child.kill(signal) };
}

async function storedRows(schema: string): Promise<RequestRecord[]> {
  const store = await openPostgresStore({ url: TEST_DATABASE_URL, schema, logBodies: true });
  try {
    return await store.requestLog.recent({ limit: 10 });
  } finally {
    await store.close();
  }
}

test('SIGTERM mid-stream: the stream completes, new connections are refused, the row is stored, exit 0', async () => {
  // Each chunk 100 ms apart: the stream is still running when the signal arrives, however slow the machine.
  const serve = await startServe({ chunkDelayMs: 100, drainTimeoutMs: 30_000 });
  const client = new OpenAI({ baseURL: `${serve.url}/v1`, apiKey: 'unused', maxRetries: 0 });
  const stream = await client.chat.completions.create({
    model: 'up',
    stream: true,
    messages: [{ role: 'user', content: 'tell me twelve words' }],
  });

  let text = '';
  let signalled = false;
  for await (const chunk of stream) {
    text += chunk.choices[0]?.delta.content ?? '';
    if (!signalled && text.length > 0) {
      signalled = true;
      serve.kill('SIGTERM');
      await serve.waitForOutput(/SIGTERM: not accepting connections/);
      // The listening socket closes at the end of the event-loop turn that printed the line; poll past it.
      assert.equal(await refusedSoon(serve.port), 'ECONNREFUSED');
    }
  }
  assert.ok(signalled, 'the stream ended before any content arrived');
  assert.equal(text, WORDS.join(' '));
  assert.equal(await serve.exited, 0, `serve did not exit cleanly:\n${serve.stdout()}`);
  assert.match(serve.stdout(), /drained and flushed the request log/);

  const rows = await storedRows(serve.schema);
  assert.equal(rows.length, 1);
  assert.equal(rows[0]?.status, 200);
  assert.equal(rows[0]?.stream, true);
  assert.equal(rows[0]?.model, 'up');
});

test('a stream longer than drain_timeout_ms is cut at the deadline, still logged, and the process exits 0', async () => {
  // 12 chunks 1 s apart outlast a 500 ms drain however fast the machine.
  const serve = await startServe({ chunkDelayMs: 1_000, drainTimeoutMs: 500 });
  const client = new OpenAI({ baseURL: `${serve.url}/v1`, apiKey: 'unused', maxRetries: 0 });
  const stream = await client.chat.completions.create({ model: 'up', stream: true, messages: [{ role: 'user', content: 'go' }] });
  let text = '';
  let signalled = false;
  const reading = (async () => {
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta.content ?? '';
      if (text.length > 0 && !signalled) {
        signalled = true;
        serve.kill('SIGTERM');
      }
    }
  })();
  // The connection is cut mid-stream: the client sees an error or an early end.
  await reading.catch(() => undefined);
  assert.ok(signalled);
  assert.notEqual(text, WORDS.join(' '), 'the stream should have been cut');
  assert.equal(await serve.exited, 0, serve.stdout());
  const rows = await storedRows(serve.schema);
  assert.equal(rows.length, 1, 'the cut request still has its row');
  assert.notEqual(rows[0]?.status, 200);
});

/** The error code of the first failed connection attempt within ~5 s ('' if every attempt connected). */
async function refusedSoon(port: number): Promise<string> {
  for (let i = 0; i < 100; i++) {
    try {
      await connectOnce(port);
    } catch (error) {
      return (error as NodeJS.ErrnoException).code ?? String(error);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return '';
}

function connectOnce(port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port }, () => {
      socket.destroy();
      resolve();
    });
    socket.once('error', reject);
  });
}
