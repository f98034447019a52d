/**
 * Audit completeness with several gateways sharing one `audit.replica_id` (the default, the host name, is
 * shared by every process on a host): each process must keep a chain of its own, so no record is lost to
 * a race for the next seq, and `verifyAudit` must find an audit record for every logged request.
 */
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { chainName } from '../src/governance/audit-chain-id.js';
import { verifyAudit } from '../src/governance/audit-verify.js';
import { openPostgresStore } from '../src/store/postgres/postgres-store.js';
import { TEST_DATABASE_URL, testSchemas } from '../src/store/postgres/postgres-test-database.js';
import { startGateway, twoModelConfig, type Harness } from './helpers/gateway-harness.js';
import { startEchoUpstream } from './helpers/openai-upstream.js';

const schemas = testSchemas();
after(() => schemas.dropAll());

test('three gateways with one replica_id on one PostgreSQL store: every request has an audit record', async () => {
  const up = await startEchoUpstream();
  const schema = schemas.create();
  const gateways: Harness[] = [];
  try {
    for (let i = 0; i < 3; i++) {
      gateways.push(
        await startGateway({
          ...twoModelConfig(up.url, up.url),
          audit: { replica_id: 'shared-host' },
          store: { type: 'postgres', url: TEST_DATABASE_URL, schema, pool_size: 4, log_bodies: false },
        }),
      );
    }
    const statuses = await Promise.all(
      Array.from({ length: 120 }, async (_, i) => {
        const h = gateways[i % 3]!;
        const res = await fetch(`${h.url}/v1/chat/completions`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ model: 'small', messages: [{ role: 'user', content: `hello ${i}` }] }),
        });
        await res.text();
        return res.status;
      }),
    );
    assert.deepEqual(statuses, Array(120).fill(200));
  } finally {
    for (const h of gateways) await h.close();
    await up.close();
  }
  const store = await openPostgresStore({ url: TEST_DATABASE_URL, schema, poolSize: 2, logBodies: false });
  try {
    const result = await verifyAudit({ store });
    assert.equal(result.chains.length, 3, 'one chain per process');
    assert.deepEqual(
      result.chains.map((c) => chainName(c.replicaId)),
      ['shared-host', 'shared-host', 'shared-host'],
    );
    assert.deepEqual(
      result.chains.map((c) => c.broken),
      [undefined, undefined, undefined],
    );
    assert.deepEqual([result.completeness?.requests, result.completeness?.missing, result.completeness?.missingIds], [120, 0, []]);
    assert.equal(
      result.chains.reduce((n, c) => n + c.records, 0),
      120,
    );
    assert.equal(result.ok, true);
  } finally {
    await store.close();
  }
});

test('GET /admin/audit/verify reports requests whose audit record is gone', async () => {
  const up = await startEchoUpstream();
  const adminKey = 'admin-key-for-this-test-0123';
  const h = await startGateway({ ...twoModelConfig(up.url, up.url), server: { admin_key: adminKey }, store: { type: 'memory' } });
  try {
    for (let i = 0; i < 3; i++) {
      const res = await fetch(`${h.url}/v1/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'small', messages: [{ role: 'user', content: `hi ${i}` }] }),
      });
      assert.equal(res.status, 200, await res.text());
    }
    const verify = async () => {
      const res = await fetch(`${h.url}/admin/audit/verify`, { headers: { authorization: `Bearer ${adminKey}` } });
      assert.equal(res.status, 200);
      return (await res.json()) as { ok: boolean; completeness: { requests: number; missing: number; missingIds: string[] } };
    };
    const intact = await verify();
    assert.deepEqual([intact.ok, intact.completeness.requests, intact.completeness.missing], [true, 3, 0]);
    // The newest record lost, as a failed append would leave it: a new chain replaces the tail without it.
    const [chain = ''] = await h.gateway.store.audit.replicas();
    await h.gateway.store.audit.deleteThrough({ replicaId: chain, throughSeq: 3 });
    const lost = await verify();
    assert.deepEqual([lost.ok, lost.completeness.missing], [false, 3]);
    assert.equal(lost.completeness.missingIds.length, 3);
  } finally {
    await h.close();
    await up.close();
  }
});
