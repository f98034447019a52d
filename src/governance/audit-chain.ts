/**
 * The audit hash chain: each record carries the SHA-256 of the one before, so changing, removing or
 * reordering a stored record breaks every later link. One chain per process (AuditRecord.replicaId holds
 * the chain id, audit-chain-id.ts).
 *
 * The chain is tamper-evident, not tamper-proof: whoever can write the database can recompute every
 * hash after an edit. Recording the tips outside the database (`tandem audit anchor`, audit-anchor.ts)
 * turns a rewrite, truncation or deletion up to the anchored tips into a detectable one (docs/security.md).
 */
import { hash } from 'node:crypto';
import type { AuditChange, AuditCheckpoint, AuditEntry, AuditLog, AuditRecord } from '../store/audit-log.js';
import { canonicalJson } from './canonical-json.js';

/** The prevHash of a chain's first record. */
export const GENESIS_HASH = '0'.repeat(64);

export function hashAuditRecord(record: Omit<AuditRecord, 'hash'>): string {
  const { replicaId, seq, recordedAt, kind, entry, checkpoint, prevHash } = record;
  // Keys in sorted order, so canonicalJson hands the object to JSON.stringify as it is. `change` only on
  // change records, so every record written before that kind existed keeps its hash.
  if (kind === 'change') return sha256Hex(canonicalJson({ change: record.change ?? null, checkpoint, entry, kind, prevHash, recordedAt, replicaId, seq }));
  return sha256Hex(canonicalJson({ checkpoint, entry, kind, prevHash, recordedAt, replicaId, seq }));
}

export function sha256Hex(text: string): string {
  // One-shot crypto.hash: half the cost of createHash().update().digest() for request-sized inputs.
  return hash('sha256', text, 'hex');
}

/**
 * Appends to one replica's chain. One batch is being written at a time; entries that arrive meanwhile
 * are linked onto the tip in arrival order and written together as the next batch, so a busy gateway
 * pays one store write per batch rather than one per request, and each record still links to the one
 * before. If another process appended meanwhile (`tandem purge` adding its checkpoint), the store
 * rejects the duplicate seq and the batch is relinked on the new tip and retried.
 */
interface Waiting {
  body: Pick<AuditRecord, 'kind' | 'entry' | 'checkpoint' | 'change'>;
  resolve(record: AuditRecord): void;
  reject(error: unknown): void;
}

export class AuditChain {
  /** The newest stored record; undefined while it must be (re)read from the log. null: the chain is empty. */
  private tip: AuditRecord | null | undefined;
  private waiting: Waiting[] = [];
  private writing = false;

  constructor(private readonly options: { log: AuditLog; replicaId: string; now?: () => number }) {}

  get replicaId(): string {
    return this.options.replicaId;
  }

  append(entry: AuditEntry): Promise<AuditRecord> {
    return this.enqueue({ kind: 'request', entry, checkpoint: null });
  }

  appendCheckpoint(checkpoint: AuditCheckpoint): Promise<AuditRecord> {
    return this.enqueue({ kind: 'checkpoint', entry: null, checkpoint });
  }

  /** A change to what the gateway serves (the model registry's promote, rollback, …). */
  appendChange(change: AuditChange): Promise<AuditRecord> {
    return this.enqueue({ kind: 'change', entry: null, checkpoint: null, change });
  }

  private enqueue(body: Waiting['body']): Promise<AuditRecord> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ body, resolve, reject });
      if (!this.writing) void this.drain();
    });
  }

  private async drain(): Promise<void> {
    this.writing = true;
    while (this.waiting.length > 0) {
      const batch = this.waiting;
      this.waiting = [];
      try {
        const records = await this.write(batch.map((w) => w.body));
        for (const [i, w] of batch.entries()) w.resolve(records[i]!);
      } catch (error) {
        for (const w of batch) w.reject(error);
      }
    }
    this.writing = false;
  }

  private async write(bodies: ReadonlyArray<Waiting['body']>): Promise<AuditRecord[]> {
    const { log, replicaId } = this.options;
    for (let attempt = 0; ; attempt++) {
      if (this.tip === undefined) this.tip = (await log.tip(replicaId)) ?? null;
      const recordedAt = this.options.now?.() ?? Date.now();
      let previous = this.tip;
      const records = bodies.map((body) => {
        const record = linked(replicaId, (previous?.seq ?? 0) + 1, recordedAt, body, previous?.hash ?? GENESIS_HASH);
        // hashAuditRecord reads every field but `hash`.
        record.hash = hashAuditRecord(record);
        previous = record;
        return record;
      });
      try {
        await log.append(records);
        this.tip = previous;
        return records;
      } catch (error) {
        this.tip = undefined;
        if (attempt >= 2) throw error;
      }
    }
  }
}

/**
 * A record before its hash is known (`hash` empty), written out as one literal: `{ ...body, prevHash }` and
 * `{ ...unhashed, hash }` add properties their spread source lacks, which V8 11 (Node 20) runs through a slow
 * path (~1-2 µs per object against ~50 ns), twice per request. `change` only on change records, as before.
 */
function linked(replicaId: string, seq: number, recordedAt: number, body: Waiting['body'], prevHash: string): AuditRecord {
  const { kind, entry, checkpoint } = body;
  if (body.change === undefined && !('change' in body)) return { replicaId, seq, recordedAt, kind, entry, checkpoint, prevHash, hash: '' };
  return { replicaId, seq, recordedAt, kind, entry, checkpoint, change: body.change, prevHash, hash: '' };
}

