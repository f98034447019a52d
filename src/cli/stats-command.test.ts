process.env.TZ = 'UTC';

import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, afterEach, before, describe, test } from 'node:test';
import { Command } from 'commander';
import { configSchema, type TandemConfig } from '../config/schema.js';
import type { RequestRecord } from '../spec/request-record.js';
import { makeRecord } from '../store/request-log.contract.js';
import { openSqliteStore } from '../store/sqlite/sqlite-store.js';
import type { CliDeps } from './cli-deps.js';
import { parseTimeBound, registerStatsCommand } from './stats-command.js';

const dir = mkdtempSync(join(tmpdir(), 'tandem-stats-'));
const HOUR = 3_600_000;
const now = Date.now();
const rec = (r: Partial<RequestRecord>): RequestRecord => makeRecord({ tokensEstimated: false, ...r });
const records: RequestRecord[] = [
  // Two days ago: only in all-time totals.
  rec({ id: 'old', time: now - 48 * HOUR, route: 'chat', model: 'gpt-large', inputTokens: 1000, outputTokens: 100, cost: 0.5, baselineCost: 0.5 }),
  rec({ id: 's1', time: now - 2 * HOUR, route: 'chat', model: 'qwen-small', inputTokens: 100, outputTokens: 10, cost: 0, baselineCost: 0.03 }),
  rec({ id: 's2', time: now - 1 * HOUR, route: 'chat', model: 'qwen-small', inputTokens: 200, outputTokens: 20, cost: 0, baselineCost: 0.05, status: 502 }),
  rec({ id: 'l1', time: now - 1 * HOUR, route: 'chat', model: 'gpt-large', inputTokens: 300, outputTokens: 30, cost: 0.02, baselineCost: 0.02 }),
  rec({ id: 'd1', time: now - 1 * HOUR, route: null, model: 'gpt-large', inputTokens: 5, outputTokens: 5, cost: 0.01, baselineCost: 0 }),
];

before(async () => {
  const store = await openSqliteStore({ path: join(dir, 'stats.db'), logBodies: false });
  for (const r of records) await store.requestLog.append(r);
  await store.close();
});
after(() => rmSync(dir, { recursive: true, force: true }));
afterEach(() => {
  process.exitCode = undefined;
});

async function runStats(
  args: string[],
  options: { config?: TandemConfig } = {},
): Promise<{ stdout: string; stderr: string; exitCode: typeof process.exitCode }> {
  let stdout = '';
  let stderr = '';
  const config = options.config ?? configSchema.parse({ models: {}, store: { type: 'sqlite', path: 'stats.db' } });
  const deps: CliDeps = {
    loadConfig: async () => ({ config, baseDir: dir }),
    stdout: (s) => (stdout += s),
    stderr: (s) => (stderr += s),
  };
  const program = new Command('tandem').exitOverride().configureOutput({ writeErr: (s) => (stderr += s), writeOut: (s) => (stdout += s) });
  registerStatsCommand(program, deps);
  await program.parseAsync(['stats', '-c', 'tandem.yaml', ...args], { from: 'user' });
  const exitCode = process.exitCode;
  process.exitCode = undefined;
  return { stdout, stderr, exitCode };
}

/** The table's rows as cells, keyed by "route model". */
function tableRows(stdout: string): Map<string, string[]> {
  const rows = new Map<string, string[]>();
  for (const line of stdout.trimEnd().split('\n').slice(3)) {
    if (line.startsWith('---')) continue;
    const cells = line.split(/\s{2,}/);
    rows.set(cells[0] === 'total' ? 'total' : `${cells[0]} ${cells[1]}`, cells);
  }
  return rows;
}

test('all time: per route and model, with savings, savings % and a total line', async () => {
  const { stdout, stderr, exitCode } = await runStats([]);
  assert.equal(exitCode, undefined);
  assert.equal(stderr, '');
  const lines = stdout.split('\n');
  assert.equal(lines[0], 'requests logged (all time), costs in USD');
  assert.match(lines[1] ?? '', /^route\s+model\s+requests\s+errors\s+tokens in\s+tokens out\s+cost\s+baseline\s+savings\s+savings %$/);
  const rows = tableRows(stdout);
  assert.deepEqual([...rows.keys()], ['(direct) gpt-large', 'chat gpt-large', 'chat qwen-small', 'total']);
  assert.deepEqual(rows.get('chat qwen-small'), ['chat', 'qwen-small', '2', '1', '300', '30', '0.000000', '0.080000', '0.080000', '100.0%']);
  assert.deepEqual(rows.get('chat gpt-large'), ['chat', 'gpt-large', '2', '0', '1300', '130', '0.520000', '0.520000', '0.000000', '0.0%']);
  // No baseline cost: a percentage would be meaningless, and the negative savings are shown as they are.
  assert.deepEqual(rows.get('(direct) gpt-large'), ['(direct)', 'gpt-large', '1', '0', '5', '5', '0.010000', '0.000000', '-0.010000', '-']);
  // The total line has an empty model cell, so its numbers start one cell earlier.
  assert.deepEqual(rows.get('total'), ['total', '5', '1', '1605', '165', '0.530000', '0.600000', '0.070000', '11.7%']);
});

