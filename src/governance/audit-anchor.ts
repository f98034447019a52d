/**
 * External anchors for the audit chains. Whoever can write the database can recompute every hash after
 * an edit, so the chains alone cannot show a rewrite, a cut-off tail or a chain deleted whole. An anchor
 * is the tip (seq and hash) of every chain at one moment, kept where the database's writers cannot reach
 * (`tandem audit anchor --out FILE` or `--url`); `tandem audit verify --anchor FILE` then checks that each
 * anchored record is still there with the same hash. Verification of the links already guarantees that
 * every later record chains from it, so records appended since pass, and a forged record that does not
 * chain from the anchored tip fails. What an anchor cannot vouch for is listed in docs/security.md.
 */
import { z } from 'zod';
import type { AuditLog } from '../store/audit-log.js';
import type { ChainReport } from './audit-chain.js';

export const ANCHOR_FORMAT = 'tandem-audit-anchor/1';

const anchorSchema = z.object({
  format: z.literal(ANCHOR_FORMAT),
  createdAt: z.string(),
  chains: z.array(
    z.object({
      chain: z.string().min(1),
      seq: z.number().int().positive(),
      hash: z.string().regex(/^[0-9a-f]{64}$/),
      recordedAt: z.number(),
      records: z.number().int().nonnegative(),
    }),
  ),
});

export type AuditAnchor = z.infer<typeof anchorSchema>;

/** An anchor of the chains just verified; only intact, non-empty chains can be anchored. */
export function anchorOf(chains: readonly ChainReport[], now: number): AuditAnchor {
  return {
    format: ANCHOR_FORMAT,
    createdAt: new Date(now).toISOString(),
    chains: chains.flatMap((c) =>
      c.broken === undefined && c.lastSeq !== null && c.tipHash !== null && c.tipRecordedAt !== null
        ? [{ chain: c.replicaId, seq: c.lastSeq, hash: c.tipHash, recordedAt: c.tipRecordedAt, records: c.records }]
        : [],
    ),
  };
}

export function parseAuditAnchor(text: string, source: string): AuditAnchor {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new Error(`${source} is not JSON: ${error instanceof Error ? error.message : String(error)}`);
  }
  const parsed = anchorSchema.safeParse(json);
  if (!parsed.success) throw new Error(`${source} is not a Tandem audit anchor (${ANCHOR_FORMAT}): ${parsed.error.issues[0]?.message ?? 'invalid'}`);
  return parsed.data;
}

/**
 * - `ok`: the anchored record is there with the anchored hash (and the chain verified, so every later
 *   record chains from it);
 * - `purged`: retention deleted the anchored record; the purge checkpoint names a later record, so this
 *   anchor can no longer vouch for the chain (not a failure: take anchors more often than retention);
 * - `deleted`, `truncated`, `rewritten`: failures.
 */
export type AnchorStatus = 'ok' | 'purged' | 'deleted' | 'truncated' | 'rewritten';

export interface AnchorCheck {
  chain: string;
  seq: number;
  status: AnchorStatus;
  detail: string;
}

export interface AnchorReport {
  createdAt: string;
  ok: boolean;
  chains: AnchorCheck[];
  /** Chains with records now that the anchor does not know (started after it): unanchored, not a failure. */
  unanchored: string[];
}

/** What verify learnt about a chain on its walk: where it starts and what its purge checkpoints say. */
export interface ChainFacts {
  firstSeq: number | null;
  lastSeq: number | null;
  checkpoints: Array<{ seq: number; purgedThroughSeq: number; purgedThroughHash: string }>;
}

export async function checkAnchor(o: { log: AuditLog; anchor: AuditAnchor; facts: ReadonlyMap<string, ChainFacts> }): Promise<AnchorReport> {
  const chains: AnchorCheck[] = [];
  for (const anchored of o.anchor.chains) {
    chains.push({ chain: anchored.chain, seq: anchored.seq, ...(await checkOne(o.log, anchored, o.facts.get(anchored.chain))) });
  }
  const known = new Set(o.anchor.chains.map((c) => c.chain));
  return {
    createdAt: o.anchor.createdAt,
    ok: chains.every((c) => c.status === 'ok' || c.status === 'purged'),
    chains,
    unanchored: [...o.facts.keys()].filter((id) => !known.has(id)),
  };
}

async function checkOne(
  log: AuditLog,
  anchored: AuditAnchor['chains'][number],
  facts: ChainFacts | undefined,
): Promise<{ status: AnchorStatus; detail: string }> {
  const { seq, hash } = anchored;
  // Retention never deletes a whole chain: a purge leaves at least its checkpoint behind.
  if (facts === undefined || facts.lastSeq === null)
    return { status: 'deleted', detail: `the chain had ${anchored.records} records through #${seq} and has none now` };
  if (facts.lastSeq < seq) return { status: 'truncated', detail: `the chain ends at #${facts.lastSeq}; the anchor saw it reach #${seq}` };
  const [record] = await log.read({ replicaId: anchored.chain, afterSeq: seq - 1, limit: 1 });
  if (record?.seq === seq) {
    return record.hash === hash
      ? { status: 'ok', detail: `#${seq} matches the anchor; ${facts.lastSeq - seq} records appended since` }
      : {
          status: 'rewritten',
          detail: `#${seq} has hash ${record.hash.slice(0, 12)}…, the anchor ${hash.slice(0, 12)}…: the chain was rewritten from #${seq} or earlier`,
        };
  }
  const through = facts.checkpoints.find((c) => c.purgedThroughSeq === seq);
  if (through !== undefined) {
    return through.purgedThroughHash === hash
      ? { status: 'ok', detail: `#${seq} was purged; checkpoint #${through.seq} names it with the anchored hash` }
      : { status: 'rewritten', detail: `checkpoint #${through.seq} names #${seq} with another hash than the anchor's: the chain was rewritten` };
  }
  if (facts.firstSeq !== null && facts.firstSeq > seq && facts.checkpoints.some((c) => c.purgedThroughSeq > seq)) {
    return {
      status: 'purged',
      detail: `#${seq} was purged (the chain now starts at #${facts.firstSeq}); this anchor is older than the retention period and cannot vouch for the chain`,
    };
  }
  return { status: 'truncated', detail: `#${seq} is missing and no purge checkpoint accounts for it` };
}
