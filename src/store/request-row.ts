/**
 * Converts between a RequestRecord and a `requests` row. Shared by every SQL backend so they store the
 * same thing the same way.
 */
import type { Insertable, Selectable } from 'kysely';
import type { CandidateVerdict, PrivacyOutcome, RequestRecord } from '../spec/request-record.js';
import type { RequestsTable } from './database.js';

export type RequestRow = Selectable<RequestsTable>;
export type NewRequestRow = Omit<Insertable<RequestsTable>, 'seq'>;

/** Column order of the insert; the raw prepared statement in the SQLite store binds by these names. */
export const requestColumns = [
  'id',
  'time',
  'key_id',
  'route',
  'requested_model',
  'model',
  'candidates',
  'reason',
  'score',
  'threshold',
  'attempts',
  'stream',
  'input_tokens',
  'output_tokens',
  'tokens_estimated',
  'cost',
  'baseline_cost',
  'ttft_ms',
  'total_ms',
  'overhead_ms',
  'status',
  'error',
  'request_body',
  'response_body',
  'privacy_action',
  'privacy_findings',
  'retrieval_sources',
  'cache',
] as const satisfies ReadonlyArray<keyof NewRequestRow>;

export function toRequestRow(record: RequestRecord, options: { logBodies: boolean }): Required<NewRequestRow> {
  return {
    id: record.id,
    time: record.time,
    key_id: record.keyId,
    route: record.route,
    requested_model: record.requestedModel,
    model: record.model,
    candidates: JSON.stringify(record.candidates),
    reason: record.reason,
    score: record.score,
    threshold: record.threshold,
    attempts: JSON.stringify(record.attempts),
    stream: record.stream ? 1 : 0,
    input_tokens: record.inputTokens,
    output_tokens: record.outputTokens,
    tokens_estimated: record.tokensEstimated ? 1 : 0,
    cost: record.cost,
    baseline_cost: record.baselineCost,
    ttft_ms: record.ttftMs,
    total_ms: record.totalMs,
    overhead_ms: record.overheadMs,
    status: record.status,
    error: record.error,
    request_body: options.logBodies ? record.requestBody : null,
    response_body: options.logBodies ? record.responseBody : null,
    privacy_action: record.privacy?.action ?? null,
    privacy_findings: record.privacy === undefined ? null : JSON.stringify(record.privacy.findings),
    retrieval_sources: record.sources === undefined ? null : JSON.stringify(record.sources),
    cache: record.cache ?? null,
  };
}

export function fromRequestRow(row: RequestRow): RequestRecord {
  const record: RequestRecord = {
    id: row.id,
    // Number(): PostgreSQL drivers return bigint columns as strings.
    time: Number(row.time),
    keyId: row.key_id,
    route: row.route,
    requestedModel: row.requested_model,
    model: row.model,
    candidates: JSON.parse(row.candidates) as CandidateVerdict[],
    reason: row.reason,
    score: row.score,
    threshold: row.threshold,
    attempts: JSON.parse(row.attempts) as RequestRecord['attempts'],
    stream: Boolean(row.stream),
    inputTokens: Number(row.input_tokens),
    outputTokens: Number(row.output_tokens),
    tokensEstimated: Boolean(row.tokens_estimated),
    cost: Number(row.cost),
    baselineCost: Number(row.baseline_cost),
    ttftMs: row.ttft_ms === null ? null : Number(row.ttft_ms),
    totalMs: Number(row.total_ms),
    overheadMs: Number(row.overhead_ms),
    status: Number(row.status),
    error: row.error,
    requestBody: row.request_body,
    responseBody: row.response_body,
  };
  // Absent rather than null, as on a record that never ran privacy detection.
  if (row.privacy_action !== null) {
    record.privacy = {
      action: row.privacy_action as PrivacyOutcome['action'],
      findings: JSON.parse(row.privacy_findings ?? '{}') as PrivacyOutcome['findings'],
    };
  }
  // typeof: a row read before migration 015 has no such column.
  if (typeof row.retrieval_sources === 'string') record.sources = JSON.parse(row.retrieval_sources) as string[];
  if (row.cache === 'hit' || row.cache === 'miss' || row.cache === 'bypass') record.cache = row.cache;
  return record;
}
