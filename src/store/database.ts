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
  /** JSON text of RequestRecord.sources, the retrieved chunk ids; null when nothing was retrieved (migration 015). */
  retrieval_sources: string | null;
  /** RequestRecord.cache: hit, miss or bypass; null when the route has no cache (migration 014). */
  cache: string | null;
}

/** Migration 014; see cache/answer-cache-store.ts. `value` is the cached answer as JSON text. */
export interface AnswerCacheTable {
  scope: string;
  key: string;
  value: string;
  bytes: number;
  created_at: number;
  expires_at: number;
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

/** Migration 011; see feedback.ts. `correct` is 0, 1 or null. */
export interface FeedbackTable {
  seq: Generated<number>;
  request_id: string;
  source: string;
  route: string | null;
  model: string | null;
  key_id: string | null;
  time: number;
  score: number | null;
  label: string | null;
  correct: number | null;
  comment: string | null;
}

/** Migration 010; see lifecycle/artifact-registry.ts. `provenance` and `metrics` are JSON text. */
export interface RegistryArtifactsTable {
  kind: string;
  name: string;
  version: number;
  sha256: string;
  size: number;
  created_at: number;
  status: string;
  updated_at: number;
  provenance: string;
  metrics: string;
}

/** Migration 010: a registered artifact's bytes in parts, `part` 0, 1, … */
export interface RegistryArtifactPartsTable {
  kind: string;
  name: string;
  version: number;
  part: number;
  bytes: Uint8Array;
}

/** Migration 010: every registry change; `seq` is the change counter replicas poll. */
export interface RegistryEventsTable {
  seq: Generated<number>;
  time: number;
  kind: string;
  name: string;
  version: number;
  action: string;
  from_status: string | null;
  to_status: string;
  actor: string;
  reason: string | null;
}

/** Migration 013; see flow-steps.ts. One row per step of a flow, keyed by its parent request. */
export interface RequestStepsTable {
  parent_id: string;
  step_index: number;
  parent_time: number;
  step: string;
  model: string | null;
  status: string;
  input_tokens: number;
  output_tokens: number;
  /** 0 or 1. */
  tokens_estimated: number;
  cost: number;
  start_ms: number;
  duration_ms: number;
  ttft_ms: number | null;
  privacy: string | null;
  error: string | null;
}

/** Migration 012; see lifecycle/experiment-store.ts. Each arm's statistics are columns `<arm>_<stat>`. */
export interface ExperimentsTable {
  name: string;
  route: string;
  control: string;
  candidate: string;
  metric: string;
  status: string;
  reason: string | null;
  control_n: number;
  control_sum: number;
  control_sum_sq: number;
  control_requests: number;
  control_errors: number;
  control_latency_ms: number;
  candidate_n: number;
  candidate_sum: number;
  candidate_sum_sq: number;
  candidate_requests: number;
  candidate_errors: number;
  candidate_latency_ms: number;
  started_at: number;
  updated_at: number;
  decided_at: number | null;
}

export interface TandemDatabase {
  requests: RequestsTable;
  api_keys: ApiKeysTable;
  audit_log: AuditLogTable;
  task_examples: TaskExamplesTable;
  answer_cache: AnswerCacheTable;
  task_students: TaskStudentsTable;
  task_student_parts: TaskStudentPartsTable;
  registry_artifacts: RegistryArtifactsTable;
  registry_artifact_parts: RegistryArtifactPartsTable;
  registry_events: RegistryEventsTable;
  experiments: ExperimentsTable;
  feedback: FeedbackTable;
  request_steps: RequestStepsTable;
}
