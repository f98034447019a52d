/** `tandem registry` against a real SQLite file: register, promote, rollback, list, show, and clear refusals. */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { Command } from 'commander';
import { verifyAuditChain } from '../governance/audit-chain.js';
import { openSqliteStore } from '../store/sqlite/sqlite-store.js';
import type { CliDeps } from './cli-deps.js';
import { registerRegistryCommand } from './registry-command.js';

const dir = mkdtempSync(join(tmpdir(), 'tandem-registry-cli-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const config = join(dir, 'tandem.yaml');
writeFileSync(
  config,
  'store: { type: sqlite, path: tandem.db }\nmodels:\n  small: { provider: openai-compatible, base_url: "http://127.0.0.1:1/v1", model: m, locality: local }\n',
);
for (const n of [1, 2, 3]) writeFileSync(join(dir, `scorer-${n}.json`), JSON.stringify({ scorer: n }));

async function run(args: string[]): Promise<{ out: string; err: string; code: number }> {
  let out = '';
  let err = '';
  const deps: CliDeps = { loadConfig: () => Promise.reject(new Error('unused')), stdout: (s) => (out += s), stderr: (s) => (err += s) };
  const program = new Command('tandem').exitOverride().configureOutput({ writeErr: (s) => (err += s) });
  registerRegistryCommand(program, deps);
  process.exitCode = 0;
  try {
    await program.parseAsync(['node', 'tandem', 'registry', ...args]);
  } catch {
    process.exitCode = 1; // commander's own refusal (exitOverride)
  }
  const code = Number(process.exitCode ?? 0);
  process.exitCode = 0;
  return { out, err, code };
}

const json = <T>(result: { out: string; err: string; code: number }): T => {
  assert.equal(result.code, 0, result.err);
  return JSON.parse(result.out) as T;
};

test('register, promote, rollback, list and show; every change is audited and the chain verifies', async () => {
  for (const n of [1, 2, 3]) {
    const registered = json<{ entry: { version: number; status: string } }>(
      await run([
        'register',
        '-c',
        config,
        '--json',
        '--kind',
        'router-scorer',
        '--name',
        'tandem/auto',
        '--file',
        join(dir, `scorer-${n}.json`),
        '--dataset',
        'routellm-mmlu',
        '--examples',
        String(100 * n),
        '--metrics',
        `{"apgr": 0.${n}}`,
      ]),
    );
    assert.deepEqual([registered.entry.version, registered.entry.status], [n, 'candidate']);
  }
  const promoted = await run(['promote', '-c', config, 'router-scorer', 'tandem/auto', '1', '--reason', 'first']);
  assert.equal(promoted.code, 0, promoted.err);
  assert.match(promoted.out, /router-scorer\/tandem\/auto v1 is live/);
  const second = await run(['promote', '-c', config, 'router-scorer', 'tandem/auto', 'v3']);
  assert.match(second.out, /v3 is live; v1 retired/);
  const back = json<{ entry: { version: number; status: string }; previous: { version: number } }>(
    await run(['rollback', '-c', config, '--json', 'router-scorer', 'tandem/auto', '--reason', 'v3 misroutes']),
  );
  assert.deepEqual([back.entry.version, back.entry.status, back.previous.version], [1, 'live', 3]);

  const listed = json<Array<{ version: number; status: string; provenance: { examples: number; dataset: string }; metrics: { apgr: number } }>>(
    await run(['list', '-c', config, '--json', '--kind', 'router-scorer']),
  );
  assert.deepEqual(
    listed.map((e) => [e.version, e.status, e.provenance.examples, e.metrics.apgr]),
    [
      [3, 'retired', 300, 0.3],
      [2, 'candidate', 200, 0.2],
      [1, 'live', 100, 0.1],
    ],
  );
  const table = await run(['list', '-c', config]);
  assert.match(table.out, /router-scorer +tandem\/auto +v1 +live/);
  const shown = await run(['show', '-c', config, 'router-scorer', 'tandem/auto']);
  assert.match(shown.out, /v1 rollback: retired -> live by cli:\S+ \(v3 misroutes\)/);

  const store = await openSqliteStore({ path: join(dir, 'tandem.db'), logBodies: false });
  try {
    const actions: string[] = [];
    for (const replicaId of await store.audit.replicas()) {
      const report = await verifyAuditChain({ log: store.audit, replicaId, onRecord: (r) => r.change && actions.push(r.change.action) });
      assert.equal(report.broken, undefined);
    }
    assert.deepEqual(actions.sort(), [
      'registry.promote',
      'registry.promote',
      'registry.register',
      'registry.register',
      'registry.register',
      'registry.rollback',
    ]);
  } finally {
    await store.close();
  }
});

test('unknown kinds, names and versions, and a rollback with nowhere to go, are clear refusals', async () => {
  const kind = await run(['promote', '-c', config, 'scorer', 'tandem/auto', '1']);
  assert.equal(kind.code, 1);
  assert.match(kind.err, /Unknown artifact kind "scorer"/);
  const name = await run(['rollback', '-c', config, 'task-student', 'nope']);
  assert.match(name.err, /No task-student named "nope" is registered/);
  const version = await run(['promote', '-c', config, 'router-scorer', 'tandem/auto', '9']);
  assert.match(version.err, /has no version 9 \(versions: 3, 2, 1\)/);
  const bad = await run(['promote', '-c', config, 'router-scorer', 'tandem/auto', 'latest']);
  assert.match(bad.err, /A version is a whole number from 1, got "latest"/);
  await run(['register', '-c', config, '--kind', 'model', '--name', 'small', '--file', join(dir, 'scorer-1.json'), '--live']);
  const nowhere = await run(['rollback', '-c', config, 'model', 'small']);
  assert.equal(nowhere.code, 1);
  assert.match(nowhere.err, /no earlier live version to roll back to \(v1 is the only one that has been live\)/);
  const missing = await run(['register', '-c', config, '--kind', 'model', '--name', 'small', '--file', join(dir, 'absent.json')]);
  assert.match(missing.err, /cannot read .*absent\.json/);
  const metrics = await run(['register', '-c', config, '--kind', 'model', '--name', 'small', '--file', join(dir, 'scorer-1.json'), '--metrics', '[1]']);
  assert.equal(metrics.code, 1);
  assert.match(metrics.err, /expected a JSON object/);
});
