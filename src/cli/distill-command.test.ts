import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, afterEach, before, test } from 'node:test';
import { Command } from 'commander';
import { configSchema } from '../config/schema.js';
import { generatedExamples, TEST_LABELS } from '../distill/testing-examples.js';
import { openSqliteStore } from '../store/sqlite/sqlite-store.js';
import type { CliDeps } from './cli-deps.js';
import { registerDistillCommands } from './distill-command.js';

const dir = mkdtempSync(join(tmpdir(), 'tandem-distill-cli-'));
const config = configSchema.parse({
  store: { type: 'sqlite', path: 'tandem.db' },
  models: { teacher: { provider: 'openai-compatible', base_url: 'http://127.0.0.1:9/v1', locality: 'cloud' } },
  routes: { 'support/intent': { models: ['teacher'], task: { labels: TEST_LABELS } }, plain: { models: ['teacher'] } },
});

before(async () => {
  const store = await openSqliteStore({ path: join(dir, 'tandem.db'), logBodies: false });
  for (const [i, e] of generatedExamples(400).entries()) await store.taskExamples.capture({ route: 'support/intent', input: e.input, label: e.label, time: i });
  await store.close();
});
after(() => rmSync(dir, { recursive: true, force: true }));
afterEach(() => {
  process.exitCode = undefined;
});

async function tandem(...args: string[]): Promise<{ stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const deps: CliDeps = { loadConfig: async () => ({ config, baseDir: dir }), stdout: (s) => (stdout += s), stderr: (s) => (stderr += s) };
  const program = new Command('tandem').exitOverride();
  registerDistillCommands(program, deps);
  await program.parseAsync(['node', 'tandem', ...args, '--config', join(dir, 'tandem.yaml')]);
  return { stdout, stderr };
}

test('distill trains, prints metrics and promotes; students list and show report the versions', async () => {
  const first = JSON.parse((await tandem('distill', '--route', 'support/intent', '--json')).stdout) as {
    version: number;
    promoted: boolean;
    examples: number;
    metrics: { coverage: number; agreement: number };
  };
  assert.equal(first.version, 1);
  assert.equal(first.promoted, true);
  assert.equal(first.examples, 400);
  assert.ok(first.metrics.coverage > 0.8 && first.metrics.agreement >= 0.98, JSON.stringify(first.metrics));

  // The same examples again: no better on the same held-out set, so v1 keeps serving.
  const again = await tandem('distill', '--route', 'support/intent');
  assert.match(again.stdout, /student:support\/intent@v2 not promoted/);
  assert.match(again.stdout, /previous v1 on the same held-out examples/);

  const list = await tandem('students', 'list');
  assert.match(list.stdout, /support\/intent\s+v2\s+candidate/);
  assert.match(list.stdout, /support\/intent\s+v1\s+active/);
  const shown = JSON.parse((await tandem('students', 'show', 'support/intent', '1', '--json')).stdout) as {
    status: string;
    hasArtifact: boolean;
    examples: number;
  };
  assert.deepEqual([shown.status, shown.hasArtifact, shown.examples], ['active', true, 400]);
});

test('a route without a task, or an unknown version, is a clear error', async () => {
  const plain = await tandem('distill', '--route', 'plain');
  assert.match(plain.stderr, /route "plain" declares no task; task routes: support\/intent/);
  assert.equal(process.exitCode, 1);
  process.exitCode = undefined;
  const missing = await tandem('students', 'show', 'support/intent', '9');
  assert.match(missing.stderr, /no student v9 for route "support\/intent"/);
});
