// Times print in the local zone; pin it so the expected strings hold on every machine.
process.env.TZ = 'UTC';

import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, afterEach, before, test } from 'node:test';
import { Command } from 'commander';
import { ConfigError } from '../config/config-error.js';
import { configSchema, type TandemConfig } from '../config/schema.js';
import type { RequestRecord } from '../spec/request-record.js';
import { makeRecord } from '../store/request-log.contract.js';
import { openSqliteStore } from '../store/sqlite/sqlite-store.js';
import type { CliDeps } from './cli-deps.js';
import { registerLogsCommand } from './logs-command.js';

const dir = mkdtempSync(join(tmpdir(), 'tandem-logs-'));
const T0 = Date.UTC(2025, 5, 1, 12, 0, 0);
const records: RequestRecord[] = [
  makeRecord({
    id: 'req-a',
    time: T0,
    route: 'chat',
    model: 'qwen-small',
    reason: 'score 0.21 < 0.5',
    cost: 0,
    tokensEstimated: false,
    attempts: [{ model: 'qwen-small', error: null, durationMs: 80 }],
  }),
  makeRecord({
    id: 'req-b',
    time: T0 + 60_000,
    route: 'chat',
    model: 'gpt-large',
    reason: 'score 0.83 >= 0.5 -> qwen-small',
    attempts: [
      { model: 'qwen-small', error: 'connection refused', durationMs: 3 },
      { model: 'gpt-large', error: null, durationMs: 2200 },
    ],
    inputTokens: 1500,
    outputTokens: 320,
    tokensEstimated: false,
    cost: 0.0123,
    ttftMs: 412.4,
    totalMs: 2210.6,
  }),
  makeRecord({
    id: 'req-c',
    time: T0 + 120_000,
    route: null,
    model: 'qwen-small',
    reason: 'model named directly',
    status: 502,
    error: 'upstream 503',
    ttftMs: null,
    inputTokens: 12,
    outputTokens: 0,
  }),
];

const feedbackOfB = {
  requestId: 'req-b',
  source: 'client' as const,
  route: 'chat',
  model: 'gpt-large',
  keyId: null,
  time: T0 + 62_000,
  score: 0.2,
  label: 'refund',
  correct: false,
  comment: 'wrong intent',
};

before(async () => {
  const store = await openSqliteStore({ path: join(dir, 'logs.db'), logBodies: true });
  for (const r of records) await store.requestLog.append(r);
  // Two ratings of req-b: the table and --json show the latest.
  await store.feedback.record({ ...feedbackOfB, score: 0.9, label: null, time: T0 + 61_000 });
  await store.feedback.record(feedbackOfB);
  await store.close();
});
after(() => rmSync(dir, { recursive: true, force: true }));
afterEach(() => {
  // A failing command sets it on purpose; left set, it would fail the whole test run.
  process.exitCode = undefined;
});

function config(store: unknown): TandemConfig {
  return configSchema.parse({ models: {}, store, currency: 'EUR' });
}

async function runLogs(
  args: string[],
  options: { config?: TandemConfig; loadConfig?: CliDeps['loadConfig'] } = {},
): Promise<{ stdout: string; stderr: string; exitCode: typeof process.exitCode; loaded: string[] }> {
  let stdout = '';
  let stderr = '';
  const loaded: string[] = [];
  const cfg = options.config ?? config({ type: 'sqlite', path: 'logs.db' });
  const deps: CliDeps = {
    loadConfig:
      options.loadConfig ??
      (async (path) => {
        loaded.push(path);
        return { config: cfg, baseDir: dir };
      }),
    stdout: (s) => (stdout += s),
    stderr: (s) => (stderr += s),
  };
  const program = new Command('tandem').exitOverride().configureOutput({ writeErr: (s) => (stderr += s), writeOut: (s) => (stdout += s) });
  registerLogsCommand(program, deps);
  await program.parseAsync(['logs', ...args], { from: 'user' });
  const exitCode = process.exitCode;
  process.exitCode = undefined;
  return { stdout, stderr, exitCode, loaded };
}

