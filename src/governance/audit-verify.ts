/**
 * Everything `tandem audit verify` (and GET /admin/audit/verify) checks, in one pass over the chains:
 * the links of every chain, that every request in the request log has an audit record (completeness,
 * audit-completeness.ts), and, given an anchor, that no anchored tip was rewritten, cut off or deleted
 * (audit-anchor.ts).
 */
import type { AuditRecord } from '../store/audit-log.js';
import type { Store } from '../store/request-log.js';
import { checkAnchor, type AnchorReport, type AuditAnchor, type ChainFacts } from './audit-anchor.js';
import { verifyAuditChain, type ChainReport } from './audit-chain.js';
import { AuditedRequestIds, findUnauditedRequests, type CompletenessReport } from './audit-completeness.js';

export interface AuditVerification {
  ok: boolean;
  chains: ChainReport[];
  /** null when not checked; `completenessSkipped` says why. */
  completeness: CompletenessReport | null;
  completenessSkipped?: string;
  anchor: AnchorReport | null;
}

export interface VerifyAuditOptions {
  store: { audit: Store['audit']; dashboard: Pick<Store['dashboard'], 'requests'> };
  /** Verify only these chains (completeness is then skipped: a request cannot be told to a chain). Default: all. */
  chains?: readonly string[];
  /** Check completeness (default true); off when the gateway runs with `audit.enabled: false`. */
  completeness?: boolean;
  /** Narrow the completeness range (request arrival time, ms); it never starts before the oldest audit record kept. */
  since?: number;
  until?: number;
  anchor?: AuditAnchor;
  /** Missing request ids listed in the report (default 10). */
  sample?: number;
  now?: () => number;
}

interface Walk {
  facts: ChainFacts;
  /** Arrival time of the oldest request the chain still vouches for: its first request, or its newest purge boundary. */
  coveredFrom: number | null;
  purgedBefore: number | null;
}

export async function verifyAudit(o: VerifyAuditOptions): Promise<AuditVerification> {
  const { audit } = o.store;
  // Fixed before the walk: requests logged while it runs are left to the next verify.
  const until = o.until ?? (o.now ?? Date.now)();
  const all = o.chains === undefined;
  const ids = o.chains ?? (await audit.replicas());
  const audited = new AuditedRequestIds();
  const chains: ChainReport[] = [];
  const walks = new Map<string, Walk>();
  for (const replicaId of ids) {
    const walk: Walk = { facts: { firstSeq: null, lastSeq: null, checkpoints: [] }, coveredFrom: null, purgedBefore: null };
    const onRecord = (record: AuditRecord): void => {
      if (record.entry !== null) audited.add(record.entry.requestId);
      if (record.seq === 1) walk.coveredFrom = record.entry?.time ?? record.recordedAt;
      if (record.checkpoint !== null) {
        walk.facts.checkpoints.push({
          seq: record.seq,
          purgedThroughSeq: record.checkpoint.purgedThroughSeq,
          purgedThroughHash: record.checkpoint.purgedThroughHash,
        });
        walk.purgedBefore = Math.max(walk.purgedBefore ?? -Infinity, record.checkpoint.purgedBefore);
      }
    };
    const report = await verifyAuditChain({ log: audit, replicaId, onRecord });
    walk.facts.firstSeq = report.firstSeq;
    walk.facts.lastSeq = report.lastSeq;
    walk.coveredFrom ??= walk.purgedBefore;
    chains.push(report);
    walks.set(replicaId, walk);
  }

  let completeness: CompletenessReport | null = null;
  let completenessSkipped: string | undefined;
  if (o.completeness === false) completenessSkipped = 'the audit log is off (audit.enabled: false)';
  else if (!all) completenessSkipped = 'only some chains were verified';
  else {
    const since = Math.max(o.since ?? -Infinity, coverageStart([...walks.values()]));
    const found = await findUnauditedRequests({ dashboard: o.store.dashboard, audited, since: Number.isFinite(since) ? since : 0, until });
    // A request's row and its audit record commit separately: one whose record landed after its chain
    // was read is looked for once more among the records appended since.
    const late = await requestIdsAppendedAfter(o.store, chains);
    const stillMissing = found.missing.filter((id) => !late.has(id));
    completeness = {
      since: Number.isFinite(since) ? since : 0,
      until,
      requests: found.requests,
      missing: found.missingCount - (found.missing.length - stillMissing.length),
      missingIds: stillMissing.slice(0, o.sample ?? 10),
    };
  }

  const anchor =
    o.anchor === undefined
      ? null
      : await checkAnchor({
          log: audit,
          anchor: all ? o.anchor : { ...o.anchor, chains: o.anchor.chains.filter((c) => ids.includes(c.chain)) },
          facts: new Map([...walks].map(([id, w]) => [id, w.facts])),
        });
  const ok = chains.every((c) => c.broken === undefined) && (completeness?.missing ?? 0) === 0 && (anchor?.ok ?? true);
  return { ok, chains, completeness, ...(completenessSkipped === undefined ? {} : { completenessSkipped }), anchor };
}

/**
 * Completeness is checked from the oldest request any chain still vouches for, and never across a purge:
 * rows older than the newest purge boundary may have lost their records legitimately, as may rows logged
 * before any chain existed (an upgrade from a build without the audit log).
 */
function coverageStart(walks: readonly Walk[]): number {
  const starts = walks.map((w) => w.coveredFrom).filter((t): t is number => t !== null);
  const purges = walks.map((w) => w.purgedBefore).filter((t): t is number => t !== null);
  return Math.max(starts.length === 0 ? -Infinity : Math.min(...starts), ...purges);
}

async function requestIdsAppendedAfter(store: Pick<Store, 'audit'>, chains: readonly ChainReport[]): Promise<Set<string>> {
  const ids = new Set<string>();
  for (const chain of chains) {
    let afterSeq = chain.lastSeq ?? 0;
    for (;;) {
      const page = await store.audit.read({ replicaId: chain.replicaId, afterSeq, limit: 1_000 });
      if (page.length === 0) break;
      for (const record of page) if (record.entry !== null) ids.add(record.entry.requestId);
      afterSeq = page[page.length - 1]!.seq;
    }
  }
  // Chains started since the walk (a replica that just came up).
  const known = new Set(chains.map((c) => c.replicaId));
  for (const replicaId of await store.audit.replicas()) {
    if (known.has(replicaId)) continue;
    for (const record of await store.audit.read({ replicaId, limit: 1_000 })) if (record.entry !== null) ids.add(record.entry.requestId);
  }
  return ids;
}
