/**
 * The store's narrow interfaces. One implementation per backend (sqlite/, later postgres/), all run
 * through the same shared test suite (request-log.contract.ts).
 */
import type { RequestRecord } from '../spec/request-record.js';
import type { AuditLog } from './audit-log.js';
import type { Dashboard } from './dashboard.js';
import type { ApiKeyStore } from './keys.js';
import type { TaskExampleStore } from './task-examples.js';
import type { ArtifactRegistry } from '../lifecycle/artifact-registry.js';
import type { CollectionStore } from '../retrieval/collection-store.js';
import type { FeedbackStore } from './feedback.js';
import type { FlowStepLog } from './flow-steps.js';
import type { UsageTotals } from './usage-totals.js';
import type { ExperimentStore } from '../lifecycle/experiment-store.js';
import type { VectorIndex } from '../vector/vector-index.js';
import type { AnswerCacheStore } from '../cache/answer-cache-store.js';

export interface RequestLog {
  /**
   * Records a finished request. Resolves once the row would survive the process being killed
   * (SIGKILL) — the gateway awaits it before the last byte reaches the client, so a client that got an
   * answer always has a row. Implementations keep this cheap (a prepared insert, group commit).
   */
  append(record: RequestRecord): Promise<void>;
  /** Most recent first. */
  recent(options: { limit: number; route?: string; model?: string }): Promise<RequestRecord[]>;
  get(id: string): Promise<RequestRecord | undefined>;
  /** Deletes rows that arrived before `time` (ms since the epoch), for retention; returns how many. */
  deleteBefore(time: number): Promise<number>;
  /**
   * The summed cost of the requests of one API key (null: made without a key) that arrived at or after
   * `since` (ms). Budgets rebuild their counters from it when the counter store lost them (a Redis
   * restart, a single node's restart): the log, not the counter, is the record of what was spent.
   */
  spendSince(options: { keyId: string | null; since: number }): Promise<number>;
}

export interface StatsRow extends UsageTotals {
  route: string | null;
  model: string | null;
  /** baselineCost - cost */
  savings: number;
}

export interface Stats {
  /** Totals grouped by route and model over [since, until). */
  query(options: { since?: number; until?: number }): Promise<StatsRow[]>;
}

export interface Store {
  requestLog: RequestLog;
  stats: Stats;
  /** The dashboard's time series and request pages (dashboard.ts). */
  dashboard: Dashboard;
  /** API keys (keys.ts). */
  keys: ApiKeyStore;
  /** The audit hash chains (audit-log.ts). */
  audit: AuditLog;
  /** Task distillation: captured examples and trained students (task-examples.ts). */
  taskExamples: TaskExampleStore;
  /** Experiments on routes: arms' statistics and decisions (lifecycle/experiment-store.ts). */
  experiments: ExperimentStore;
  /** The model registry: versioned learned artifacts with their status and history (lifecycle/artifact-registry.ts). */
  registry: ArtifactRegistry;
  /** Retrieval collections: documents and chunk texts (retrieval/collection-store.ts; vectors in the vector index). */
  collections: CollectionStore;
  /**
   * Nearest-neighbour search for the semantic cache and retrieval (vector/vector-index.ts): memory, SQLite
   * with sqlite-vec in the store's own file, PostgreSQL with pgvector (whose first use enables the extension,
   * or fails saying what to run: docs/deployment.md). Optional so that other Store implementations need none.
   */
  vectors?: VectorIndex;
  /** Answers of routes with `cache.backend: store` (cache/answer-cache-store.ts); absent on backends without one. */
  answerCache?: AnswerCacheStore;
  /** Feedback on logged requests: scores, labels, verdicts (feedback.ts). */
  feedback: FeedbackStore;
  /** The child rows of flows, one per step (flow-steps.ts); absent in stores that keep none. */
  flowSteps?: FlowStepLog;
  /**
   * Stores that group-commit: commit the appends queued so far now rather than at the end of the event
   * loop's turn. The gateway calls it when no other request is in flight, so no append could join the
   * batch and waiting for the turn to end would only add latency.
   */
  commitNow?(): void;
  /** Stores on a database server: whether it can commit now (/readyz), and whether an append would be kept at all. */
  health?(): StoreHealth;
  close(): Promise<void>;
}

export interface StoreHealth {
  /** The database commits: /readyz is 200. */
  ready: boolean;
  /**
   * An append would be kept (in the database, or in the local spool during an outage). False: the row of
   * an answer would be lost, so the gateway refuses requests with 503 before calling an upstream.
   */
  accepting: boolean;
}
