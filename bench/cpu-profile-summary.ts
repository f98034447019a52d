/**
 * Where a server's CPU goes, by category, from V8 CPU profiles (`--cpu-prof`): self time per category as a
 * share of busy time (idle excluded), and in µs per request when given the server's CPU µs/request from the
 * same run. Two or more profiles print side by side, e.g. the minimal gateway against Tandem:
 *
 *   BENCH_MINIMAL_NODE_ARGS="--cpu-prof --cpu-prof-dir=prof/minimal" \
 *   BENCH_TANDEM_NODE_ARGS="--cpu-prof --cpu-prof-dir=prof/tandem" BENCH_RSS_REQUESTS=0 npm run bench
 *   npx tsx bench/cpu-profile-summary.ts prof/minimal/*.cpuprofile prof/tandem/*.cpuprofile --cpu=<µs/req>,<µs/req>
 *
 * Categories: response and request syscalls (writev), SQLite (better-sqlite3 and the store's batch
 * writer, where its native calls are counted), undici, node's HTTP server, other node internals by module,
 * GC, and the application's own code by top-level folder under dist/ (or the bench server's file).
 */
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string };
}
interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
}

function category(node: ProfileNode): string | null {
  const { functionName: fn, url } = node.callFrame;
  if (fn === '(idle)') return null;
  if (fn === 'writev' || fn === 'writeUtf8String' || fn === 'writeBuffer') return 'syscalls: socket writes';
  if (fn === '(garbage collector)') return 'GC';
  if (fn === '(program)') return '(program)';
  if (url.includes('better-sqlite3') || url.includes('/store/sqlite/')) return 'SQLite';
  if (url.includes('undici')) return 'undici';
  if (url.startsWith('node:_http')) return 'node: HTTP';
  if (url.startsWith('node:internal/modules') || url.startsWith('node:internal/bootstrap')) return 'node: module loading (start-up)';
  if (url.startsWith('node:'))
    return `node: ${
      url
        .slice('node:'.length)
        .replace(/^internal\//, '')
        .split('/')[0] ?? ''
    }`;
  const dist = url.split('/dist/')[1];
  if (dist !== undefined) return `app: ${dist.includes('/') ? dist.split('/')[0] : dist}`;
  if (url.includes('/bench/')) return `app: ${basename(url)}`;
  if (url === '') return `native: ${fn}`;
  return `other: ${basename(url)}`;
}

function summarise(path: string): { busy: number; byCategory: Map<string, number> } {
  const profile = JSON.parse(readFileSync(path, 'utf8')) as CpuProfile;
  const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
  const byCategory = new Map<string, number>();
  let busy = 0;
  for (const id of profile.samples) {
    const node = nodes.get(id);
    const name = node ? category(node) : null;
    if (name === null) continue;
    busy++;
    byCategory.set(name, (byCategory.get(name) ?? 0) + 1);
  }
  return { busy, byCategory };
}

const args = process.argv.slice(2);
const cpuArg = args.find((a) => a.startsWith('--cpu='));
const perRequest = cpuArg === undefined ? [] : cpuArg.slice('--cpu='.length).split(',').map(Number);
const inputs = args.filter((a) => !a.startsWith('--')).map((path, index) => ({ path, perRequest: perRequest[index], ...summarise(path) }));
if (inputs.length === 0) {
  console.error('usage: cpu-profile-summary.ts <profile.cpuprofile> ... [--cpu=<CPU µs per request of each>,...]');
  process.exit(2);
}

const totals = new Map<string, number>();
for (const input of inputs) for (const [name, count] of input.byCategory) totals.set(name, (totals.get(name) ?? 0) + count / input.busy);
const rows = [...totals.entries()].sort((a, b) => b[1] - a[1]).map(([name]) => name);
const cell = (input: (typeof inputs)[number], name: string): string => {
  const share = (input.byCategory.get(name) ?? 0) / input.busy;
  return input.perRequest === undefined ? `${(100 * share).toFixed(1)}%` : `${(100 * share).toFixed(1)}% / ${(share * input.perRequest).toFixed(1)} µs`;
};
console.log(`| category | ${inputs.map((i) => basename(i.path)).join(' | ')} |`);
console.log(`|---|${inputs.map(() => '---').join('|')}|`);
for (const name of rows) {
  if (inputs.every((i) => (i.byCategory.get(name) ?? 0) / i.busy < 0.003)) continue;
  console.log(`| ${name} | ${inputs.map((i) => cell(i, name)).join(' | ')} |`);
}
console.log(`| busy samples | ${inputs.map((i) => String(i.busy)).join(' | ')} |`);
