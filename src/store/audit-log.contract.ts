/**
 * The behaviour every AuditLog backend must have, with the hash chain on top (governance/audit-chain.ts)
 * because that is how the gateway uses it. A backend's test file calls runAuditLogContract once per way
 * of opening a fresh, empty store.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { anchorOf, type AuditAnchor } from '../governance/audit-anchor.js';
import { AuditChain, GENESIS_HASH, hashAuditRecord, purgeAuditChain, trimAuditChain, verifyAuditChain } from '../governance/audit-chain.js';
import { verifyAudit } from '../governance/audit-verify.js';
import { memoryAuditLog } from './audit-log-memory.js';
import type { AuditEntry, AuditLog, AuditRecord } from './audit-log.js';
import type { Dashboard } from './dashboard.js';
import { makeRecord } from './request-log.contract.js';
import type { RequestLog } from './request-log.js';

/** A store with a request log too (every real backend) also runs the completeness cases. */
export type OpenAuditLog = () => Promise<{ audit: AuditLog; requestLog?: RequestLog; dashboard?: Dashboard; close(): Promise<void> }>;

/** A chain built in memory, and an anchor of it taken after its first `anchoredAt` records. */
async function anchoredChain(o: { chain: string; records: number; anchoredAt: number }): Promise<{ records: AuditRecord[]; anchor: AuditAnchor }> {
  const log = memoryAuditLog();
  const chain = new AuditChain({ log, replicaId: o.chain, now: () => 1_000 });
  for (let i = 1; i <= o.records; i++) await chain.append(makeAuditEntry({ requestId: `${o.chain}-${i}` }));
  const records = await log.read({ replicaId: o.chain, limit: o.records });
  const tip = records[o.anchoredAt - 1]!;
  const report = { replicaId: o.chain, records: o.anchoredAt, firstSeq: 1, lastSeq: tip.seq, tipHash: tip.hash, tipRecordedAt: tip.recordedAt };
  return { records, anchor: anchorOf([report], 2_000) };
}

