/**
 * The embedded store: one SQLite file through better-sqlite3, WAL mode.
 *
 * Appends use a raw prepared INSERT, group-committed once per event-loop turn (sqlite-batch-writer.ts).
 * In WAL mode with synchronous=NORMAL a committed transaction has been written to the WAL file (the OS
 * holds it) before COMMIT returns, so the row survives the process being killed; only power loss or an
 * OS crash can lose the last commits. That is exactly RequestLog.append's contract, at a cost of tens of
 * microseconds (bench/store-append.ts).
 *
 * SQLite's automatic checkpoint still runs inside an append and fsyncs, stalling the event loop. It runs
 * every 10,000 WAL pages (~40 MB of WAL file) rather than SQLite's 1,000: the same B-tree pages are
 * rewritten by every batch, so a checkpoint ten times rarer copies far fewer than ten times the pages,
 * and the c=32 bench gained 5-8% requests/s (docs/decisions/gateway-hot-path-performance.md, section
 * 10). A worker thread running PASSIVE checkpoints on its own connection was tried and cut main-thread
 * time only ~25% on this machine, because the writer still stalls on the disk while the worker flushes;
 * not worth a second connection and a thread yet.
 *
 * Reads go through Kysely so the PostgreSQL backend can share them (../sql-request-queries.ts).
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import type { RequestRecord } from '../../spec/request-record.js';
import type { AuditRecord } from '../audit-log.js';
import type { TandemDatabase } from '../database.js';
import { prepareSchema, type MigrateMode } from '../migrations/prepare-schema.js';
import type { Store } from '../request-log.js';
import { requestColumns, toRequestRow } from '../request-row.js';
import { createSqliteBatchWriter } from './sqlite-batch-writer.js';
import { deleteRequestsBefore, selectSpendSince, selectRecentRequests, selectRequest, selectStats } from '../sql-request-queries.js';
import { sqlApiKeyStore } from '../keys-sql.js';
import { sqlTaskExampleStore } from '../task-examples-sql.js';
import { sqlExperimentStore } from '../../lifecycle/experiment-store-sql.js';
import { sqlArtifactRegistry } from '../../lifecycle/registry-sql.js';
import { sqlCollectionStore } from '../../retrieval/collection-store-sql.js';
import { sqlFeedbackStore } from '../feedback-sql.js';
import { sqlFlowStepLog, stepColumns, toRow as toStepRow } from '../flow-steps-sql.js';
import type { FlowStepRecord } from '../flow-steps.js';
import { auditColumns, sqlAuditLog, toAuditRow } from '../audit-log-sql.js';
import { sqlDashboard } from '../sql-dashboard-queries.js';
import { loadSqliteVecOnce, SqliteVectorIndex } from '../../vector/sqlite-vector-index.js';
import { SqlAnswerCache } from '../../cache/sql-answer-cache.js';

/** Pages of WAL between automatic checkpoints (SQLite's default is 1,000); see the header. */
const WAL_CHECKPOINT_PAGES = 10_000;

export interface SqliteStoreOptions {
  /** Database file; parent directories are created. `:memory:` gives a private, throwaway database. */
  path: string;
  /** When false, request and response bodies are stored as null whatever the record carries. */
  logBodies: boolean;
  /** How long a write waits for another process's lock before failing (default 5 s). */
  busyTimeoutMs?: number;
  /** store.migrate (migrations/prepare-schema.ts); default `auto`. */
  migrate?: MigrateMode;
}

export async function openSqliteStore(options: SqliteStoreOptions): Promise<Store> {
  if (options.path !== ':memory:') mkdirSync(dirname(options.path), { recursive: true });
  const sqlite = new Database(options.path);
  try {
    sqlite.pragma('journal_mode = WAL');
    sqlite.pragma('synchronous = NORMAL');
    sqlite.pragma(`wal_autocheckpoint = ${WAL_CHECKPOINT_PAGES}`);
    sqlite.pragma(`busy_timeout = ${Math.max(0, Math.floor(options.busyTimeoutMs ?? 5_000))}`);
    // Before the migrator runs: it introspects every table, sqlite-vec's vec0 tables included.
    loadSqliteVecOnce(sqlite);
  } catch (error) {
    sqlite.close();
    throw error;
  }
  // Kysely.destroy() closes the better-sqlite3 handle too.
  const db = new Kysely<TandemDatabase>({ dialect: new SqliteDialect({ database: sqlite }) });
  try {
    await prepareSchema(db as Kysely<unknown>, { mode: options.migrate ?? 'auto' });
  } catch (error) {
    await db.destroy();
    throw error;
  }

  const insert = sqlite.prepare(`insert into requests (${requestColumns.join(', ')}) values (${requestColumns.map((c) => `@${c}`).join(', ')})`);
  const insertAudit = sqlite.prepare(`insert into audit_log (${auditColumns.join(', ')}) values (${auditColumns.map((c) => `@${c}`).join(', ')})`);
  // A savepoint when it runs inside the writer's batch transaction, its own transaction when the writer
  // retries row by row: a chain's batch is stored whole or not at all either way.
  const insertAuditRecords = sqlite.transaction((records: readonly AuditRecord[]) => {
    for (const record of records) insertAudit.run(toAuditRow(record));
  });
  // One record (every batch of a lone request) is one INSERT, atomic by itself: no savepoint around it.
  const insertAuditBatch = {
    run: (records: readonly AuditRecord[]) => (records.length === 1 ? insertAudit.run(toAuditRow(records[0] as AuditRecord)) : insertAuditRecords(records)),
  };
  // A flow's step rows join the same group commit as its parent row (flows/answer-flow.ts).
  const insertStep = sqlite.prepare(`insert into request_steps (${stepColumns.join(', ')}) values (${stepColumns.map((c) => `@${c}`).join(', ')})`);
  const insertSteps = {
    run: sqlite.transaction((steps: readonly FlowStepRecord[]) => {
      for (const step of steps) insertStep.run(toStepRow(step));
    }),
  };
  const logBodies = options.logBodies;
  const writer = createSqliteBatchWriter({ sqlite, insert });
  let closed = false;

  return {
    requestLog: {
      append: async (record: RequestRecord) => writer.append(toRequestRow(record, { logBodies })),
      recent: (query) => selectRecentRequests(db, query),
      get: (id) => selectRequest(db, id),
      deleteBefore: (time) => deleteRequestsBefore(db, time),
      spendSince: (query) => selectSpendSince(db, query),
    },
    stats: {
      query: (query) => selectStats(db, query),
    },
    keys: sqlApiKeyStore(db),
    taskExamples: sqlTaskExampleStore(db),
    experiments: sqlExperimentStore(db),
    // sqlite-vec is loaded on the first vector call; writes commit the open batch first.
    vectors: new SqliteVectorIndex(sqlite, () => writer.flush()),
    answerCache: new SqlAnswerCache(db),
    registry: sqlArtifactRegistry(db),
    collections: sqlCollectionStore(db),
    feedback: sqlFeedbackStore(db),
    flowSteps: { ...sqlFlowStepLog(db), append: (steps) => writer.appendWith(insertSteps, steps) },
    audit: {
      ...sqlAuditLog(db),
      // Like requests: a raw prepared insert, group-committed with the request rows of the same loop turn,
      // because the gateway awaits it on every request.
      append: (records) => writer.appendWith(insertAuditBatch, records),
    },
    dashboard: sqlDashboard(db),
    commitNow: () => writer.flush(),
    async close(): Promise<void> {
      if (closed) return;
      closed = true;
      writer.flush();
      await db.destroy();
    },
  };
}