test('--since 24h leaves out older requests', async () => {
  const rows = tableRows((await runStats(['--since', '24h'])).stdout);
  assert.deepEqual(rows.get('chat gpt-large')?.slice(2, 5), ['1', '0', '300']);
  assert.deepEqual(rows.get('total')?.slice(1, 2), ['4']);
});

test('--until is exclusive and a window with nothing in it says so', async () => {
  const rows = tableRows((await runStats(['--since', '3d', '--until', '24h'])).stdout);
  assert.deepEqual([...rows.keys()], ['chat gpt-large', 'total']);
  const empty = await runStats(['--since', '2000-01-01', '--until', '2000-01-02']);
  assert.equal(empty.exitCode, undefined);
  assert.equal(empty.stdout, 'no requests from 2000-01-01 00:00:00 to 2000-01-02 00:00:00\n');
});

test('--json gives rows, a total and the window', async () => {
  const report = JSON.parse((await runStats(['--json', '--since', '24h'])).stdout) as {
    since: string;
    until: null;
    currency: string;
    rows: Array<{ route: string | null; model: string; requests: number; savingsPercent: number | null }>;
    total: { requests: number; cost: number; savings: number; savingsPercent: number };
  };
  assert.equal(report.currency, 'USD');
  assert.equal(report.until, null);
  assert.ok(Math.abs(Date.parse(report.since) - (now - 24 * HOUR)) < 60_000);
  assert.deepEqual(
    report.rows.map((r) => [r.route, r.model, r.requests, r.savingsPercent]),
    [
      [null, 'gpt-large', 1, null],
      ['chat', 'gpt-large', 1, 0],
      ['chat', 'qwen-small', 2, 100],
    ],
  );
  assert.equal(report.total.requests, 4);
  assert.ok(Math.abs(report.total.savings - 0.07) < 1e-12);
});

test('a log that does not exist yet fails with a hint', async () => {
  const { stdout, stderr, exitCode } = await runStats([], {
    config: configSchema.parse({ models: {}, store: { type: 'sqlite', path: 'nothing-here.db' } }),
  });
  assert.equal(exitCode, 1);
  assert.equal(stdout, '');
  assert.equal(stderr, `tandem stats: no requests logged yet at ${join(dir, 'nothing-here.db')}; start the gateway with \`tandem serve\`\n`);
});

test('bad windows are rejected with a clear message', async () => {
  await assert.rejects(runStats(['--since', 'yesterday']), { code: 'commander.invalidArgument' });
  const reversed = await runStats(['--since', '1h', '--until', '2d']);
  assert.equal(reversed.exitCode, 1);
  assert.equal(reversed.stderr, 'tandem stats: --since must be earlier than --until\n');
});

describe('parseTimeBound', () => {
  const at = Date.UTC(2025, 5, 15, 12, 0, 0);
  test('durations count back from now', () => {
    assert.equal(parseTimeBound('30m', at), at - 30 * 60_000);
    assert.equal(parseTimeBound('24h', at), at - 24 * HOUR);
    assert.equal(parseTimeBound('7d', at), at - 7 * 24 * HOUR);
    assert.equal(parseTimeBound('2w', at), at - 14 * 24 * HOUR);
  });
  test('dates are local midnight; date-times keep their zone', () => {
    assert.equal(parseTimeBound('2025-06-01', at), Date.UTC(2025, 5, 1));
    assert.equal(parseTimeBound('2025-06-01T10:30:00Z', at), Date.UTC(2025, 5, 1, 10, 30));
    assert.equal(parseTimeBound('2025-06-01T10:30:00+02:00', at), Date.UTC(2025, 5, 1, 8, 30));
  });
  test('anything else is an error', () => {
    for (const bad of ['1', 'yesterday', '24', '2025-13-45', '-1h']) {
      assert.throws(() => parseTimeBound(bad, at), { code: 'commander.invalidArgument' }, bad);
    }
  });
});