test('prints recent requests newest first as an aligned table', async () => {
  const { stdout, stderr, exitCode, loaded } = await runLogs(['--config', 'gateway.yaml']);
  assert.equal(exitCode, undefined);
  assert.equal(stderr, '');
  assert.deepEqual(loaded, ['gateway.yaml']);
  const lines = stdout.trimEnd().split('\n');
  assert.match(lines[0] ?? '', /^time\s+id\s+route\s+model\s+why\s+in\s+out\s+cost\s+ttft ms\s+total ms\s+status\s+feedback$/);
  assert.deepEqual(
    lines.slice(2, 5).map((l) => l.split(/\s{2,}/)),
    [
      [
        '2025-06-01 12:02:00',
        'req-c',
        '(direct)',
        'qwen-small',
        'model named directly; failed (502): upstream 503',
        '~12',
        '~0',
        '0.000013',
        '-',
        '513',
        '502',
        '-',
      ],
      [
        '2025-06-01 12:01:00',
        'req-b',
        'chat',
        'gpt-large',
        'score 0.83 >= 0.5 -> qwen-small; fell back -> gpt-large',
        '1500',
        '320',
        '0.012300',
        '412',
        '2211',
        '200',
        '0.20 ✗ refund',
      ],
      ['2025-06-01 12:00:00', 'req-a', 'chat', 'qwen-small', 'score 0.21 < 0.5; answered by qwen-small', '120', '48', '0.000000', '87', '513', '200', '-'],
    ],
  );
  // Numbers are right-aligned: every row's status ends where the header's does (feedback, text, follows).
  const statusEnd = (lines[0] ?? '').indexOf('status') + 'status'.length;
  for (const line of lines.slice(2, 5)) assert.match(line.slice(statusEnd - 3, statusEnd + 2), /^\d{3} {2}$/);
  assert.equal(lines[5], '(cost in EUR; ~ = estimated token count)');
});

test('--limit, --route and --model narrow the list', async () => {
  const ids = (out: string): string[] => [...out.matchAll(/req-[abc]/g)].map((m) => m[0]);
  assert.deepEqual(ids((await runLogs(['-c', 'x.yaml', '--limit', '2'])).stdout), ['req-c', 'req-b']);
  assert.deepEqual(ids((await runLogs(['-c', 'x.yaml', '--route', 'chat'])).stdout), ['req-b', 'req-a']);
  assert.deepEqual(ids((await runLogs(['-c', 'x.yaml', '--model', 'qwen-small'])).stdout), ['req-c', 'req-a']);
  const none = await runLogs(['-c', 'x.yaml', '--route', 'nope']);
  assert.equal(none.stdout, 'no requests match these filters\n');
  assert.equal(none.exitCode, undefined);
});

test('--json prints the full records, each with its latest feedback', async () => {
  const { stdout } = await runLogs(['-c', 'x.yaml', '--json', '--limit', '5']);
  const expected = [...records].reverse().map((r) => ({ ...r, feedback: r.id === 'req-b' ? { ...feedbackOfB, seq: 2 } : null }));
  assert.deepEqual(JSON.parse(stdout), expected);
});

test('a log that does not exist yet fails with a hint and is not created', async () => {
  const { stdout, stderr, exitCode } = await runLogs(['-c', 'x.yaml'], { config: config({ type: 'sqlite', path: 'missing/t.db' }) });
  const path = join(dir, 'missing', 't.db');
  assert.equal(exitCode, 1);
  assert.equal(stdout, '');
  assert.equal(stderr, `tandem logs: no requests logged yet at ${path}; start the gateway with \`tandem serve\`\n`);
  assert.equal(existsSync(path), false);
});

test('a memory store has no log to read: says so and fails', async () => {
  const { stderr, exitCode } = await runLogs(['-c', 'x.yaml'], { config: config({ type: 'memory' }) });
  assert.equal(exitCode, 1);
  assert.match(stderr, /store: \{type: memory\}.*only inside the running gateway/);
});

test('a config error is printed as the loader formats it', async () => {
  const { stderr, exitCode } = await runLogs(['-c', 'bad.yaml'], {
    loadConfig: async () => {
      throw new ConfigError({ source: 'bad.yaml', issues: [{ path: 'store.type', message: 'unknown store type' }] });
    },
  });
  assert.equal(exitCode, 1);
  assert.equal(stderr, 'bad.yaml: store.type: unknown store type\n');
});

test('an invalid --limit is rejected before anything is read', async () => {
  await assert.rejects(runLogs(['-c', 'x.yaml', '--limit', 'ten']), { code: 'commander.invalidArgument' });
  await assert.rejects(runLogs(['-c', 'x.yaml', '--limit', '0']), { code: 'commander.invalidArgument' });
});

test('without --config or ./tandem.yaml it reads the built-in log at ./.tandem/tandem.db', async () => {
  const cwd = process.cwd();
  const work = join(dir, 'no-config');
  const store = await openSqliteStore({ path: join(work, '.tandem', 'tandem.db'), logBodies: false });
  await store.requestLog.append(makeRecord({ id: 'builtin-1' }));
  await store.close();
  process.chdir(work);
  try {
    const { stdout, exitCode, loaded } = await runLogs([]);
    assert.equal(exitCode, undefined);
    assert.deepEqual(loaded, []);
    assert.match(stdout, /builtin-1/);
    assert.match(stdout, /cost in USD/);
  } finally {
    process.chdir(cwd);
  }
});
