/** `tandem experiments list|show|stop` against a real SQLite store file. */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, afterEach, before, describe, test } from 'node:test';
import { Command } from 'commander';
import { configSchema } from '../config/schema.js';
import { emptyArmState, type ExperimentState } from '../lifecycle/experiment-store.js';
import { openSqliteStore } from '../store/sqlite/sqlite-store.js';
import type { CliDeps } from './cli-deps.js';
import { registerExperimentsCommand } from './experiments-command.js';

const dir = mkdtempSync(join(tmpdir(), 'tandem-experiments-'));
const running: ExperimentState = {
  name: 'chat:cand',
  route: 'chat',
  control: 'live',
  candidate: 'cand',
  metric: 'error_rate',
  status: 'running',
  reason: null,
  arms: {
    control: { ...emptyArmState(), n: 200, sum: 20, sumSq: 20, requests: 200, errors: 20 },
    candidate: { ...emptyArmState(), n: 20, sum: 1, sumSq: 1, requests: 20, errors: 1 },
  },
  startedAt: Date.UTC(2026, 0, 2),
  updatedAt: Date.UTC(2026, 0, 2),
  decidedAt: null,
};

before(async () => {
  const store = await openSqliteStore({ path: join(dir, 'tandem.db'), logBodies: false });
  await store.experiments.save(running);
  await store.experiments.save({
    ...running,
    name: 'old',
    status: 'rolled_back',
    reason: 'guardrail',
    startedAt: Date.UTC(2025, 0, 1),
    decidedAt: Date.UTC(2025, 0, 2),
  });
  await store.close();
});
after(() => rmSync(dir, { recursive: true, force: true }));
afterEach(() => {
  process.exitCode = undefined;
});

async function run(args: string[]): Promise<{ stdout: string; stderr: string; exitCode: typeof process.exitCode }> {
  let stdout = '';
  let stderr = '';
  const config = configSchema.parse({ models: {}, store: { type: 'sqlite', path: 'tandem.db' } });
  const deps: CliDeps = { loadConfig: async () => ({ config, baseDir: dir }), stdout: (s) => (stdout += s), stderr: (s) => (stderr += s) };
  const program = new Command('tandem').exitOverride().configureOutput({ writeErr: (s) => (stderr += s), writeOut: (s) => (stdout += s) });
  registerExperimentsCommand(program, deps);
  await program.parseAsync(['experiments', ...args, '-c', 'tandem.yaml'], { from: 'user' });
  const exitCode = process.exitCode;
  process.exitCode = undefined;
  return { stdout, stderr, exitCode };
}

describe('tandem experiments', () => {
  test('list: a table newest first, and --json', async () => {
    const { stdout, exitCode } = await run(['list']);
    assert.equal(exitCode, undefined);
    const lines = stdout
      .trim()
      .split('\n')
      .filter((l) => !/^[-\s]+$/.test(l));
    assert.match(lines[0] ?? '', /^NAME\s+ROUTE\s+METRIC\s+STATUS\s+CONTROL\s+CANDIDATE/);
    assert.match(lines[1] ?? '', /^chat:cand\s+chat\s+error_rate\s+running\s+live n=200 mean=0\.1\s+cand n=20 mean=0\.05/);
    assert.match(lines[2] ?? '', /^old\s.*rolled_back/);
    const json = JSON.parse((await run(['list', '--json'])).stdout) as Array<{ name: string; control: { mean: number } }>;
    assert.deepEqual(
      json.map((e) => [e.name, e.control.mean]),
      [
        ['chat:cand', 0.1],
        ['old', 0.1],
      ],
    );
  });

  test('show: arms and the decision; an unknown name fails', async () => {
    const { stdout } = await run(['show', 'old']);
    assert.match(stdout, /experiment old on route chat/);
    assert.match(stdout, /status\s+rolled_back: guardrail/);
    assert.match(stdout, /control\s+live: 200 requests, 20 errors, 200 observations, mean 0\.1/);
    const missing = await run(['show', 'nope']);
    assert.equal(missing.exitCode, 1);
    assert.match(missing.stderr, /no experiment named "nope"/);
  });

  test('stop: ends a running experiment once; a second stop fails', async () => {
    const first = await run(['stop', 'chat:cand']);
    assert.equal(first.exitCode, undefined, first.stderr);
    assert.equal(first.stdout, 'stopped experiment chat:cand\n');
    const shown = JSON.parse((await run(['show', 'chat:cand', '--json'])).stdout) as { status: string; reason: string };
    assert.deepEqual([shown.status, shown.reason], ['stopped', 'stopped with tandem experiments stop']);
    const again = await run(['stop', 'chat:cand']);
    assert.equal(again.exitCode, 1);
    assert.match(again.stderr, /not running \(stopped\)/);
  });
});
