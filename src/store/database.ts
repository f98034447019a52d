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
}

export interface TandemDatabase {
  requests: RequestsTable;
}
