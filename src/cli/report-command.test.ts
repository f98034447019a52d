import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, afterEach, before, test } from 'node:test';
import { Command } from 'commander';
import { configSchema } from '../config/schema.js';
import type { RequestRecord } from '../spec/request-record.js';
import { makeRecord } from '../store/request-log.contract.js';
import { openSqliteStore } from '../store/sqlite/sqlite-store.js';
import type { SavingsReport } from '../telemetry/report/build-report.js';
import type { CliDeps } from './cli-deps.js';
import { registerReportCommand } from './report-command.js';

const dir = mkdtempSync(join(tmpdir(), 'tandem-report-'));
const HOUR = 3_600_000;
const now = Date.now();
const config = configSchema.parse({
  store: { type: 'sqlite', path: 'report.db' },
  currency: 'EUR',
  models: {
    small: { provider: 'openai-compatible', base_url: 'http://127.0.0.1:1/v1', locality: 'local' },
    large: { provider: 'openai-compatible', base_url: 'http://127.0.0.1:2/v1', locality: 'cloud', pricing: { input_per_1m: 2, output_per_1m: 8 } },
  },
});
let seq = 0;
const rec = (r: Partial<RequestRecord>): RequestRecord => makeRecord({ id: `r${seq++}`, attempts: [], privacy: undefined, status: 200, route: 'chat', ...r });
// Latencies spread so p50 and p95 differ clearly; the small model is fast, the large one slow.
const records: RequestRecord[] = [
  ...Array.from({ length: 20 }, (_, i) =>
    rec({ time: now - 5 * HOUR + i * 60_000, model: 'small', totalMs: 100 + i * 10, inputTokens: 50 + i, outputTokens: 10, cost: 0, baselineCost: 0.001 }),
  ),
  ...Array.from({ length: 10 }, (_, i) =>
    rec({
      time: now - 2 * HOUR + i * 60_000,
      model: 'large',
      totalMs: 2_000 + i * 100,
      inputTokens: 400,
      outputTokens: 80 + i,
      cost: 0.002,
      baselineCost: 0.002,
    }),
  ),
  rec({ time: now - 1 * HOUR, route: null, model: 'large', totalMs: 900, inputTokens: 10, outputTokens: 5, cost: 0.0001, baselineCost: 0.0001 }),
  rec({ time: now - 1 * HOUR, model: 'large', status: 503, totalMs: 30, inputTokens: 0, outputTokens: 0, cost: 0, baselineCost: 0 }),
  // Outside the window used below.
  rec({ time: now - 30 * HOUR, model: 'large', totalMs: 1_000, cost: 5, baselineCost: 5 }),
];

before(async () => {
  const store = await openSqliteStore({ path: join(dir, 'report.db'), logBodies: false });
  for (const r of records) await store.requestLog.append(r);
  await store.close();
});
after(() => rmSync(dir, { recursive: true, force: true }));
afterEach(() => {
  process.exitCode = undefined;
});

async function runReport(args: string[]): Promise<{ stdout: string; stderr: string; exitCode: typeof process.exitCode }> {
  let stdout = '';
  let stderr = '';
  const deps: CliDeps = { loadConfig: async () => ({ config, baseDir: dir }), stdout: (s) => (stdout += s), stderr: (s) => (stderr += s) };
  const program = new Command('tandem').exitOverride().configureOutput({ writeErr: (s) => (stderr += s), writeOut: (s) => (stdout += s) });
  registerReportCommand(program, deps);
  await program.parseAsync(['report', '-c', 'tandem.yaml', ...args], { from: 'user' });
  const exitCode = process.exitCode;
  process.exitCode = undefined;
  return { stdout, stderr, exitCode };
}

const inWindow = records.filter((r) => r.time >= now - 24 * HOUR);
const sum = (rs: RequestRecord[], f: (r: RequestRecord) => number): number => rs.reduce((s, r) => s + f(r), 0);
function exactPercentile(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil(q * sorted.length) - 1)] ?? Number.NaN;
}

test('--json: per route and model totals, savings, local share and latency percentiles from the log', async () => {
  const { stdout, exitCode, stderr } = await runReport(['--since', '24h', '--json']);
  assert.equal(exitCode, undefined, stderr);
  const report = JSON.parse(stdout) as Omit<SavingsReport, 'since' | 'until'> & { since: string; until: string };
  assert.equal(report.currency, 'EUR');
  for (const [route, model] of [
    ['chat', 'small'],
    ['chat', 'large'],
    [null, 'large'],
  ] as const) {
    const mine = inWindow.filter((r) => r.route === route && r.model === model);
    const row = report.rows.find((r) => r.route === route && r.model === model);
    assert.ok(row, `${route} ${model}`);
    assert.equal(row.requests, mine.length);
    assert.equal(row.errors, mine.filter((r) => r.status >= 400).length);
    assert.equal(
      row.inputTokens,
      sum(mine, (r) => r.inputTokens),
    );
    assert.equal(
      row.outputTokens,
      sum(mine, (r) => r.outputTokens),
    );
    assert.ok(Math.abs(row.cost - sum(mine, (r) => r.cost)) < 1e-12);
    assert.ok(Math.abs(row.savings - sum(mine, (r) => r.baselineCost - r.cost)) < 1e-12);
    assert.equal(row.localSharePercent, model === 'small' ? 100 : 0);
  }
  const small = report.models.find((m) => m.model === 'small');
  const smallRow = report.rows.find((r) => r.model === 'small');
  const smallLatencies = inWindow.filter((r) => r.model === 'small').map((r) => r.totalMs);
  // The store's log-scale histogram is within 20% of the exact percentile.
  for (const [q, value] of [
    [0.5, small?.p50Ms],
    [0.95, small?.p95Ms],
  ] as const) {
    const exact = exactPercentile(smallLatencies, q);
    assert.ok(value !== undefined && value !== null && Math.abs(value - exact) / exact <= 0.2, `p${q * 100} ${value} vs ${exact}`);
  }
  assert.equal(smallRow?.savingsPercent, 100);
  // Latency is per model: listed once per model, not repeated on every route row.
  assert.deepEqual(
    report.models.map((m) => [m.model, m.requests]),
    [
      ['small', 20],
      ['large', 12],
    ],
  );
  assert.ok(report.rows.every((r) => !('p50Ms' in r)));
  const chat = report.routes.find((r) => r.route === 'chat');
  const chatRecords = inWindow.filter((r) => r.route === 'chat');
  assert.equal(chat?.requests, chatRecords.length);
  assert.ok(Math.abs((chat?.localSharePercent ?? 0) - (chatRecords.filter((r) => r.model === 'small').length / chatRecords.length) * 100) < 1e-9);
  assert.equal(report.total.requests, inWindow.length);
  const baseline = sum(inWindow, (r) => r.baselineCost);
  assert.ok(Math.abs((report.total.savingsPercent ?? 0) - ((baseline - sum(inWindow, (r) => r.cost)) / baseline) * 100) < 1e-9);
  // The time series covers the window and adds up to the same totals.
  assert.equal(
    report.buckets.reduce((s, b) => s + b.local + b.cloud + b.other, 0),
    inWindow.length,
  );
  assert.equal(
    report.buckets.reduce((s, b) => s + b.local, 0),
    inWindow.filter((r) => r.model === 'small').length,
  );
});