/** Records `from` onwards re-linked (and re-hashed) onto `previous`, as someone with write access to the database could. */
function forgeFrom(previous: AuditRecord, originals: readonly AuditRecord[]): AuditRecord[] {
  let prev = previous;
  return originals.map((original) => {
    const unhashed = { ...original, entry: original.entry === null ? null : { ...original.entry, status: 204 }, prevHash: prev.hash };
    delete (unhashed as Partial<AuditRecord>).hash;
    prev = { ...unhashed, hash: hashAuditRecord(unhashed) };
    return prev;
  });
}

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
          const unhashed = {
            replicaId: 'big',
            seq: i + 1,
            recordedAt: 1_000,
            kind: 'request' as const,
            entry: makeAuditEntry({ requestId: `b${i}` }),
            checkpoint: null,
            prevHash: previous?.hash ?? GENESIS_HASH,
          };
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
        assert.deepEqual(first.checkpoint?.checkpoint, {
          purgedThroughSeq: 4,
          purgedThroughHash: first.checkpoint?.checkpoint?.purgedThroughHash,
          purgedRecords: 4,
          purgedBefore: 4_500,
        });
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
        assert.deepEqual(first.checkpoint?.checkpoint, {
          purgedThroughSeq: 7,
          purgedThroughHash: first.checkpoint?.checkpoint?.purgedThroughHash,
          purgedRecords: 7,
          purgedBefore: 7_001,
        });
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

    describe('anchored tips', () => {
      async function verifyWith(audit: AuditLog, anchor: AuditAnchor) {
        return verifyAudit({ store: { audit, dashboard: { requests: async () => ({ records: [], next: null }) } }, completeness: false, anchor });
      }

      test('an intact chain, and one with records appended after the anchor that chain from its tip, match', async () => {
        await withLog(async (audit) => {
          const { records, anchor } = await anchoredChain({ chain: 'r1', records: 7, anchoredAt: 5 });
          await audit.append(records);
          const result = await verifyWith(audit, anchor);
          assert.equal(result.ok, true, JSON.stringify(result.anchor));
          assert.deepEqual(
            result.anchor?.chains.map((c) => c.status),
            ['ok'],
          );
          assert.match(result.anchor?.chains[0]?.detail ?? '', /2 records appended since/);
        });
      });

      test('a truncated tail is detected, which the links alone do not show', async () => {
        await withLog(async (audit) => {
          const { records, anchor } = await anchoredChain({ chain: 'r1', records: 5, anchoredAt: 5 });
          await audit.append(records.slice(0, 3));
          assert.equal((await verifyAuditChain({ log: audit, replicaId: 'r1' })).broken, undefined);
          const result = await verifyWith(audit, anchor);
          assert.equal(result.ok, false);
          assert.deepEqual(
            result.anchor?.chains.map((c) => [c.status, c.seq]),
            [['truncated', 5]],
          );
        });
      });

      test('a chain deleted whole is detected', async () => {
        await withLog(async (audit) => {
          const a = await anchoredChain({ chain: 'r1', records: 3, anchoredAt: 3 });
          const b = await anchoredChain({ chain: 'r2', records: 2, anchoredAt: 2 });
          await audit.append(b.records);
          const anchor = { ...a.anchor, chains: [...a.anchor.chains, ...b.anchor.chains] };
          const result = await verifyWith(audit, anchor);
          assert.equal(result.ok, false);
          assert.deepEqual(
            result.anchor?.chains.map((c) => [c.chain, c.status]),
            [
              ['r1', 'deleted'],
              ['r2', 'ok'],
            ],
          );
        });
      });

      test('a forged tail re-hashed onto an earlier record is detected; the links alone say intact', async () => {
        await withLog(async (audit) => {
          const { records, anchor } = await anchoredChain({ chain: 'r1', records: 6, anchoredAt: 4 });
          // Records 3.. rewritten and re-linked from record 2: every hash is right, the anchored #4 is not.
          await audit.append([...records.slice(0, 2), ...forgeFrom(records[1]!, records.slice(2))]);
          assert.equal((await verifyAuditChain({ log: audit, replicaId: 'r1' })).broken, undefined);
          const result = await verifyWith(audit, anchor);
          assert.equal(result.ok, false);
          assert.deepEqual(
            result.anchor?.chains.map((c) => c.status),
            ['rewritten'],
          );
        });
      });

      test('a forged record appended after the anchor that does not chain from the tip is detected', async () => {
        await withLog(async (audit) => {
          const { records, anchor } = await anchoredChain({ chain: 'r1', records: 4, anchoredAt: 4 });
          const [forged] = forgeFrom({ ...records[3]!, hash: 'f'.repeat(64) }, [{ ...records[3]!, seq: 5 }]);
          await audit.append([...records, forged!]);
          const result = await verifyWith(audit, anchor);
          assert.equal(result.ok, false);
          assert.match(result.chains[0]?.broken?.reason ?? '', /prevHash does not match record 4/);
        });
      });

      test('retention after the anchor: the purge checkpoint vouches for the anchored record, or the anchor is reported too old', async () => {
        await withLog(async (audit) => {
          let now = 1_000;
          const chain = new AuditChain({ log: audit, replicaId: 'r1', now: () => now });
          for (let i = 1; i <= 6; i++) {
            now = i * 1_000;
            await chain.append(makeAuditEntry({ requestId: `p${i}` }));
          }
          const tip = (await audit.tip('r1'))!;
          const anchor = anchorOf(
            [
              {
                replicaId: 'r1',
                records: 4,
                firstSeq: 1,
                lastSeq: 4,
                tipHash: (await audit.read({ replicaId: 'r1', afterSeq: 3, limit: 1 }))[0]!.hash,
                tipRecordedAt: 4_000,
              },
            ],
            tip.recordedAt,
          );
          now = 10_000;
          await purgeAuditChain({ log: audit, replicaId: 'r1', before: 4_500, now: () => now });
          let result = await verifyWith(audit, anchor);
          assert.deepEqual([result.ok, result.anchor?.chains[0]?.status], [true, 'ok']);
          assert.match(result.anchor?.chains[0]?.detail ?? '', /checkpoint #7 names it/);
          // A later purge takes checkpoint #7 too: nothing left names #4.
          now = 20_000;
          await purgeAuditChain({ log: audit, replicaId: 'r1', before: 10_500, now: () => now });
          result = await verifyWith(audit, anchor);
          assert.deepEqual([result.ok, result.anchor?.chains[0]?.status], [true, 'purged']);
        });
      });
    });

    describe('completeness', () => {
      test('a logged request without an audit record is reported with its id, and verify fails', async (t) => {
        const store = await open();
        try {
          const { requestLog, dashboard, audit } = store;
          if (requestLog === undefined || dashboard === undefined) return t.skip('no request log');
          const chain = new AuditChain({ log: audit, replicaId: 'r1' });
          const start = Date.now() - 60_000;
          for (let i = 0; i < 6; i++) {
            const record = makeRecord({ id: `req-${i}`, time: start + i * 1_000 });
            await requestLog.append(record);
            // req-2 and req-4 lost their audit records (as a failed append would).
            if (i !== 2 && i !== 4) await chain.append(makeAuditEntry({ requestId: record.id, time: record.time }));
          }
          // A row older than the oldest audit record: logged before the audit log existed, not counted.
          await requestLog.append(makeRecord({ id: 'before-audit', time: start - 3_600_000 }));
          const result = await verifyAudit({ store: { audit, dashboard } });
          assert.equal(result.ok, false);
          assert.equal(result.chains[0]?.broken, undefined);
          assert.deepEqual([result.completeness?.requests, result.completeness?.missing, result.completeness?.missingIds.sort()], [6, 2, ['req-2', 'req-4']]);
          assert.equal(result.completeness?.since, start);
          // --since past the losses: nothing missing.
          const later = await verifyAudit({ store: { audit, dashboard }, since: start + 4_500 });
          assert.deepEqual([later.ok, later.completeness?.requests, later.completeness?.missing], [true, 1, 0]);
          // With every chain deleted, every row counts as missing.
          await audit.deleteThrough({ replicaId: 'r1', throughSeq: 100 });
          const gone = await verifyAudit({ store: { audit, dashboard } });
          assert.deepEqual([gone.ok, gone.completeness?.missing], [false, 7]);
        } finally {
          await store.close();
        }
      });
    });
  });
}
