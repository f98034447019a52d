/** Promotion, rollback and their audit records, on the memory store (the store's own rules: registry.contract.ts). */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AuditChain, verifyAuditChain } from '../governance/audit-chain.js';
import { createMemoryStore } from '../store/memory/memory-store.js';
import { openPostgresStore } from '../store/postgres/postgres-store.js';
import { postgresSkipReason, TEST_DATABASE_URL, testSchemas } from '../store/postgres/postgres-test-database.js';
import { openSqliteStore } from '../store/sqlite/sqlite-store.js';
import type { Store } from '../store/request-log.js';
import { RegistryError, RegistryService } from './registry-service.js';

function setup(store: Store): { service: RegistryService; chain: AuditChain } {
  let clock = 1_000;
  const chain = new AuditChain({ log: store.audit, replicaId: 'test-chain' });
  return { service: new RegistryService({ registry: store.registry, audit: chain, now: () => clock++ }), chain };
}

const scorer = (n: number) => ({
  kind: 'router-scorer' as const,
  name: 'tandem/auto',
  bytes: new TextEncoder().encode(`{"scorer":${n}}`),
  createdAt: n,
  provenance: { dataset: 'routellm-mmlu', examples: 100 * n },
  metrics: { apgr: 0.5 + n / 100 },
});

for (const [name, open] of [
  ['memory', async () => createMemoryStore()],
  ['sqlite', () => openSqliteStore({ path: ':memory:', logBodies: false })],
] as const) {
  test(`${name}: rollback walks back through the versions that were live, never to one rolled away from`, async () => {
    const store = await open();
    try {
      const { service } = setup(store);
      for (let n = 1; n <= 4; n++) await service.register(scorer(n), { actor: 'trainer' });
      const ref = { kind: 'router-scorer', name: 'tandem/auto' };
      for (const version of [1, 2, 3]) await service.promote({ ...ref, version }, { actor: 'alice', reason: `v${version} looks better` });
      const live = async () => (await store.registry.live('router-scorer', 'tandem/auto'))?.version;
      assert.equal(await live(), 3);
      const back = await service.rollback(ref, { actor: 'bob', reason: 'v3 misroutes' });
      assert.deepEqual([back.entry.version, back.previous?.version], [2, 3]);
      assert.equal(await live(), 2);
      assert.equal((await service.rollback(ref, { actor: 'bob' })).entry.version, 1);
      await assert.rejects(service.rollback(ref, { actor: 'bob' }), (e: unknown) => e instanceof RegistryError && e.code === 'conflict');
      // A new promotion starts from there: rolling back from v4 returns to v1.
      await service.promote({ ...ref, version: 'v4' }, { actor: 'alice' });
      assert.equal((await service.rollback(ref, { actor: 'bob' })).entry.version, 1);
      const { versions, events } = await service.show('router-scorer', 'tandem/auto');
      assert.deepEqual(
        versions.map((v) => [v.version, v.status]),
        [
          [4, 'retired'],
          [3, 'retired'],
          [2, 'retired'],
          [1, 'live'],
        ],
      );
      assert.ok(events.some((e) => e.action === 'rollback' && e.actor === 'bob' && e.reason === 'v3 misroutes' && e.version === 2));
    } finally {
      await store.close();
    }
  });

  test(`${name}: every change is a change record in the audit chain, and the chain verifies`, async () => {
    const store = await open();
    try {
      const { service } = setup(store);
      await service.register(scorer(1), { actor: 'trainer', reason: 'nightly', live: true });
      await service.register(scorer(2), { actor: 'trainer' });
      await service.promote({ kind: 'router-scorer', name: 'tandem/auto', version: 2 }, { actor: 'alice', reason: 'canary passed' });
      await service.rollback({ kind: 'router-scorer', name: 'tandem/auto' }, { actor: 'bob' });
      await service.canary({ kind: 'router-scorer', name: 'tandem/auto', version: 2 }, { actor: 'experiment:x' });
      await assert.rejects(service.canary({ kind: 'router-scorer', name: 'tandem/auto', version: 1 }, { actor: 'a' }), /is live already/);
      assert.equal((await store.registry.live('router-scorer', 'tandem/auto'))?.version, 1, 'a canary leaves the live version live');
      await service.retire({ kind: 'router-scorer', name: 'tandem/auto', version: 2 }, { actor: 'bob' });
      const records = await store.audit.read({ replicaId: 'test-chain', limit: 100 });
      assert.deepEqual(
        records.map((r) => [r.kind, r.change?.action, r.change?.subject, r.change?.actor]),
        [
          ['change', 'registry.register', 'router-scorer/tandem/auto@v1', 'trainer'],
          ['change', 'registry.promote', 'router-scorer/tandem/auto@v1', 'trainer'],
          ['change', 'registry.register', 'router-scorer/tandem/auto@v2', 'trainer'],
          ['change', 'registry.promote', 'router-scorer/tandem/auto@v2', 'alice'],
          ['change', 'registry.rollback', 'router-scorer/tandem/auto@v1', 'bob'],
          ['change', 'registry.canary', 'router-scorer/tandem/auto@v2', 'experiment:x'],
          ['change', 'registry.retire', 'router-scorer/tandem/auto@v2', 'bob'],
        ],
      );
      assert.equal(records[3]?.change?.reason, 'canary passed');
      assert.deepEqual(records[4]?.change?.detail.previousLive, 2);
      const report = await verifyAuditChain({ log: store.audit, replicaId: 'test-chain' });
      assert.equal(report.broken, undefined);
      assert.equal(report.records, 7);
      // A change record whose body was edited no longer verifies: `change` is part of the hash.
      const edited = records.map((r) => (r.seq === 4 && r.change ? { ...r, change: { ...r.change, actor: 'mallory' } } : r));
      const log = { ...store.audit, read: async () => edited.splice(0) };
      assert.equal((await verifyAuditChain({ log, replicaId: 'test-chain' })).broken?.seq, 4);
    } finally {
      await store.close();
    }
  });

  test(`${name}: unknown kinds, names and versions are refused with the right code`, async () => {
    const store = await open();
    try {
      const { service } = setup(store);
      await service.register(scorer(1), { actor: 'trainer' });
      const code = (c: string, param?: string) => (e: unknown) => e instanceof RegistryError && e.code === c && (param === undefined || e.param === param);
      await assert.rejects(service.promote({ kind: 'scorer', name: 'tandem/auto', version: 1 }, { actor: 'a' }), code('invalid', 'kind'));
      await assert.rejects(service.promote({ kind: 'router-scorer', name: 'tandem/auto', version: 0 }, { actor: 'a' }), code('invalid', 'version'));
      await assert.rejects(service.promote({ kind: 'router-scorer', name: 'tandem/auto', version: 'x' }, { actor: 'a' }), code('invalid', 'version'));
      await assert.rejects(service.promote({ kind: 'router-scorer', name: 'tandem/auto', version: 7 }, { actor: 'a' }), /has no version 7 \(versions: 1\)/);
      await assert.rejects(
        service.rollback({ kind: 'router-scorer', name: 'nope' }, { actor: 'a' }),
        /No router-scorer named "nope".*registered: tandem\/auto/,
      );
      await assert.rejects(service.show('task-student', 'nope'), code('not_found', 'name'));
      await assert.rejects(service.rollback({ kind: 'router-scorer', name: 'tandem/auto' }, { actor: 'a' }), code('conflict'));
    } finally {
      await store.close();
    }
  });
}

