/**
 * The SIGKILL check both SQL store tests run: a child process opens a store, appends, prints "appended",
 * then idles with everything still open until it is killed, like a gateway killed right after answering.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

/**
 * Runs `appends` in a child that has `openStore` (the named export of `storeFile`, a path relative to
 * src/store/) and `makeRecord` in scope, and SIGKILLs it once they resolved.
 */
export async function killAfterAppends(options: { storeFile: string; openStore: string; appends: string }): Promise<void> {
  const storeDir = join(import.meta.dirname, '..');
  const storeUrl = pathToFileURL(join(storeDir, options.storeFile)).href;
  const contractUrl = pathToFileURL(join(storeDir, 'request-log.contract.ts')).href;
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      '--input-type=module',
      '-e',
      `const { ${options.openStore}: openStore } = await import(${JSON.stringify(storeUrl)});
       const { makeRecord } = await import(${JSON.stringify(contractUrl)});
       ${options.appends}
       process.stdout.write('appended\\n');
       setInterval(() => {}, 1000);`,
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  await new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('appended')) resolve();
    });
    child.on('exit', (code) => reject(new Error(`child exited (${code}) before appending: ${stderr}`)));
  });
  const exited = new Promise((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
  child.kill('SIGKILL');
  assert.equal(await exited, 'SIGKILL');
}
