/**
 * What the gateway benchmarks share: compiling Tandem and the bench servers, starting each as its own
 * process from compiled JavaScript, and reading a process's CPU time and RSS from /proc.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

export interface Target {
  name: string;
  origin: string;
  process: ChildProcess;
}

/** Starts `node <args>` and resolves once it printed its port (a bare number, or Tandem's "listening on" line). */
export async function spawnServer(name: string, args: string[], options: { stderr?: 'inherit' | 'pipe' } = {}): Promise<Target> {
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', options.stderr ?? 'inherit'] });
  const lines = createInterface({ input: child.stdout! });
  for await (const line of lines) {
    const port = /listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(line)?.[1] ?? (/^\d+$/.test(line.trim()) ? line.trim() : undefined);
    if (port) {
      lines.close();
      child.stdout?.resume();
      return { name, origin: `http://127.0.0.1:${port}`, process: child };
    }
  }
  throw new Error(`${name} exited before listening`);
}

/** Runs tsc; type errors elsewhere in a tree being edited still emit JavaScript, so only missing output is fatal. */
function compile(args: string[], expected: string): void {
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  const result = spawnSync(process.execPath, [tsc, ...args], { encoding: 'utf8' });
  if (result.status !== 0) console.error(`warning: tsc ${args.join(' ')} reported errors:\n${result.stdout.slice(0, 2000)}`);
  if (!existsSync(expected)) throw new Error(`tsc did not emit ${expected}`);
}

/**
 * Builds Tandem (`dist/`, as `npm run build`) and the bench servers (fake upstream, bare proxy, minimal
 * gateway, and the heap sampler `bench:alloc` preloads); returns the directory the servers were compiled
 * into (inside the repository, bench/results/ is git-ignored, so they resolve undici and ESM like the sources).
 */
export function compileBenchServers(): string {
  compile(['-p', 'tsconfig.build.json'], 'dist/cli/main.js');
  const servers = join('bench', 'results', 'servers');
  const serverArgs = ['--outDir', servers, '--rootDir', 'bench/servers', '--module', 'nodenext', '--target', 'es2022', '--skipLibCheck', '--types', 'node'];
  const sources = ['upstream-server', 'bare-proxy', 'minimal-gateway', 'heap-sampler'].map((name) => `bench/servers/${name}.ts`);
  compile([...serverArgs, ...sources], join(servers, 'heap-sampler.js'));
  return servers;
}

/** User + system CPU milliseconds a process has used so far (Linux /proc, clock ticks of 10 ms). */
export function cpuMs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

export function rssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? NaN) / 1024;
}

/** Stops the targets with SIGTERM and waits for each to exit. */
export async function stopAll(targets: readonly Target[]): Promise<void> {
  await Promise.all(
    targets.map((target) => {
      const exited = new Promise((resolve) => target.process.once('exit', resolve));
      target.process.kill('SIGTERM');
      return exited;
    }),
  );
}