export interface ChainReport {
  replicaId: string;
  /** Records checked. */
  records: number;
  firstSeq: number | null;
  lastSeq: number | null;
  /** The newest record's hash: keep it somewhere else to detect a later rewrite of the chain. */
  tipHash: string | null;
  /** When the newest record was appended (ms since the epoch). */
  tipRecordedAt: number | null;
  /** The first record that does not verify, and why; absent when the chain is intact. */
  broken?: { seq: number; reason: string };
}

/** Checks one replica's chain from its oldest remaining record to its tip, a page at a time. */
export async function verifyAuditChain(options: {
  log: AuditLog;
  replicaId: string;
  pageSize?: number;
  /** Sees every record that verified, in order (audit-verify.ts collects request ids and checkpoints). */
  onRecord?: (record: AuditRecord) => void;
}): Promise<ChainReport> {
  const { log, replicaId } = options;
  const report: ChainReport = { replicaId, records: 0, firstSeq: null, lastSeq: null, tipHash: null, tipRecordedAt: null };
  let previous: AuditRecord | undefined;
  // After a purge the oldest record links to a deleted one; a checkpoint later in the chain must vouch for it.
  let anchor: { seq: number; prevHash: string } | undefined;
  const anchors = new Set<string>();
  let afterSeq = 0;
  for (;;) {
    const page = await log.read({ replicaId, afterSeq, limit: options.pageSize ?? 1_000 });
    if (page.length === 0) break;
    for (const record of page) {
      const reason = checkLink(record, previous);
      if (reason !== null) return { ...report, broken: { seq: record.seq, reason } };
      if (previous === undefined) {
        report.firstSeq = record.seq;
        if (record.seq !== 1) anchor = { seq: record.seq, prevHash: record.prevHash };
      }
      if (record.checkpoint) anchors.add(`${record.checkpoint.purgedThroughSeq}:${record.checkpoint.purgedThroughHash}`);
      options.onRecord?.(record);
      report.records++;
      report.lastSeq = record.seq;
      report.tipHash = record.hash;
      report.tipRecordedAt = record.recordedAt;
      previous = record;
    }
    afterSeq = previous?.seq ?? afterSeq;
  }
  if (anchor !== undefined && !anchors.has(`${anchor.seq - 1}:${anchor.prevHash}`)) {
    return {
      ...report,
      broken: { seq: anchor.seq, reason: `records 1..${anchor.seq - 1} are missing and no purge checkpoint accounts for them` },
    };
  }
  return report;
}

function checkLink(record: AuditRecord, previous: AuditRecord | undefined): string | null {
  const { hash, ...unhashed } = record;
  if (hashAuditRecord(unhashed) !== hash) return 'hash does not match the record: it was changed after it was written';
  if (record.seq === 1 && record.prevHash !== GENESIS_HASH) return 'the first record does not start from the genesis hash';
  if (previous === undefined) return null;
  if (record.seq !== previous.seq + 1) return `records ${previous.seq + 1}..${record.seq - 1} are missing`;
  if (record.prevHash !== previous.hash) return `prevHash does not match record ${previous.seq}: the chain was rewritten`;
  return null;
}

/**
 * Retention for one replica's chain: appends a checkpoint naming the last record older than `before`,
 * then deletes through it. The checkpoint is written first, so a crash in between leaves a longer but
 * still valid chain.
 */
export async function purgeAuditChain(options: {
  log: AuditLog;
  replicaId: string;
  before: number;
  now?: () => number;
}): Promise<{ deleted: number; checkpoint: AuditRecord | null }> {
  const { log, replicaId, before } = options;
  const through = await log.lastSeqBefore({ replicaId, time: before });
  if (through === 0) return { deleted: 0, checkpoint: null };
  const chainOptions: ConstructorParameters<typeof AuditChain>[0] = { log, replicaId };
  if (options.now) chainOptions.now = options.now;
  return cutChainThrough({ chain: new AuditChain(chainOptions), log, through, before: () => before });
}

/**
 * Count-based retention for a chain this process appends to (the memory store keeps its last
 * `max_requests`): cuts the records older than the newest `keep`, behind a checkpoint appended through the
 * same chain, so it still verifies. A no-op while the chain holds no more than `keep` records.
 */
export async function trimAuditChain(options: {
  chain: AuditChain;
  log: AuditLog;
  keep: number;
}): Promise<{ deleted: number; checkpoint: AuditRecord | null }> {
  const { chain, log, keep } = options;
  const tip = await log.tip(chain.replicaId);
  const through = (tip?.seq ?? 0) - Math.max(1, Math.floor(keep));
  if (through <= 0) return { deleted: 0, checkpoint: null };
  // Records recorded after the newest purged one are kept: that is the checkpoint's "purged before".
  return cutChainThrough({ chain, log, through, before: (last) => last.recordedAt + 1 });
}

async function cutChainThrough(o: {
  chain: AuditChain;
  log: AuditLog;
  through: number;
  before: (last: AuditRecord) => number;
}): Promise<{ deleted: number; checkpoint: AuditRecord | null }> {
  const { chain, log, through } = o;
  const replicaId = chain.replicaId;
  const first = (await log.read({ replicaId, limit: 1 }))[0]?.seq;
  if (first === undefined || first > through) return { deleted: 0, checkpoint: null };
  const [last] = await log.read({ replicaId, afterSeq: through - 1, limit: 1 });
  if (last === undefined || last.seq !== through) throw new Error(`audit record ${replicaId}#${through} vanished during purge`);
  const checkpoint = await chain.appendCheckpoint({
    purgedThroughSeq: through,
    purgedThroughHash: last.hash,
    purgedRecords: through - first + 1,
    purgedBefore: o.before(last),
  });
  const deleted = await log.deleteThrough({ replicaId, throughSeq: through });
  return { deleted, checkpoint };
}
