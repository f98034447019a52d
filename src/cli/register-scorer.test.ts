/** `tandem train-router --register`: the written artifact lands in the registry of the config's SQLite store, byte for byte. */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { openSqliteStore } from '../store/sqlite/sqlite-store.js';
import { CommandFailure } from './cli-deps.js';
import { runTrainRouterCommand } from './train-router-command.js';

const quiet = { stdout: () => {}, stderr: () => {} };

async function setup(): Promise<{ dir: string; config: string; data: string }> {
  const dir = await mkdtemp(join(tmpdir(), 'tandem-register-scorer-'));
  const rows = Array.from({ length: 120 }, (_, i) => {
    const hard = i % 2 === 0;
    const prompt = hard ? `Compute ${i + 3} * ${i + 11} + ${i * 7}, then explain each step.` : `Say hello to friend number ${i}.`;
    return JSON.stringify({ prompt, scores: { small: hard ? 0 : 1, large: 1 }, responses: { small: hard ? 'maybe' : 'hello!' } });
  });
  const data = join(dir, 'traffic.jsonl');
  await writeFile(data, `${rows.join('\n')}\n`);
  const config = join(dir, 'tandem.yaml');
  await writeFile(
    config,
    [
      'store: { type: sqlite, path: tandem.db }',
      'models:',
      '  small: { provider: openai-compatible, base_url: "http://127.0.0.1:1/v1", model: m, locality: local }',
      '  large: { provider: openai-compatible, base_url: "http://127.0.0.1:1/v1", model: l, locality: cloud }',
      'routes:',
      '  tandem/auto: { models: [small, large], router: { type: learned, artifact: scorer.json, small: small, large: large } }',
      '  cascade: { models: [small, large], router: { type: cascade, small: small, large: large } }',
      '',
    ].join('\n'),
  );
  return { dir, config, data };
}

test('train-router --register registers the written file under the route, a candidate or live', async () => {
  const { dir, config, data } = await setup();
  try {
    const out: string[] = [];
    const common = { dataset: data, kind: 'router' as const, llmShare: 0.5, maxTrain: 1500, seed: 1, config, register: 'tandem/auto' };
    await runTrainRouterCommand({ ...common, out: join(dir, 'scorer.json') }, { ...quiet, stdout: (s) => out.push(s) });
    assert.match(out.join('\n'), /registered router-scorer\/tandem\/auto v1 \(candidate, sha256 [0-9a-f]{12}\)/);
    const second = await runTrainRouterCommand({ ...common, out: join(dir, 'scorer-2.json'), seed: 2, live: true }, quiet);
    await runTrainRouterCommand({ ...common, out: join(dir, 'verifier.json'), kind: 'verifier', register: 'cascade' }, quiet);
    const store = await openSqliteStore({ path: join(dir, 'tandem.db'), logBodies: false });
    try {
      const entries = await store.registry.list();
      assert.deepEqual(
        entries.map((e) => `${e.kind}/${e.name}@${e.version} ${e.status}`),
        ['cascade-verifier/cascade@1 candidate', 'router-scorer/tandem/auto@2 live', 'router-scorer/tandem/auto@1 candidate'],
      );
      const file = await readFile(join(dir, 'scorer-2.json'));
      assert.equal(entries[1]?.sha256, createHash('sha256').update(file).digest('hex'));
      assert.ok(Buffer.from((await store.registry.bytes('router-scorer', 'tandem/auto', 2)) ?? []).equals(file));
      assert.deepEqual(
        [entries[1]?.provenance.dataset, entries[1]?.provenance.examples, typeof entries[1]?.metrics.threshold],
        ['traffic', second.training.examples, 'number'],
      );
      const changes = (await store.audit.read({ replicaId: (await store.audit.replicas())[0] ?? '', limit: 10 })).map((r) => r.change?.action);
      assert.ok(changes.includes('registry.register'));
    } finally {
      await store.close();
    }
    // A route that does not exist, or whose router is of the other kind, is refused by name.
    await assert.rejects(
      runTrainRouterCommand({ ...common, out: join(dir, 'x.json'), register: 'nope' }, quiet),
      (e: unknown) => e instanceof CommandFailure && /no route "nope"/.test(e.message),
    );
    await assert.rejects(
      runTrainRouterCommand({ ...common, out: join(dir, 'x.json'), register: 'cascade' }, quiet),
      /route "cascade" has a cascade router; a router-scorer serves a route with router type learned/,
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
