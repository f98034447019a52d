/**
 * The peer gateways `npm run bench:peers` compares Tandem with, installed from npm into a cache directory
 * on first use (never a dependency of Tandem): Portkey's open-source gateway. Pinned, so two runs months
 * apart compare the same code. `TANDEM_BENCH_CACHE` moves the cache (default ~/.cache/tandem-bench).
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { Target } from './bench-processes.js';

export const PORTKEY_PACKAGE = '@portkey-ai/gateway';
export const PORTKEY_VERSION = '1.15.2';

function cacheDir(): string {
  return process.env.TANDEM_BENCH_CACHE ?? join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'tandem-bench');
}

/** The installed Portkey server's entry point, installing it first when the cache lacks it. */
export function ensurePortkey(): string {
  const prefix = join(cacheDir(), `portkey-${PORTKEY_VERSION}`);
  const entry = join(prefix, 'node_modules', PORTKEY_PACKAGE, 'build', 'start-server.js');
  if (existsSync(entry)) return entry;
  mkdirSync(prefix, { recursive: true });
  console.log(`installing ${PORTKEY_PACKAGE}@${PORTKEY_VERSION} into ${prefix} (first run only)`);
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const result = spawnSync(
    npm,
    ['install', '--prefix', prefix, '--no-audit', '--no-fund', '--no-save', '--ignore-scripts', `${PORTKEY_PACKAGE}@${PORTKEY_VERSION}`],
    { stdio: 'inherit' },
  );
  if (result.status !== 0 || !existsSync(entry)) throw new Error(`could not install ${PORTKEY_PACKAGE}@${PORTKEY_VERSION} (npm exited ${result.status})`);
  return entry;
}

async function freePort(): Promise<number> {
  return await new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => (typeof address === 'object' && address !== null ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

/**
 * Starts Portkey's gateway (headless: no console UI) in production mode, as its docs deploy it, and
 * resolves once it answers HTTP. It listens on every interface; the bench talks to it on loopback.
 */
export async function spawnPortkey(entry: string): Promise<Target> {
  const port = await freePort();
  const child = spawn(process.execPath, [entry, `--port=${port}`, '--headless'], {
    stdio: ['ignore', 'ignore', 'inherit'],
    env: { ...process.env, NODE_ENV: 'production' },
  });
  const origin = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`portkey exited (${child.exitCode}) before listening`);
    try {
      await fetch(origin, { signal: AbortSignal.timeout(500) });
      return { name: 'portkey', origin, process: child };
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  child.kill('SIGKILL');
  throw new Error('portkey did not start listening within 30 s');
}