test('two promotions racing on PostgreSQL: one wins, the other is a conflict, and one version is live', { skip: await postgresSkipReason() }, async () => {
  const schemas = testSchemas();
  const schema = schemas.create();
  const a = await openPostgresStore({ url: TEST_DATABASE_URL, schema, poolSize: 2, logBodies: false });
  const b = await openPostgresStore({ url: TEST_DATABASE_URL, schema, poolSize: 2, logBodies: false });
  try {
    const sa = new RegistryService({ registry: a.registry, audit: null });
    const sb = new RegistryService({ registry: b.registry, audit: null });
    for (let n = 1; n <= 3; n++) await sa.register(scorer(n), { actor: 'trainer' });
    await sa.promote({ kind: 'router-scorer', name: 'tandem/auto', version: 1 }, { actor: 'a' });
    let conflicts = 0;
    for (let round = 0; round < 10; round++) {
      const results = await Promise.allSettled([
        sa.promote({ kind: 'router-scorer', name: 'tandem/auto', version: 2 }, { actor: 'a' }),
        sb.promote({ kind: 'router-scorer', name: 'tandem/auto', version: 3 }, { actor: 'b' }),
      ]);
      for (const r of results) {
        if (r.status === 'rejected') {
          assert.ok(r.reason instanceof RegistryError && r.reason.code === 'conflict', String(r.reason));
          conflicts++;
        }
      }
      assert.ok(results.some((r) => r.status === 'fulfilled'));
      assert.equal((await a.registry.list()).filter((e) => e.status === 'live').length, 1);
    }
    console.log(`racing promotions: ${conflicts} of 10 rounds ended in a conflict`);
  } finally {
    await a.close();
    await b.close();
    await schemas.dropAll();
  }
});
