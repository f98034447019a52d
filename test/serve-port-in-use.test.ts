/**
 * `tandem serve` on a port something else holds (llama.cpp, another Tandem): one line on stderr that names
 * the port and says how to pick another, and exit status 1, never a stack trace.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { stringify } from 'yaml';

const dir = mkdtempSync(join(tmpdir(), 'tandem-port-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function serve(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(import.meta.dirname, '..', 'src', 'cli', 'main.ts'), 'serve', ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve) => child.on('exit', (code) => resolve({ code, stdout, stderr })));
}

test('a port already in use: one line naming the port, --port and server.port, exit 1', { timeout: 60_000 }, async () => {
  const holder = createServer();
  await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve));
  const { port } = holder.address() as AddressInfo;
  try {
    const config = join(dir, 'tandem.yaml');
    writeFileSync(
      config,
      stringify({
        server: { host: '127.0.0.1', port },
        store: { type: 'memory' },
        models: {
          up: { provider: 'openai-compatible', base_url: 'http://127.0.0.1:9/v1', model: 'm', locality: 'local', context_window: 4096 },
        },
      }),
    );
    for (const args of [
      ['-c', config],
      ['-c', config, '--port', String(port)],
    ]) {
      const run = await serve(args);
      assert.equal(run.code, 1, run.stderr);
      const lines = run.stderr.trim().split('\n');
      assert.equal(lines.length, 1, run.stderr);
      assert.match(lines[0] ?? '', new RegExp(`^tandem: port ${port} is already in use .*--port <port>.*server\\.port`));
      assert.doesNotMatch(run.stdout, /listening/);
    }
  } finally {
    await new Promise<void>((resolve) => holder.close(() => resolve()));
  }
});
