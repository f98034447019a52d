/**
 * The behaviour every AuditLog backend must have, with the hash chain on top (governance/audit-chain.ts)
 * because that is how the gateway uses it. A backend's test file calls runAuditLogContract once per way
 * of opening a fresh, empty store.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { AuditChain, GENESIS_HASH, hashAuditRecord, purgeAuditChain, trimAuditChain, verifyAuditChain } from '../governance/audit-chain.js';
import type { AuditEntry, AuditLog } from './audit-log.js';

export type OpenAuditLog = () => Promise<{ audit: AuditLog; close(): Promise<void> }>;

export function makeAuditEntry(overrides: Partial<AuditEntry> = {}): AuditEntry {
  return {
    requestId: 'req-1',
    time: 1_700_000_000_000,
    keyId: 'key_ops',
    user: 'alice',
    route: 'tandem/auto',
    requestedModel: 'tandem/auto',
    model: 'small',
    status: 200,
    refusals: [{ model: 'large', reasons: ['privacy: 2 findings (EMAIL_ADDRESS: 2) keep this request local'] }],
    reason: 'privacy -> small',
    privacy: { action: 'local-only', findings: { EMAIL_ADDRESS: 2 } },
    requestSha256: 'a'.repeat(64),
    responseSha256: 'b'.repeat(64),
    ...overrides,
  };
}

export function runAuditLogContract(name: string, open: OpenAuditLog): void {
  async function withLog(body: (audit: AuditLog) => Promise<void>): Promise<void> {
    const store = await open();
    try {
      await body(store.audit);
    } finally {
      await store.close();
    }
  }

  describe(`AuditLog contract: ${name}`, () => {
    test('appended records read back exactly, in seq order, linked from the genesis hash', async () => {
      await withLog(async (audit) => {
        const chain = new AuditChain({ log: audit, replicaId: 'r1', now: () => 5_000 });
        const first = await chain.append(makeAuditEntry({ requestId: 'a' }));
        const second = await chain.append(makeAuditEntry({ requestId: 'b', privacy: null, keyId: null, user: null, requestSha256: null }));
        assert.equal(first.seq, 1);
        assert.equal(first.prevHash, GENESIS_HASH);
        assert.equal(second.prevHash, first.hash);
        assert.deepEqual(await audit.read({ replicaId: 'r1', limit: 10 }), [first, second]);
        assert.deepEqual(await audit.read({ replicaId: 'r1', afterSeq: 1, limit: 10 }), [second]);
        assert.deepEqual(await audit.tip('r1'), second);
        assert.equal(await audit.tip('nobody'), undefined);
      });
    });

    test('a duplicate (replica, seq) is rejected and the first record kept', async () => {
      await withLog(async (audit) => {
        const record = await new AuditChain({ log: audit, replicaId: 'r1' }).append(makeAuditEntry());
        await assert.rejects(audit.append([{ ...record, hash: 'f'.repeat(64) }]));
        assert.deepEqual(await audit.tip('r1'), record);
        // All or none: a batch whose second record collides leaves its first unwritten too.
        const next = { ...record, seq: 2, prevHash: record.hash };
        await assert.rejects(audit.append([next, { ...record, hash: 'e'.repeat(64) }]));
        assert.deepEqual(await audit.read({ replicaId: 'r1', limit: 10 }), [record]);
      });
    });

    test('chains of several replicas stay apart and each verifies', async () => {
      await withLog(async (audit) => {
        const a = new AuditChain({ log: audit, replicaId: 'replica-a' });
        const b = new AuditChain({ log: audit, replicaId: 'replica-b' });
        await Promise.all(Array.from({ length: 20 }, (_, i) => (i % 2 === 0 ? a : b).append(makeAuditEntry({ requestId: `r${i}` }))));
        assert.deepEqual(await audit.replicas(), ['replica-a', 'replica-b']);
        for (const replicaId of ['replica-a', 'replica-b']) {
          const report = await verifyAuditChain({ log: audit, replicaId, pageSize: 3 });
          assert.equal(report.broken, undefined);
          assert.equal(report.records, 10);
          assert.equal(report.lastSeq, 10);
        }
      });
    });

    test('a batch larger than one INSERT statement takes is stored whole, in order', async () => {
      await withLog(async (audit) => {
        let previous: { seq: number; hash: string } | undefined;
        const records = Array.from({ length: 2_500 }, (_, i) => {
          const unhashed = { replicaId: 'big', seq: i + 1, recordedAt: 1_000, kind: 'request' as const, entry: makeAuditEntry({ requestId: `b${i}` }), checkpoint: null, prevHash: previous?.hash ?? GENESIS_HASH };
          previous = { seq: i + 1, hash: hashAuditRecord(unhashed) };
          return { ...unhashed, hash: previous.hash };
        });
        await audit.append(records);
        const report = await verifyAuditChain({ log: audit, replicaId: 'big' });
        assert.deepEqual([report.records, report.lastSeq, report.broken], [2_500, 2_500, undefined]);
      });
    });

    test('500 concurrent appends form one unbroken chain', async () => {
      await withLog(async (audit) => {
        const chain = new AuditChain({ log: audit, replicaId: 'r1' });
        await Promise.all(Array.from({ length: 500 }, (_, i) => chain.append(makeAuditEntry({ requestId: `c${i}` }))));
        const report = await verifyAuditChain({ log: audit, replicaId: 'r1' });
        assert.deepEqual([report.records, report.firstSeq, report.lastSeq, report.broken], [500, 1, 500, undefined]);
      });
    });

    test('a second writer of the same chain (a purge in another process) does not fork it', async () => {
      await withLog(async (audit) => {
        const server = new AuditChain({ log: audit, replicaId: 'r1' });
        await server.append(makeAuditEntry({ requestId: 'a' }));
        await new AuditChain({ log: audit, replicaId: 'r1' }).append(makeAuditEntry({ requestId: 'from-cli' }));
        // The server's cached tip is stale now; its append must land on seq 3, linked to the CLI's record.
        const third = await server.append(makeAuditEntry({ requestId: 'b' }));
        assert.equal(third.seq, 3);
        assert.equal((await verifyAuditChain({ log: audit, replicaId: 'r1' })).broken, undefined);
      });
    });

    test('purge deletes old records behind a checkpoint and the rest still verifies', async () => {
      await withLog(async (audit) => {
        let now = 1_000;
        const chain = new AuditChain({ log: audit, replicaId: 'r1', now: () => now });
        for (let i = 1; i <= 10; i++) {
          now = i * 1_000;
          await chain.append(makeAuditEntry({ requestId: `p${i}` }));
        }
        assert.equal(await audit.lastSeqBefore({ replicaId: 'r1', time: 4_500 }), 4);
        now = 20_000;
        const first = await purgeAuditChain({ log: audit, replicaId: 'r1', before: 4_500, now: () => now });
        assert.equal(first.deleted, 4);
        assert.deepEqual(first.checkpoint?.checkpoint, { purgedThroughSeq: 4, purgedThroughHash: first.checkpoint?.checkpoint?.purgedThroughHash, purgedRecords: 4, purgedBefore: 4_500 });
        let report = await verifyAuditChain({ log: audit, replicaId: 'r1' });
        assert.deepEqual([report.firstSeq, report.lastSeq, report.records, report.broken], [5, 11, 7, undefined]);
        // The server keeps appending after the purge, then a second purge removes the first checkpoint too.
        now = 21_000;
        await chain.append(makeAuditEntry({ requestId: 'after' }));
        now = 30_000;
        const second = await purgeAuditChain({ log: audit, replicaId: 'r1', before: 20_500, now: () => now });
        assert.equal(second.deleted, 7);
        report = await verifyAuditChain({ log: audit, replicaId: 'r1' });
        assert.deepEqual([report.firstSeq, report.lastSeq, report.broken], [12, 13, undefined]);
        assert.deepEqual(await purgeAuditChain({ log: audit, replicaId: 'r1', before: 0 }), { deleted: 0, checkpoint: null });
      });
    });

    test('trim keeps the newest records behind a checkpoint, again and again, and the chain still verifies', async () => {
      await withLog(async (audit) => {
        let now = 0;
        const chain = new AuditChain({ log: audit, replicaId: 'r1', now: () => now });
        assert.deepEqual(await trimAuditChain({ chain, log: audit, keep: 5 }), { deleted: 0, checkpoint: null });
        for (let i = 1; i <= 12; i++) {
          now = i * 1_000;
          await chain.append(makeAuditEntry({ requestId: `t${i}` }));
        }
        const first = await trimAuditChain({ chain, log: audit, keep: 5 });
        // Seq 1..7 go; 8..12 and the checkpoint (seq 13) stay.
        assert.equal(first.deleted, 7);
        assert.deepEqual(first.checkpoint?.checkpoint, { purgedThroughSeq: 7, purgedThroughHash: first.checkpoint?.checkpoint?.purgedThroughHash, purgedRecords: 7, purgedBefore: 7_001 });
        let report = await verifyAuditChain({ log: audit, replicaId: 'r1' });
        assert.deepEqual([report.firstSeq, report.lastSeq, report.records, report.broken], [8, 13, 6, undefined]);
        // The chain that wrote the checkpoint appends on after it, and a second trim cuts the first checkpoint too.
        for (let i = 0; i < 4; i++) await chain.append(makeAuditEntry({ requestId: `u${i}` }));
        const second = await trimAuditChain({ chain, log: audit, keep: 3 });
        assert.equal(second.deleted, 14 - 8 + 1);
        report = await verifyAuditChain({ log: audit, replicaId: 'r1' });
        assert.deepEqual([report.firstSeq, report.lastSeq, report.broken], [15, 18, undefined]);
      });
    });

    test('records deleted without a checkpoint are reported', async () => {
      await withLog(async (audit) => {
        const chain = new AuditChain({ log: audit, replicaId: 'r1' });
        for (let i = 0; i < 5; i++) await chain.append(makeAuditEntry({ requestId: `d${i}` }));
        await audit.deleteThrough({ replicaId: 'r1', throughSeq: 2 });
        const report = await verifyAuditChain({ log: audit, replicaId: 'r1' });
        assert.equal(report.broken?.seq, 3);
        assert.match(report.broken?.reason ?? '', /missing/);
      });
    });
  });
}
