/** The audit chain end to end: what a request leaves behind, tamper detection, redacted bodies. */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { chainName } from '../src/governance/audit-chain-id.js';
import { verifyAuditChain } from '../src/governance/audit-chain.js';
import type { FakeUpstream } from '../src/providers/testing/fake-upstream.js';
import type { AuditRecord } from '../src/store/audit-log.js';
import { startGateway, twoModelConfig, type Harness } from './helpers/gateway-harness.js';
import { startEchoUpstream } from './helpers/openai-upstream.js';

const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');

async function chat(
  h: Harness,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<{ status: number; text: string; requestText: string; id: string }> {
  const requestText = JSON.stringify(body);
  const res = await fetch(`${h.url}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: requestText });
  return { status: res.status, text: await res.text(), requestText, id: res.headers.get('x-tandem-request-id') ?? '' };
}

async function chain(h: Harness): Promise<AuditRecord[]> {
  const [replicaId] = await h.gateway.store.audit.replicas();
  assert.ok(replicaId);
  return h.gateway.store.audit.read({ replicaId, limit: 1_000 });
}

describe('audit log', () => {
  let up: FakeUpstream;
  let h: Harness;
  before(async () => {
    up = await startEchoUpstream();
    h = await startGateway({ ...twoModelConfig(up.url, up.url), audit: { replica_id: 'replica-test' }, store: { type: 'memory', log_bodies: false } });
  });
  after(async () => {
    await h.close();
    await up.close();
  });

  test('each request gets a chained record: key, route, refusals, model, hashes of both bodies; never the bodies', async () => {
    const body = { model: 'tandem/auto', messages: [{ role: 'user', content: 'Write to jane.doe@example.com about the invoice' }] };
    const answered = await chat(h, body, { 'x-tandem-sensitive': 'true' });
    assert.equal(answered.status, 200);
    const failed = await chat(h, { model: 'no-such-model', messages: [{ role: 'user', content: 'x' }] });
    assert.equal(failed.status, 404);

    const records = await chain(h);
    assert.equal(records.length, 2);
    const [first, second] = records;
    assert.ok(first?.entry && second?.entry);
    assert.equal(chainName(first.replicaId), 'replica-test');
    assert.equal(first.entry.requestId, answered.id);
    assert.equal(first.entry.route, 'tandem/auto');
    assert.equal(first.entry.model, 'small');
    assert.equal(first.entry.status, 200);
    assert.deepEqual(
      first.entry.refusals.map((r) => r.model),
      ['large'],
    );
    assert.match(first.entry.refusals[0]?.reasons.join(' ') ?? '', /privacy/);
    assert.equal(first.entry.requestSha256, sha256(answered.requestText));
    assert.equal(first.entry.responseSha256, sha256(answered.text));
    const logged = await h.gateway.store.requestLog.get(answered.id);
    assert.deepEqual(first.entry.privacy, logged?.privacy ?? null);
    assert.ok(!JSON.stringify(records).includes('jane.doe'), 'no body text in the audit log');
    // log_bodies is off: the request log keeps no bodies even though the audit hashed them.
    assert.equal(logged?.requestBody, null);
    assert.equal(second.entry.status, 404);
    assert.equal(second.prevHash, first.hash);

    const report = await verifyAuditChain({ log: h.gateway.store.audit, replicaId: first.replicaId });
    assert.deepEqual([report.records, report.broken], [2, undefined]);
  });
});

describe('audit chain on the memory store', () => {
  test('is kept about as long as store.max_requests, cut behind checkpoints, and still verifies', async () => {
    const up = await startEchoUpstream();
    const h = await startGateway({ ...twoModelConfig(up.url, up.url), audit: { replica_id: 'bounded' }, store: { type: 'memory', max_requests: 20 } });
    try {
      // 200 requests, 8 at a time: the chain passes max_requests + 64 (the smallest slack) twice.
      for (let batch = 0; batch < 25; batch++) {
        const answers = await Promise.all(Array.from({ length: 8 }, () => chat(h, { model: 'small', messages: [{ role: 'user', content: 'hello' }] })));
        assert.deepEqual(
          answers.map((a) => a.status),
          Array(8).fill(200),
        );
      }
    } finally {
      await h.close(); // waits for a trim in flight; the memory store's contents stay readable
      await up.close();
    }
    const [replicaId = ''] = await h.gateway.store.audit.replicas();
    assert.equal(chainName(replicaId), 'bounded');
    const records = await h.gateway.store.audit.read({ replicaId, limit: 1_000 });
    const checkpoints = records.filter((r) => r.kind === 'checkpoint');
    assert.ok(records.length <= 20 + 64 + 2, `${records.length} records kept`);
    assert.ok(checkpoints.length >= 1);
    const report = await verifyAuditChain({ log: h.gateway.store.audit, replicaId });
    assert.equal(report.broken, undefined);
    // Nothing was lost on the way: 200 request records plus every checkpoint ever written, and at least the newest 20 kept.
    assert.ok((report.lastSeq ?? 0) >= 200 + checkpoints.length);
    assert.ok(records.length >= 20);
    assert.equal((await h.gateway.store.requestLog.recent({ limit: 100 })).length, 20);
  });
});

describe('redacted bodies', () => {
  test('store.redact_bodies keeps bodies with placeholders; the audit hash is of what the client sent', async () => {
    const up = await startEchoUpstream();
    const h = await startGateway({ ...twoModelConfig(up.url, up.url), store: { type: 'memory', log_bodies: true, redact_bodies: true } });
    try {
      const answered = await chat(h, { model: 'small', messages: [{ role: 'user', content: 'Call me on +44 20 7946 0958 or mail jane.doe@example.com' }] });
      assert.equal(answered.status, 200);
      assert.match(answered.text, /jane\.doe@example\.com/, 'the client still gets the real answer');
      const logged = await h.gateway.store.requestLog.get(answered.id);
      assert.ok(logged?.requestBody && logged.responseBody);
      for (const body of [logged.requestBody, logged.responseBody]) {
        assert.ok(!body.includes('jane.doe@example.com') && !body.includes('7946 0958'), body);
        assert.match(body, /<EMAIL_\d+>/);
        JSON.parse(body);
      }
      const [record] = await chain(h);
      assert.equal(record?.entry?.requestSha256, sha256(answered.requestText));
    } finally {
      await h.close();
      await up.close();
    }
  });
});