test('the table shows every route and model row, route subtotals and a total', async () => {
  const { stdout, exitCode } = await runReport(['--since', '24h']);
  assert.equal(exitCode, undefined);
  const lines = stdout.trimEnd().split('\n');
  assert.match(lines[0] ?? '', /^savings report from .* costs in EUR$/);
  assert.match(lines[1] ?? '', /^route\s+model\s+requests\s+tokens in\s+tokens out\s+cost\s+baseline\s+savings\s+savings %\s+local %$/);
  const blank = lines.indexOf('');
  const rows = lines
    .slice(3, blank)
    .filter((l) => !l.startsWith('---'))
    .map((l) => l.split(/\s{2,}/));
  // Then one line per model with its latency: nothing per model repeats on the route rows.
  assert.match(lines[blank + 1] ?? '', /^model\s+locality\s+requests\s+after a failure\s+p50\s+p95$/);
  const models = lines.slice(blank + 3).map((l) => l.split(/\s{2,}/));
  assert.deepEqual(
    models.map((m) => m[0]),
    ['small', 'large'],
  );
  assert.deepEqual(rows.map((r) => `${r[0]} ${r[1]}`).slice(0, 3), ['(direct) large', 'chat large', 'chat small']);
  assert.ok(rows.some((r) => r[0] === 'chat' && r[1] === '(all)'));
  const total = rows.find((r) => r[0] === 'total');
  assert.equal(total?.[1], String(inWindow.length));
});

test('--html writes one self-contained file with the cost and traffic-split charts', async () => {
  const out = join(dir, 'report.html');
  const { stdout, exitCode } = await runReport(['--since', '24h', '--html', out]);
  assert.equal(exitCode, undefined);
  assert.match(stdout, /^wrote .*report\.html/);
  const html = readFileSync(out, 'utf8');
  assert.match(html, /^<!doctype html>/);
  assert.doesNotMatch(html, /<script|<link|src=|url\(/i, 'nothing to fetch, nothing to run');
  assert.equal((html.match(/<svg /g) ?? []).length, 3);
  assert.match(html, /Cumulative cost vs\. sending everything to the baseline model/);
  assert.match(html, /Traffic split over time/);
  // One bar per non-empty bucket and locality; every request is in some bar.
  const barTitles = [...html.matchAll(/<title>(local|cloud|no model \/ unknown) \d{4}-\d\d-\d\d \d\d:\d\d: (\d+)<\/title>/g)];
  assert.equal(
    barTitles.reduce((s, m) => s + Number(m[2]), 0),
    inWindow.length,
  );
  assert.match(html, /<td>chat<\/td><td>small<\/td><td>local<\/td>/);
  // The tables scroll sideways inside their own box on a narrow screen rather than widening the page.
  assert.equal((html.match(/<div class="table-wrap"><table>/g) ?? []).length, 2);
  assert.match(html, /\.table-wrap\{overflow-x:auto/);
});

test('bad ranges are refused with a clear message', async () => {
  const backwards = await runReport(['--since', '1h', '--until', '2h']);
  assert.equal(backwards.exitCode, 1);
  assert.match(backwards.stderr, /--since must be earlier than --until/);
  const empty = await runReport(['--since', '2000-01-01', '--until', '2000-01-02']);
  assert.equal(empty.exitCode, undefined);
  assert.match(empty.stdout, /^no requests from 2000-01-0/);
});

test('without --since: from the first request when the log is younger than 7 days, and the report says so', async () => {
  const first = Math.min(...records.map((r) => r.time));
  const { stdout, exitCode } = await runReport(['--json']);
  assert.equal(exitCode, undefined);
  const report = JSON.parse(stdout) as { since: string; total: { requests: number } };
  assert.equal(Date.parse(report.since), Math.floor(first / HOUR) * HOUR, 'starts at the hour of the first request, not 7 days back');
  assert.equal(report.total.requests, records.length);
  const table = await runReport([]);
  assert.match(table.stdout, /^savings report from \S+ \(the first request; --since for another start\) to /);
});
