/**
 * The SQL tables as Kysely sees them. Column names are snake_case so the same queries read naturally in
 * SQLite and PostgreSQL; request-row.ts converts between a row and a RequestRecord.
 */
import type { Generated } from 'kysely';

export interface RequestsTable {
  /** Insertion order: breaks ties between requests that arrived in the same millisecond. */
  seq: Generated<number>;
  id: string;
  time: number;
  key_id: string | null;
  route: string | null;
  requested_model: string;
  model: string | null;
  /** JSON text of CandidateVerdict[]. */
  candidates: string;
  reason: string;
  score: number | null;
  threshold: number | null;
  /** JSON text of RequestRecord['attempts']. */
  attempts: string;
  /** 0 or 1: SQLite has no boolean type and better-sqlite3 cannot bind JS booleans. */
  stream: number;
  input_tokens: number;
  output_tokens: number;
  tokens_estimated: number;
  cost: number;
  baseline_cost: number;
  ttft_ms: number | null;
  total_ms: number;
  overhead_ms: number;
  status: number;
  error: string | null;
  request_body: string | null;
  response_body: string | null;
  /** PrivacyOutcome.action; null when no privacy detection ran (migration 002). */
  privacy_action: string | null;
  /** JSON text of PrivacyOutcome.findings. */
  privacy_findings: string | null;
}

/** Migration 003; see keys.ts. JSON text in routes, models, limits. */
export interface ApiKeysTable {
  id: string;
  name: string;
  hash: string;
  prefix: string;
  routes: string;
  models: string;
  limits: string;
  created_at: number;
  expires_at: number | null;
  revoked_at: number | null;
  /** KeyScope: 'all' or 'routes' (migration 008). */
  scope: string;
}

/** Migration 004; see audit-log.ts. `body` is the entry or checkpoint as JSON text. */
export interface AuditLogTable {
  replica_id: string;
  seq: number;
  recorded_at: number;
  kind: string;
  body: string;
  prev_hash: string;
  hash: string;
}

/** Migration 009; see task-examples.ts. */
export interface TaskExamplesTable {
  route: string;
  input_hash: string;
  input: string;
  teacher_label: string | null;
  corrected_label: string | null;
  weight: number;
  updated_at: number;
}

/** Migration 009; `metrics` is JSON text. */
export interface TaskStudentsTable {
  route: string;
  version: number;
  created_at: number;
  status: string;
  metrics: string;
}

/** Migration 009: a student's encoded artifact (distill/student-artifact.ts) in parts, `part` 0, 1, … */
export interface TaskStudentPartsTable {
  route: string;
  version: number;
  part: number;
  bytes: Uint8Array;
}

export interface TandemDatabase {
  requests: RequestsTable;
  api_keys: ApiKeysTable;
  audit_log: AuditLogTable;
  task_examples: TaskExamplesTable;
  task_students: TaskStudentsTable;
  task_student_parts: TaskStudentPartsTable;
}
