/**
 * The audit log's storage: an append-only hash chain per replica (governance/audit-chain.ts computes
 * and checks the hashes; a store only keeps records in order). One chain per replica, so replicas never
 * contend for a shared "previous record" and a verifier checks each chain on its own.
 */
import type { PrivacyOutcome } from '../spec/request-record.js';

/** What the gateway records about one request; never bodies, never PII values. */
export interface AuditEntry {
  requestId: string;
  /** Milliseconds since the epoch when the request arrived. */
  time: number;
  keyId: string | null;
  /** The request's `user` field as a keyed hash (`hmac-sha256:…`, audit.user_key), never the value; null without a key. */
  user: string | null;
  route: string | null;
  requestedModel: string;
  model: string | null;
  status: number;
  /** Candidates the policies refused, with each refusing policy's reason. */
  refusals: Array<{ model: string; reasons: string[] }>;
  /** The route's routing reason (as in x-tandem-route-reason). */
  reason: string;
  privacy: PrivacyOutcome | null;
  /** Hex SHA-256 of the request and response bodies as they crossed the edge; null when absent. */
  requestSha256: string | null;
  responseSha256: string | null;
}

/**
 * A checkpoint is appended by `tandem purge`: it names the last record it deleted, whose hash becomes the
 * prevHash the oldest remaining record must carry, so the shortened chain still verifies.
 */
export interface AuditCheckpoint {
  purgedThroughSeq: number;
  purgedThroughHash: string;
  purgedRecords: number;
  /** Records older than this (ms since the epoch) were purged. */
  purgedBefore: number;
}

/**
 * A change to what the gateway serves, made by a person or a trainer rather than by a request: the model
 * registry's register, promote, rollback and retire (lifecycle/registry-service.ts).
 */
export interface AuditChange {
  /** What was done, e.g. `registry.promote`. */
  action: string;
  /** What it was done to, e.g. `task-student/support/intent@v3`. */
  subject: string;
  /** Who did it: `cli:<user>`, `admin-api`, `gateway`, `train-router`, … */
  actor: string;
  reason: string | null;
  /** JSON-safe facts of the change (versions and statuses before and after). */
  detail: Record<string, unknown>;
}

export interface AuditRecord {
  replicaId: string;
  /** 1, 2, 3, … within the replica's chain, without gaps. */
  seq: number;
  /** When the record was appended (ms since the epoch). */
  recordedAt: number;
  kind: 'request' | 'checkpoint' | 'change';
  /** Set when kind is 'request'. */
  entry: AuditEntry | null;
  /** Set when kind is 'checkpoint'. */
  checkpoint: AuditCheckpoint | null;
  /** Set when kind is 'change'; absent on other records (and hashed only when set, so older chains verify as before). */
  change?: AuditChange | null;
  /** The previous record's hash; 64 zeros for seq 1. */
  prevHash: string;
  /** Hex SHA-256 over the canonical JSON of every other field (governance/audit-chain.ts). */
  hash: string;
}

export interface AuditLog {
  /**
   * Stores fully computed records, consecutive links of one chain, in order: all of them or, when any
   * (replicaId, seq) exists already, none. Durable when resolved (the gateway awaits it before the
   * response's last byte). The chain hands over every record linked while the previous batch was being
   * written, so under load one call carries many records.
   */
  append(records: readonly AuditRecord[]): Promise<void>;
  /** The newest record of a replica's chain. */
  tip(replicaId: string): Promise<AuditRecord | undefined>;
  /** Replica ids that have records, sorted. */
  replicas(): Promise<string[]>;
  /**
   * Records of one replica with seq > afterSeq, in seq order, at most `limit` (paging for verify and
   * export without loading a whole chain).
   */
  read(options: { replicaId: string; afterSeq?: number; limit: number }): Promise<AuditRecord[]>;
  /** The highest seq of a replica's records appended before `time` (ms), for retention; 0 when none. */
  lastSeqBefore(options: { replicaId: string; time: number }): Promise<number>;
  /** Deletes one replica's records with seq <= throughSeq; returns how many. Only purge calls this. */
  deleteThrough(options: { replicaId: string; throughSeq: number }): Promise<number>;
}
