/** What the audit log keeps about a finished request: decisions and hashes, never bodies or PII values. */
import type { RequestRecord } from '../spec/request-record.js';
import type { AuditEntry } from '../store/audit-log.js';
import { sha256Hex } from './audit-chain.js';

export function auditEntryFor(record: RequestRecord, user: string | null): AuditEntry {
  return {
    requestId: record.id,
    time: record.time,
    keyId: record.keyId,
    user,
    route: record.route,
    requestedModel: record.requestedModel,
    model: record.model,
    status: record.status,
    refusals: record.candidates.filter((c) => c.refusals.length > 0).map((c) => ({ model: c.model, reasons: [...c.refusals] })),
    reason: record.reason,
    privacy: record.privacy ? { action: record.privacy.action, findings: { ...record.privacy.findings } } : null,
    requestSha256: record.requestBody === null ? null : sha256Hex(record.requestBody),
    responseSha256: record.responseBody === null ? null : sha256Hex(record.responseBody),
  };
}
