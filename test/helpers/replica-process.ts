/**
 * Real Tandem replicas for the scale-out tests: each one is `tandem serve` in its own process (as a
 * deployment runs it), started from a config file on a free port, with an official OpenAI client. A
 * replica can be stopped gracefully or killed with SIGKILL mid-load.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import OpenAI from 'openai';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const MAIN = fileURLToPath(new URL('../../src/cli/main.ts', import.meta.url));

export interface Replica {
  name: string;
  url: string;
  /** A client authenticating with `apiKey` (no retries: the tests count every attempt). */
  client(apiKey: string): OpenAI;
  /** Everything the process wrote, stdout and stderr interleaved. */
  output(): string;
  kill(signal: NodeJS.Signals): Promise<void>;
  readonly exited: boolean;
}

export interface StartReplicaOptions {
  name: string;
  configPath: string;
  env?: Record<string, string>;
  /** How long to wait for "tandem listening on" (a loaded 2-core machine compiles TypeScript slowly). */
  startTimeoutMs?: number;
}

export async function startReplica(options: StartReplicaOptions): Promise<Replica> {
  const child: ChildProcess = spawn(
    process.execPath,
    ['--import', 'tsx', MAIN, 'serve', '--config', options.configPath, '--port', '0', '--host', '127.0.0.1'],
    {
      cwd: ROOT,
      env: { ...process.env, ...options.env, NODE_OPTIONS: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let output = '';
  let exited = false;
  const exit = new Promise<void>((resolve) => {
    child.once('exit', () => {
      exited = true;
      resolve();
    });
  });
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));

  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => fail(`did not start within ${options.startTimeoutMs ?? 60_000} ms`), options.startTimeoutMs ?? 60_000);
    const check = (): void => {
      const match = /tandem listening on (http:\/\/[^\s]+)/.exec(output);
      if (match?.[1]) {
        clearTimeout(timer);
        child.stdout?.off('data', check);
        resolve(match[1]);
      }
    };
    function fail(why: string): void {
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(new Error(`replica ${options.name} ${why}:\n${output}`));
    }
    child.stdout?.on('data', check);
    void exit.then(() => fail(`exited with code ${child.exitCode}`));
  });

  return {
    name: options.name,
    url,
    client: (apiKey) => new OpenAI({ baseURL: `${url}/v1`, apiKey, maxRetries: 0, timeout: 20_000 }),
    output: () => output,
    get exited() {
      return exited;
    },
    async kill(signal) {
      if (exited) return;
      child.kill(signal);
      await exit;
    },
  };
}
