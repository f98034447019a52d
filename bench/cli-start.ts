/**
 * `npm run bench:cli-start`: how long `tandem` takes from exec to exit, through bin/tandem.js from the
 * compiled build (dist/, as `npm run build` or the package's `prepare` makes it), for the commands a user
 * types first. Bare `node -e ''` is measured alongside, since on a loaded machine it is a large part of
 * every figure. Runs are interleaved so load swings hit every command alike; prints medians and p90s.
 *
 *   npm run bench:cli-start [-- --runs 25] [-- --tsx]   (--tsx: also the sources through tsx, for contrast)
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createRequire } from 'node:module';
import { parseArgs } from 'node:util';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '21' }, tsx: { type: 'boolean', default: false } } });
const runs = Number(values.runs);
const root = resolve(import.meta.dirname, '..');
const bin = join(root, 'bin', 'tandem.js');

if (!existsSync(join(root, 'dist', 'cli', 'main.js'))) {
  console.log('building dist/ (npm run build) ...');
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  const built = spawnSync(process.execPath, [tsc, '-p', 'tsconfig.build.json'], { cwd: root, stdio: 'inherit' });
  if (!existsSync(join(root, 'dist', 'cli', 'main.js'))) throw new Error(`the build failed (status ${built.status})`);
}

const dir = mkdtempSync(join(tmpdir(), 'tandem-cli-start-'));
const config = join(dir, 'tandem.yaml');
writeFileSync(config, 'models:\n  local: { provider: openai-compatible, base_url: "http://127.0.0.1:11434/v1", model: llama3.2:3b, locality: local }\n');

const cases: { name: string; args: string[] }[] = [
  { name: "node -e '' (no Tandem)", args: ['-e', ''] },
  { name: 'tandem --version', args: [bin, '--version'] },
  { name: 'tandem --help', args: [bin, '--help'] },
  { name: 'tandem validate tandem.yaml', args: [bin, 'validate', config] },
  { name: 'tandem keys --help', args: [bin, 'keys', '--help'] },
  { name: 'tandem serve --help', args: [bin, 'serve', '--help'] },
];
if (values.tsx)
  cases.push({ name: 'tandem --version (sources, tsx)', args: ['--import', import.meta.resolve('tsx'), join(root, 'src', 'cli', 'main.ts'), '--version'] });

const times = new Map<string, number[]>(cases.map((c) => [c.name, []]));
for (let i = 0; i < runs + 1; i++) {
  for (const c of cases) {
    const started = performance.now();
    const run = spawnSync(process.execPath, c.args, { cwd: dir, encoding: 'utf8' });
    const ms = performance.now() - started;
    if (run.status !== 0) throw new Error(`${c.name} exited ${run.status}: ${run.stderr}`);
    if (i > 0) times.get(c.name)?.push(ms); // the first round warms the file cache
  }
}
rmSync(dir, { recursive: true, force: true });

const quantile = (sorted: number[], q: number): number => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;
console.log(`\n${runs} runs each, interleaved; wall time from spawn to exit (ms)\n`);
console.log('| command | median | p90 |');
console.log('| --- | ---: | ---: |');
for (const c of cases) {
  const sorted = [...(times.get(c.name) ?? [])].sort((a, b) => a - b);
  console.log(`| ${c.name} | ${quantile(sorted, 0.5).toFixed(0)} | ${quantile(sorted, 0.9).toFixed(0)} |`);
}
