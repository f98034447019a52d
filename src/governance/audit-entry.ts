/** What the audit log keeps about a finished request: decisions and hashes, never bodies or PII values. */
import type { RequestRecord } from '../spec/request-record.js';
import type { AuditEntry } from '../store/audit-log.js';
import { createHmac } from 'node:crypto';
import { sha256Hex } from './audit-chain.js';

/**
 * How the request's `user` field is recorded: a keyed hash (`hmac-sha256:` + 32 hex digits) under
 * `audit.user_key`, or nothing without a key. The field often holds an e-mail address, and a plain or
 * salted hash of one is reversed by hashing a list of addresses; the key lives outside the database.
 */
export function auditUser(user: string | null, key: string | undefined): string | null {
  if (user === null || key === undefined) return null;
  return `hmac-sha256:${createHmac('sha256', key).update(user).digest('hex').slice(0, 32)}`;
}

/** `user` must already be in its recorded form (auditUser). */
export function auditEntryFor(record: RequestRecord, user: string | null): AuditEntry {
  // Keys in sorted order, so the chain's canonicalJson writes the entry without copying it.
  return {
    keyId: record.keyId,
    model: record.model,
    privacy: record.privacy ? { action: record.privacy.action, findings: { ...record.privacy.findings } } : null,
    reason: record.reason,
    refusals: record.candidates.filter((c) => c.refusals.length > 0).map((c) => ({ model: c.model, reasons: [...c.refusals] })),
    requestId: record.id,
    requestSha256: record.requestBody === null ? null : sha256Hex(record.requestBody),
    requestedModel: record.requestedModel,
    responseSha256: record.responseBody === null ? null : sha256Hex(record.responseBody),
    route: record.route,
    status: record.status,
    time: record.time,
    user,
  };
}
